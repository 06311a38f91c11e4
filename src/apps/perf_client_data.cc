// PerfClientApp: data streams (up/down/bidi) and requests (rr).
#include <algorithm>

#include "apps/perf_client_app.h"
#include "apps/perf_payload.h"
#include "runtime/udp_node.h"

namespace tquic::apps {

void PerfClientApp::on_running(runtime::UdpNode&, Conn& c, transport::Connection& conn, Timestamp now) {
  if (finished_ || c.phase != Phase::running) return;
  switch (o_.mode) {
    case perf::Mode::up:
    case perf::Mode::down:
    case perf::Mode::bidi:
      open_data_streams(c, conn, now);
      pump_uploads(c, conn, now);
      return maybe_finish_data(c, conn, now);
    case perf::Mode::rr:
      return pump_uploads(c, conn, now);
    case perf::Mode::handshake:
      if (hs_done_ + hs_failed_ >= o_.count && handshakes_.empty()) send_finish(c, conn);
      return;
  }
}

// Opens the stream with its preface (and FIN when no request payload follows).
// False when the peer's stream limit is reached (retried next turn) or on failure.
bool PerfClientApp::open_stream(Conn& c, transport::Connection& conn, const perf::DataHeader& h, Stream& out,
                                Timestamp now) {
  (void)c;
  auto id = conn.open_stream(true);
  if (!id) {
    if (id.error().kind != ErrorKind::blocked) fail(std::string("cannot open a stream: ") + id.error().reason, now);
    return false;
  }
  // Parallel data streams share the connection round-robin (RFC 9218
  // incremental); requests go in order.
  if (o_.mode != perf::Mode::rr)
    (void)conn.stream_set_priority(*id, transport::StreamPriority{transport::StreamPriority::kDefaultUrgency, true});
  std::array<std::uint8_t, perf::kMaxDataPreface> buf{};
  ByteWriter w(buf);
  perf::write_data_preface(w, h);
  const bool fin = out.to_send == 0 && !out.timed_upload;
  auto n = conn.stream_write(*id, w.data(), fin);
  if (!n || *n != w.written()) return fail("a new stream did not take its 25-byte header", now), false;
  out.id = *id;
  out.fin_sent = fin;
  return true;
}

void PerfClientApp::open_data_streams(Conn& c, transport::Connection& conn, Timestamp now) {
  const bool up = o_.mode != perf::Mode::down, down = o_.mode != perf::Mode::up;
  const std::uint64_t total = std::uint64_t{o_.connections} * o_.streams;
  const auto conn_index = static_cast<std::uint64_t>(&c - conns_.data());
  while (c.streams_to_open > 0 && !finished_) {
    // This stream's share of --bytes: an even split, the remainder to the first ones.
    const std::uint64_t g = conn_index * o_.streams + c.stream_index;
    const std::uint64_t share = o_.bytes / total + (g < o_.bytes % total ? 1 : 0);
    const bool timed = o_.bytes == 0;
    perf::DataHeader h;
    h.response_bytes = down && !timed ? share : 0;
    h.response_duration_ms =
        down && timed ? static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(o_.duration).count()) : 0;
    Stream s;
    s.to_send = up && !timed ? share : 0;
    s.timed_upload = up && timed;
    s.upload_deadline = now + o_.duration;
    if (!open_stream(c, conn, h, s, now)) return;
    c.streams.push_back(s);
    --c.streams_to_open;
    ++c.stream_index;
  }
}

void PerfClientApp::pump_uploads(Conn& c, transport::Connection& conn, Timestamp now) {
  for (Stream& s : c.streams) {
    if (s.fin_sent) continue;
    bool blocked = false;
    while (!blocked && (s.timed_upload ? now < s.upload_deadline : s.to_send > 0)) {
      const ByteSpan chunk = s.timed_upload ? perf::payload() : perf::payload_prefix(s.to_send);
      const bool last = !s.timed_upload && chunk.size() == s.to_send;
      auto n = conn.stream_write(s.id, chunk, last);
      if (!n) return fail(std::string("a stream refused data: ") + n.error().reason, now);
      bytes_up_ += *n;
      if (!s.timed_upload) s.to_send -= *n;
      blocked = *n < chunk.size();
      s.fin_sent = last && !blocked;
    }
    if (s.timed_upload && now >= s.upload_deadline && conn.stream_write(s.id, {}, true)) s.fin_sent = true;
  }
}

void PerfClientApp::read_stream(Conn& c, transport::Connection& conn, transport::StreamId id, Timestamp now) {
  for (ByteSpan v = conn.stream_peek(id); !v.empty(); v = conn.stream_peek(id)) {
    bytes_down_ += v.size();  // counted, never copied
    conn.stream_consume(id, v.size());
  }
  if (!conn.stream_fin_received(id)) return;
  for (std::size_t i = 0; i < c.streams.size(); ++i)
    if (c.streams[i].id == id) return on_stream_done(c, conn, i, now);
}

void PerfClientApp::on_stream_done(Conn& c, transport::Connection& conn, std::size_t index, Timestamp now) {
  if (o_.mode == perf::Mode::rr) {
    const auto ns = static_cast<std::uint64_t>(std::max<std::int64_t>(0, (now - c.streams[index].sent_at).count()));
    latency_->record(ns);
    interval_latency_->record(ns);
    ++requests_done_;
    --outstanding_;
  }
  c.streams[index] = c.streams.back();
  c.streams.pop_back();
  maybe_finish_data(c, conn, now);
}

void PerfClientApp::maybe_finish_data(Conn& c, transport::Connection& conn, Timestamp now) {
  if (o_.mode == perf::Mode::rr || o_.mode == perf::Mode::handshake) return;
  if (c.phase != Phase::running || c.streams_to_open > 0 || !c.streams.empty()) return;
  test_end_ = std::max(test_end_, now);  // the last connection to finish ends the test
  send_finish(c, conn);
}

bool PerfClientApp::requests_over(Timestamp now) const {
  return interrupted_ || (o_.count > 0 ? requests_issued_ >= o_.count : now >= test_start_ + o_.duration);
}

void PerfClientApp::issue_requests(runtime::UdpNode& node, Timestamp now) {
  if (finished_) return;
  if (requests_over(now)) {
    if (outstanding_ > 0) return;
    if (test_end_ == Timestamp{}) test_end_ = now;
    for (Conn& c : conns_)
      if (transport::Connection* conn = node.endpoint().connection(c.handle)) send_finish(c, *conn);
    return;
  }
  const std::size_t n = conns_.size();
  while (outstanding_ < o_.concurrency && !requests_over(now) && (o_.rate == 0 || next_request_at_ <= now)) {
    Conn* pick = nullptr;
    for (std::size_t i = 0; i < n && !pick; ++i) {
      Conn& c = conns_[(next_conn_ + i) % n];
      if (c.phase == Phase::running) pick = &c, next_conn_ = (next_conn_ + i + 1) % n;
    }
    transport::Connection* conn = pick ? node.endpoint().connection(pick->handle) : nullptr;
    if (!conn || !send_request(*pick, *conn, now)) return;
    if (o_.rate > 0) next_request_at_ += request_interval_;
  }
}

bool PerfClientApp::send_request(Conn& c, transport::Connection& conn, Timestamp now) {
  perf::DataHeader h;
  h.respond_after_request = true;
  h.response_bytes = o_.response_size;
  Stream s;
  s.to_send = o_.request_size;
  s.sent_at = now;
  if (!open_stream(c, conn, h, s, now)) return false;
  c.streams.push_back(s);
  ++requests_issued_;
  ++outstanding_;
  if (s.to_send > 0) pump_uploads(c, conn, now);
  return !finished_;
}

}  // namespace tquic::apps
