#include "apps/perf_server_app.h"

#include <algorithm>

#include "apps/perf_report.h"
#include "runtime/udp_node.h"

namespace tquic::apps {

PerfServerApp::PerfServerApp(std::string engine, std::string cc, bool json, std::FILE* out) : json_(json), out_(out) {
  shared_.engine = std::move(engine);
  shared_.cc = std::move(cc);
}

PerfServerSession* PerfServerApp::session_for(endpoint::ConnectionHandle handle) {
  Entry& e = sessions_[handle.index];
  if (e.generation != handle.generation || !e.session)
    e = Entry{handle.generation, std::make_unique<PerfServerSession>(shared_)};
  return e.session.get();
}

void PerfServerApp::on_accepted(runtime::UdpNode&, endpoint::ConnectionHandle handle, bool, Timestamp) {
  session_for(handle);
  ++connections_;
}

void PerfServerApp::on_connection_event(runtime::UdpNode& node, endpoint::ConnectionHandle handle,
                                        const transport::ConnectionEvent& event, Timestamp now) {
  transport::Connection* conn = node.endpoint().connection(handle);
  if (!conn) return;
  if (event.type == transport::ConnectionEventType::handshake_completed) ++shared_.handshakes;
  PerfServerSession* s = session_for(handle);
  s->on_event(*conn, event, now);
  if (s->next_deadline() != kTimeInfinite && std::find(timed_.begin(), timed_.end(), handle) == timed_.end())
    timed_.push_back(handle);
}

void PerfServerApp::on_removed(runtime::UdpNode&, endpoint::ConnectionHandle handle, Timestamp) {
  if (auto it = sessions_.find(handle.index); it != sessions_.end() && it->second.generation == handle.generation)
    sessions_.erase(it);
  std::erase(timed_, handle);
}

void PerfServerApp::on_turn(runtime::UdpNode& node, Timestamp now) {
  for (std::size_t i = 0; i < timed_.size();) {
    const endpoint::ConnectionHandle h = timed_[i];
    auto it = sessions_.find(h.index);
    transport::Connection* conn = node.endpoint().connection(h);
    if (it == sessions_.end() || it->second.generation != h.generation || !conn) {
      timed_.erase(timed_.begin() + static_cast<std::ptrdiff_t>(i));
      continue;
    }
    it->second.session->on_timer(*conn, now);
    if (it->second.session->next_deadline() == kTimeInfinite) timed_.erase(timed_.begin() + static_cast<std::ptrdiff_t>(i));
    else ++i;
  }
  report_finished();
}

Timestamp PerfServerApp::next_wakeup() const {
  Timestamp t = kTimeInfinite;
  for (const endpoint::ConnectionHandle h : timed_)
    if (auto it = sessions_.find(h.index); it != sessions_.end() && it->second.generation == h.generation)
      t = std::min(t, it->second.session->next_deadline());
  return t;
}

void PerfServerApp::report_finished() {
  if (shared_.finished.empty()) return;
  for (const PerfServerTest& t : shared_.finished) {
    ++tests_;
    std::fprintf(out_, "%s\n", json_ ? server_test_json(t).dump().c_str() : format_server_test(t).c_str());
  }
  std::fflush(out_);
  shared_.finished.clear();
}

}  // namespace tquic::apps
