// PerfClientApp: handshake-rate mode. Up to --concurrency connections at a
// time, each closed as soon as its handshake is confirmed (RFC 9001
// §4.1.2: the server has completed it too). Under --resume each one
// offers the newest ticket an earlier connection received.
#include <algorithm>

#include "apps/perf_client_app.h"
#include "apps/summary.h"
#include "runtime/udp_node.h"

namespace tquic::apps {

using transport::ConnectionEventType;

void PerfClientApp::start_handshakes(runtime::UdpNode& node, Timestamp now) {
  while (!finished_ && !interrupted_ && hs_started_ < o_.count && handshakes_.size() < o_.concurrency) {
    // The first connection under --resume waits for a ticket before the others start.
    if (o_.resume && ticket_.empty() && hs_started_ > 0) return;
    transport::ClientOptions co;
    co.server_name = plan_.server_name;
    co.tuple = PathTuple{node.local(), plan_.server};
    co.enable_early_data = false;
    if (o_.resume) {
      co.session_ticket = ticket_;
      co.remembered_params = ticket_params_;
    }
    auto h = node.endpoint().connect(std::move(co), now);
    if (!h) return fail(std::string("cannot start a connection: ") + h.error().reason, now);
    handshakes_.push_back(Handshake{*h});
    ++hs_started_;
  }
}

void PerfClientApp::on_handshake_event(transport::Connection& conn, endpoint::ConnectionHandle handle,
                                       const transport::ConnectionEvent& e, Timestamp now) {
  auto it = std::find_if(handshakes_.begin(), handshakes_.end(), [&](const Handshake& h) { return h.handle == handle; });
  if (it == handshakes_.end()) return;  // closed by us earlier: its drain ends now
  if (e.type == ConnectionEventType::session_ticket && !conn.session_ticket().empty()) {
    ticket_ = conn.session_ticket();
    ticket_params_ = conn.session_params();
  }
  if (e.type == ConnectionEventType::handshake_confirmed && !it->confirmed) {
    it->confirmed = true;
    ++hs_done_;
    hs_resumed_ += conn.is_resumed();
  }
  if (e.type == ConnectionEventType::closed && !it->confirmed) {
    ++hs_failed_;
    if (hs_error_.empty()) hs_error_ = describe_perf_close(conn.close_info());
    if (error_.empty()) error_ = "a handshake failed: " + hs_error_;
  }
  // Done with it once confirmed (and, for the first one under --resume, once a ticket came).
  const bool keep_for_ticket = o_.resume && ticket_.empty() && !conn.is_closed();
  if ((it->confirmed && !keep_for_ticket) || e.type == ConnectionEventType::closed) {
    if (!conn.is_closed()) conn.close(perf::kErrorNone, "", now);
    handshakes_.erase(it);
    if (hs_done_ + hs_failed_ >= o_.count && handshakes_.empty()) {
      test_end_ = now;
      for (Conn& c : conns_)
        if (transport::Connection* control = node_->endpoint().connection(c.handle)) send_finish(c, *control);
    }
    start_handshakes(*node_, now);
  }
}

}  // namespace tquic::apps
