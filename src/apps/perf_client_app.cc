#include "apps/perf_client_app.h"

#include <algorithm>

#include "apps/summary.h"
#include "runtime/udp_node.h"

namespace tquic::apps {

using transport::ConnectionEventType;

// describe_close(), with tquic-perf/1's application error codes.
std::string describe_perf_close(const transport::CloseInfo& info) {
  if (!info.is_application) return describe_close(info);
  const char* name = info.error_code == perf::kErrorProtocol  ? "protocol error"
                     : info.error_code == perf::kErrorStopped ? "test stopped"
                     : info.error_code == perf::kErrorNone    ? "no error"
                                                              : "unknown";
  char code[96];
  std::snprintf(code, sizeof code, "tquic-perf error 0x%llx (%s)", static_cast<unsigned long long>(info.error_code), name);
  std::string out = std::string(info.by_peer ? "closed by the peer with " : "closed locally with ") + code;
  if (!info.reason.empty()) out += ": " + info.reason.substr(0, 120);
  return out;
}

PerfClientApp::PerfClientApp(PerfClientPlan plan, std::FILE* out) : plan_(std::move(plan)), o_(plan_.options), out_(out) {
  if (o_.mode == perf::Mode::rr) {
    latency_ = std::make_unique<LatencyHistogram>();
    interval_latency_ = std::make_unique<LatencyHistogram>();
    if (o_.rate > 0) request_interval_ = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(1.0 / o_.rate));
  }
}

bool PerfClientApp::start(runtime::UdpNode& node, Timestamp now, std::string& error) {
  node_ = &node;
  started_ = now;
  cpu_start_ = runtime::process_cpu_time();
  const std::uint32_t n = o_.mode == perf::Mode::handshake ? 1 : o_.connections;
  conns_.resize(n);
  for (Conn& c : conns_) {
    transport::ClientOptions co;
    co.server_name = plan_.server_name;
    co.tuple = PathTuple{node.local(), plan_.server};
    auto h = node.endpoint().connect(std::move(co), now);
    if (!h) {
      error = std::string("cannot start a connection: ") + h.error().reason;
      return false;
    }
    c.handle = *h;
  }
  return true;
}

PerfClientApp::Conn* PerfClientApp::conn_for(endpoint::ConnectionHandle handle) {
  for (Conn& c : conns_)
    if (c.handle == handle) return &c;
  return nullptr;
}

void PerfClientApp::on_connection_event(runtime::UdpNode& node, endpoint::ConnectionHandle handle,
                                        const transport::ConnectionEvent& e, Timestamp now) {
  transport::Connection* conn = node.endpoint().connection(handle);
  if (!conn) return;
  if (Conn* c = conn_for(handle)) on_conn_event(node, *c, *conn, e, now);
  else on_handshake_event(*conn, handle, e, now);
}

void PerfClientApp::on_conn_event(runtime::UdpNode& node, Conn& c, transport::Connection& conn,
                                  const transport::ConnectionEvent& e, Timestamp now) {
  switch (e.type) {
    case ConnectionEventType::handshake_completed:
      if (c.phase == Phase::handshaking && !finished_) open_control(c, conn, now);
      break;
    case ConnectionEventType::stream_readable:
      if (e.stream_id == c.control && c.phase >= Phase::starting) read_control(c, conn, now);
      else read_stream(c, conn, e.stream_id, now);
      if (c.phase == Phase::running) on_running(node, c, conn, now);
      break;
    case ConnectionEventType::stream_writable:
      if (e.stream_id == c.control) flush_control(c, conn);
      break;
    case ConnectionEventType::stream_reset:
      if (!interrupted_)
        fail("the server reset stream " + std::to_string(e.stream_id) + " with error " + std::to_string(e.error_code),
             now);
      break;
    case ConnectionEventType::closed:
      on_conn_closed(c, conn, now);
      break;
    default:
      break;
  }
}

void PerfClientApp::open_control(Conn& c, transport::Connection& conn, Timestamp now) {
  auto id = conn.open_stream(true);
  if (!id) return fail(std::string("cannot open the control stream: ") + id.error().reason, now);
  c.control = *id;
  c.phase = Phase::starting;
  (void)conn.stream_set_priority(c.control, transport::StreamPriority{0, false});  // never behind the data
  std::array<std::uint8_t, perf::kMaxDataPreface> preface{};
  ByteWriter w(preface);
  perf::write_control_preface(w);
  c.control_out.assign(preface.begin(), preface.begin() + static_cast<std::ptrdiff_t>(w.written()));
  perf::ControlMessage start;
  start.type = perf::MessageType::start;
  start.mode = o_.mode;
  send_control(c, conn, start);
  if (!stats_captured_) capture(conn);
}

void PerfClientApp::send_control(Conn& c, transport::Connection& conn, const perf::ControlMessage& m) {
  std::array<std::uint8_t, perf::kMaxMessage> buf{};
  ByteWriter w(buf);
  if (!perf::write_message(w, m)) return;  // our own messages always fit
  c.control_out.insert(c.control_out.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(w.written()));
  flush_control(c, conn);
}

void PerfClientApp::flush_control(Conn& c, transport::Connection& conn) {
  if (c.control_out.empty() && !c.control_fin) return;
  auto n = conn.stream_write(c.control, c.control_out, c.control_fin);
  if (!n) return;
  c.control_out.erase(c.control_out.begin(), c.control_out.begin() + static_cast<std::ptrdiff_t>(*n));
}

void PerfClientApp::send_finish(Conn& c, transport::Connection& conn) {
  if (c.phase != Phase::running && c.phase != Phase::starting) return;
  c.phase = Phase::finishing;
  perf::ControlMessage finish;
  finish.type = perf::MessageType::finish;
  c.control_fin = true;
  send_control(c, conn, finish);
}

void PerfClientApp::read_control(Conn& c, transport::Connection& conn, Timestamp now) {
  for (ByteSpan v = conn.stream_peek(c.control); !v.empty(); v = conn.stream_peek(c.control)) {
    std::size_t used = 0;
    const perf::ParseStatus st = c.parser.feed(v, used);
    conn.stream_consume(c.control, used);
    if (st == perf::ParseStatus::error) return fail(std::string("bad control message from the server: ") + c.parser.error(), now);
    if (st == perf::ParseStatus::done) on_message(c, conn, c.parser.message(), now);
    if (finished_) return;
  }
}

void PerfClientApp::on_message(Conn& c, transport::Connection& conn, const perf::ControlMessage& m, Timestamp now) {
  if (m.type == perf::MessageType::start_ok && c.phase == Phase::starting) {
    c.start_sample = m.sample;
    c.phase = Phase::running;
    const bool data = o_.mode == perf::Mode::up || o_.mode == perf::Mode::down || o_.mode == perf::Mode::bidi;
    c.streams_to_open = data ? o_.streams : 0;
    server_engine_ = m.engine;
    server_cc_ = m.cc;
    if (!test_started_) {
      test_started_ = true;
      test_start_ = interval_start_ = next_request_at_ = now;
      if (!o_.json) std::fprintf(out_, "%s\n", format_client_banner(result()).c_str());
    }
    if (o_.mode == perf::Mode::handshake) return start_handshakes(*node_, now);
    return on_running(*node_, c, conn, now);
  }
  if (m.type == perf::MessageType::stats && c.phase == Phase::finishing) {
    c.stats = m;
    c.phase = Phase::done;
    capture(conn);
    conn.close(perf::kErrorNone, "", now);
    return check_all_done(now);
  }
  fail("unexpected control message from the server", now);
}

void PerfClientApp::on_conn_closed(Conn& c, transport::Connection& conn, Timestamp now) {
  if (c.phase == Phase::done || c.phase == Phase::failed) return;
  const bool connecting = c.phase == Phase::handshaking;
  c.phase = Phase::failed;
  if (finished_) return check_all_done(now);
  const std::string why = describe_perf_close(conn.close_info());
  fail((connecting ? "cannot connect to " + o_.server.authority() + ": " : "connection lost: ") + why, now);
}

void PerfClientApp::fail(const std::string& error, Timestamp now) {
  if (error_.empty()) error_ = error;
  if (finished_) return;
  if (transport::Connection* first = node_->endpoint().connection(conns_.front().handle)) capture(*first);
  for (Conn& c : conns_) {
    if (transport::Connection* conn = node_->endpoint().connection(c.handle)) {
      if (!conn->is_closed()) conn->close(perf::kErrorStopped, "perf client failed", now);
    }
    if (c.phase != Phase::done) c.phase = Phase::failed;
  }
  for (Handshake& h : handshakes_)
    if (transport::Connection* conn = node_->endpoint().connection(h.handle)) conn->close(0, "", now);
  if (test_end_ == Timestamp{}) test_end_ = now;
  finish_cpu();
  finished_ = true;
}

void PerfClientApp::finish_cpu() {
  if (cpu_end_taken_) return;
  cpu_end_ = runtime::process_cpu_time();
  cpu_end_taken_ = true;
}

void PerfClientApp::check_all_done(Timestamp now) {
  for (const Conn& c : conns_)
    if (c.phase != Phase::done && c.phase != Phase::failed) return;
  if (test_end_ == Timestamp{}) test_end_ = now;
  tick_intervals(now, true);
  finish_cpu();
  finished_ = true;
}

void PerfClientApp::capture(const transport::Connection& conn) {
  if (&conn != node_->endpoint().connection(conns_.front().handle)) return;
  cipher_suite_ = conn.cipher_suite();
  version_ = conn.version();
  stats_ = conn.stats();
  stats_captured_ = true;
}

void PerfClientApp::on_turn(runtime::UdpNode& node, Timestamp now) {
  if (finished_) return;
  if (!test_started_ && now - started_ >= plan_.handshake_timeout)
    return fail("no answer from " + o_.server.authority() + " within " + format_seconds(plan_.handshake_timeout) +
                    " (is a tquic perf server running there? is UDP blocked?)",
                now);
  for (Conn& c : conns_) {
    if (c.phase != Phase::running) continue;
    if (transport::Connection* conn = node.endpoint().connection(c.handle)) on_running(node, c, *conn, now);
  }
  if (o_.mode == perf::Mode::rr && test_started_) issue_requests(node, now);
  if (o_.mode == perf::Mode::handshake && test_started_) start_handshakes(node, now);
  tick_intervals(now, false);
}

Timestamp PerfClientApp::next_wakeup() const {
  if (finished_) return kTimeInfinite;
  if (!test_started_) return started_ + plan_.handshake_timeout;
  Timestamp t = o_.interval > Duration::zero() ? interval_start_ + o_.interval : kTimeInfinite;
  if (o_.mode == perf::Mode::rr && o_.rate > 0 && !requests_over(next_request_at_)) t = std::min(t, next_request_at_);
  if (o_.mode != perf::Mode::handshake && o_.bytes == 0 && o_.count == 0) t = std::min(t, test_start_ + o_.duration);
  return t;
}

void PerfClientApp::tick_intervals(Timestamp now, bool final) {
  if (!test_started_ || o_.interval <= Duration::zero()) return;
  if (!final && now < interval_start_ + o_.interval) return;
  const bool empty = bytes_up_ == interval_up_ && bytes_down_ == interval_down_ &&
                     requests_done_ == interval_requests_ && hs_done_ == interval_handshakes_;
  if (final && empty) return;  // nothing happened since the last line
  PerfInterval i;
  i.start = interval_start_ - test_start_;
  i.end = now - test_start_;
  i.bytes_up = bytes_up_ - interval_up_;
  i.bytes_down = bytes_down_ - interval_down_;
  i.requests = requests_done_ - interval_requests_;
  i.handshakes = hs_done_ - interval_handshakes_;
  if (interval_latency_) {
    i.p50_ns = interval_latency_->value_at_percentile(50);
    i.p99_ns = interval_latency_->value_at_percentile(99);
    interval_latency_->reset();
  }
  intervals_.push_back(i);
  if (!o_.json) {
    std::fprintf(out_, "%s\n", format_interval(o_.mode, i).c_str());
    std::fflush(out_);
  }
  interval_start_ = now;
  interval_up_ = bytes_up_;
  interval_down_ = bytes_down_;
  interval_requests_ = requests_done_;
  interval_handshakes_ = hs_done_;
}

void PerfClientApp::interrupt(runtime::UdpNode& node, Timestamp now) {
  if (finished_) return;
  interrupted_ = true;
  if (test_end_ == Timestamp{}) test_end_ = now;
  for (Handshake& h : handshakes_)
    if (transport::Connection* conn = node.endpoint().connection(h.handle)) conn->close(perf::kErrorStopped, "", now);
  handshakes_.clear();
  for (Conn& c : conns_) {
    transport::Connection* conn = node.endpoint().connection(c.handle);
    if (!conn) continue;
    for (const Stream& s : c.streams) {
      (void)conn->stream_reset(s.id, perf::kErrorStopped);
      (void)conn->stream_stop_sending(s.id, perf::kErrorStopped);
    }
    c.streams.clear();
    c.streams_to_open = 0;
    if (c.phase == Phase::running) send_finish(c, *conn);
    else if (c.phase != Phase::finishing) c.phase = Phase::failed, conn->close(perf::kErrorStopped, "", now);
  }
  if (transport::Connection* first = node.endpoint().connection(conns_.front().handle)) capture(*first);
  check_all_done(now);
}

PerfClientResult PerfClientApp::result() const {
  PerfClientResult r;
  r.mode = o_.mode;
  r.interrupted = interrupted_;
  r.error = error_;
  r.complete = finished_ && error_.empty() && !interrupted_ && hs_failed_ == 0;
  r.server = o_.server.authority();
  r.engine = plan_.engine;
  r.cc = std::string(transport::congestion_control_algorithm_name(o_.common.cc));
  r.server_engine = server_engine_;
  r.server_cc = server_cc_;
  r.cipher_suite = cipher_suite_;
  r.version = version_;
  r.connections = o_.mode == perf::Mode::handshake ? 1 : o_.connections;
  r.streams = o_.streams;
  const Timestamp end = test_end_ != Timestamp{} ? test_end_ : test_start_;
  r.elapsed = test_started_ ? end - test_start_ : Duration::zero();
  r.bytes_up = bytes_up_;
  r.bytes_down = bytes_down_;
  r.client_cpu = runtime::cpu_time_between(cpu_start_, cpu_end_taken_ ? cpu_end_ : runtime::process_cpu_time());
  r.have_server = !conns_.empty();
  perf::ServerSample first{UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX}, last{};
  for (const Conn& c : conns_) {
    if (c.phase != Phase::done) {
      r.have_server = false;
      continue;
    }
    first = {std::min(first.cpu_ns, c.start_sample.cpu_ns), std::min(first.cpu_user_us, c.start_sample.cpu_user_us),
             std::min(first.cpu_system_us, c.start_sample.cpu_system_us),
             std::min(first.handshakes, c.start_sample.handshakes)};
    last = {std::max(last.cpu_ns, c.stats.sample.cpu_ns), std::max(last.cpu_user_us, c.stats.sample.cpu_user_us),
            std::max(last.cpu_system_us, c.stats.sample.cpu_system_us), std::max(last.handshakes, c.stats.sample.handshakes)};
    r.server_bytes_received += c.stats.bytes_received;
    r.server_bytes_sent += c.stats.bytes_sent;
  }
  if (r.have_server) {
    r.server_cpu = runtime::cpu_time_between(runtime::CpuTime{first.cpu_ns, first.cpu_user_us, first.cpu_system_us},
                                             runtime::CpuTime{last.cpu_ns, last.cpu_user_us, last.cpu_system_us});
    r.server_handshakes = last.handshakes - std::min(last.handshakes, first.handshakes);
  }
  r.request_size = o_.request_size;
  r.response_size = o_.response_size;
  r.rate = o_.rate;
  r.concurrency = o_.concurrency;
  r.requests = requests_done_;
  r.latency = latency_.get();
  r.handshakes = hs_done_;
  r.handshakes_failed = hs_failed_;
  r.resumed = hs_resumed_;
  r.stats = stats_;
  r.intervals = intervals_;
  return r;
}

}  // namespace tquic::apps
