#include "apps/server_app.h"

#include "apps/protocols.h"
#include "apps/summary.h"
#include "runtime/udp_node.h"

namespace tquic::apps {

// The entry of `handle`, replacing what a stale handle of the same slot left.
ServerApp::Entry& ServerApp::entry_for(endpoint::ConnectionHandle handle) {
  Entry& e = sessions_[handle.index];
  if (e.generation != handle.generation) e = Entry{handle.generation, nullptr};
  return e;
}

void ServerApp::on_accepted(runtime::UdpNode& node, endpoint::ConnectionHandle handle, bool, Timestamp now) {
  entry_for(handle);
  ++totals_.connections;
  if (!shutting_down_) return;
  if (transport::Connection* conn = node.endpoint().connection(handle)) conn->close(0, "server shutting down", now);
}

std::size_t ServerApp::shutdown(runtime::UdpNode& node, Timestamp now) {
  shutting_down_ = true;
  std::size_t n = 0;
  for (auto& [index, entry] : sessions_) {
    transport::Connection* conn = node.endpoint().connection(endpoint::ConnectionHandle{index, entry.generation});
    if (!conn) continue;
    if (!entry.session) {
      conn->close(0, "server shutting down", now);
      continue;
    }
    entry.session->shutdown(*conn, now);
    ++n;
  }
  return n;
}

void ServerApp::on_connection_event(runtime::UdpNode& node, endpoint::ConnectionHandle handle,
                                    const transport::ConnectionEvent& event, Timestamp now) {
  transport::Connection* conn = node.endpoint().connection(handle);
  if (!conn) return;
  Entry* entry = &entry_for(handle);
  if (event.type == transport::ConnectionEventType::handshake_completed) {
    ++totals_.handshakes;
    totals_.resumed += conn->is_resumed();
    totals_.early_data += conn->early_data_accepted();
  }
  // The ALPN is chosen while the ClientHello is processed, before any
  // 0-RTT stream data can be delivered.
  if (!entry->session && !conn->alpn().empty()) {
    const Protocol* p = find_protocol(conn->alpn());
    if (p) entry->session = p->make_server(ServerContext{&files_, &counters_});
  }
  if (!entry->session) return;
  entry->session->on_event(*conn, event, now);
  if (touched_.empty() || touched_.back() != handle) touched_.push_back(handle);
}

void ServerApp::on_turn(runtime::UdpNode& node, Timestamp now) {
  if (shutting_down_) {  // a session closes once its data is acknowledged, which raises no event
    touched_.clear();
    for (const auto& [index, entry] : sessions_) touched_.push_back(endpoint::ConnectionHandle{index, entry.generation});
  }
  for (const endpoint::ConnectionHandle h : touched_) {
    auto it = sessions_.find(h.index);
    if (it == sessions_.end() || it->second.generation != h.generation || !it->second.session) continue;
    if (transport::Connection* conn = node.endpoint().connection(h)) it->second.session->poll(*conn, now);
  }
  touched_.clear();
}

void ServerApp::on_removed(runtime::UdpNode& node, endpoint::ConnectionHandle handle, Timestamp) {
  if (transport::Connection* conn = node.endpoint().connection(handle)) {
    const transport::ConnectionStats st = conn->stats();
    totals_.packets_sent += st.packets_sent;
    totals_.packets_lost += st.packets_lost;
    totals_.packets_retransmitted += st.packets_retransmitted;
    last_removed_stats_ = st;
  }
  if (auto it = sessions_.find(handle.index); it != sessions_.end() && it->second.generation == handle.generation)
    sessions_.erase(it);
  ++totals_.connections_closed;
}

void ServerApp::count_open_connections(runtime::UdpNode& node) {
  for (const auto& [index, entry] : sessions_) {
    transport::Connection* c = node.endpoint().connection(endpoint::ConnectionHandle{index, entry.generation});
    if (!c) continue;
    const transport::ConnectionStats st = c->stats();
    totals_.packets_sent += st.packets_sent;
    totals_.packets_lost += st.packets_lost;
    totals_.packets_retransmitted += st.packets_retransmitted;
  }
  sessions_.clear();
}

std::optional<transport::ConnectionStats> ServerApp::sender_stats(runtime::UdpNode& node) const {
  for (const auto& [index, entry] : sessions_)
    if (transport::Connection* c = node.endpoint().connection(endpoint::ConnectionHandle{index, entry.generation}))
      return c->stats();
  return last_removed_stats_;
}

std::string format_server_summary(const ServerCounters& c, const ServerTotals& t, std::uint64_t retries_sent) {
  std::string out = "tquic serve: " + std::to_string(t.connections) + " connection" + (t.connections == 1 ? "" : "s") +
                    " (" + std::to_string(t.resumed) + " resumed, " + std::to_string(t.early_data) +
                    " with 0-RTT), " + std::to_string(c.requests) + " request" + (c.requests == 1 ? "" : "s") + ": " +
                    std::to_string(c.responses_completed) + " files sent, " + std::to_string(c.responses_rejected) +
                    " refused, " + std::to_string(c.responses_failed) + " failed; " + format_bytes(c.body_bytes) +
                    "; packets sent " + std::to_string(t.packets_sent) + ", lost " + std::to_string(t.packets_lost) +
                    ", retransmitted " + std::to_string(t.packets_retransmitted);
  if (retries_sent > 0) out += "; " + std::to_string(retries_sent) + " Retry packets sent";
  return out;
}

}  // namespace tquic::apps
