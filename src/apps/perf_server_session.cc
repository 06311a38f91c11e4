#include "apps/perf_server_session.h"

#include <algorithm>

#include "apps/perf_payload.h"
#include "runtime/cpu_time.h"

namespace tquic::apps {

using transport::ConnectionEventType;
using transport::StreamId;

perf::ServerSample sample_server(std::uint64_t handshakes) {
  const runtime::CpuTime cpu = runtime::process_cpu_time();
  return perf::ServerSample{cpu.total_ns, cpu.user_us, cpu.system_us, handshakes};
}

void PerfServerSession::on_event(transport::Connection& conn, const transport::ConnectionEvent& e, Timestamp now) {
  if (failed_) return;
  const StreamId id = e.stream_id;
  switch (e.type) {
    case ConnectionEventType::stream_opened:
    case ConnectionEventType::stream_readable:
      on_readable(conn, id, now);
      break;
    case ConnectionEventType::stream_writable:
      if (control_ && id == *control_) flush_control(conn);
      else if (auto it = streams_.find(id); it != streams_.end()) pump(conn, id, it->second, now);
      break;
    case ConnectionEventType::stream_reset:  // the client gave up its request (an interrupted test)
    case ConnectionEventType::stream_stop_sending:
      if (auto it = streams_.find(id); it != streams_.end() && !it->second.fin_sent) {
        (void)conn.stream_reset(id, perf::kErrorStopped);
        it->second.fin_sent = it->second.request_done = true;
      }
      forget_if_done(id);
      break;
    case ConnectionEventType::closed:
      streams_.clear();
      break;
    default:
      break;
  }
}

void PerfServerSession::fail(transport::Connection& conn, const char* reason, Timestamp now) {
  failed_ = true;
  ++shared_.protocol_errors;
  streams_.clear();
  conn.close(perf::kErrorProtocol, reason, now);
}

void PerfServerSession::on_readable(transport::Connection& conn, StreamId id, Timestamp now) {
  if (!transport::is_bidi(id) || transport::stream_initiator(id) != wire::Role::client)
    return fail(conn, "tquic-perf/1 uses client bidirectional streams only", now);
  if (control_ != id && !streams_.contains(id)) {
    if (conn.stream_fin_received(id) || conn.stream_send_terminal(id)) return;  // finished and forgotten
    streams_.emplace(id, Stream{});
  }
  for (ByteSpan v = conn.stream_peek(id); !v.empty() && !failed_; v = conn.stream_peek(id)) {
    std::size_t used = v.size();
    if (control_ == id) {
      read_control(conn, v, used, now);
    } else if (Stream& s = streams_.at(id); !s.typed) {
      if (!read_preface(conn, id, s, v, used, now)) return;  // `used`: the preface's bytes
    } else {
      bytes_received_ += v.size();  // request payload: counted, never copied
      shared_.bytes_received += v.size();
    }
    conn.stream_consume(id, used);
  }
  if (failed_ || control_ == id) return;
  auto it = streams_.find(id);
  if (it == streams_.end()) return;
  if (conn.stream_fin_received(id)) {
    if (!it->second.typed) return fail(conn, "a stream ended inside its preface", now);
    it->second.request_done = true;
  }
  pump(conn, id, it->second, now);
}

// Feeds the preface; false if the connection failed. `used`: preface bytes.
bool PerfServerSession::read_preface(transport::Connection& conn, StreamId id, Stream& s, ByteSpan v,
                                     std::size_t& used, Timestamp now) {
  const perf::ParseStatus st = s.preface.feed(v, used);
  if (st == perf::ParseStatus::error) return fail(conn, s.preface.error(), now), false;
  if (st == perf::ParseStatus::need_more) return true;
  if (s.preface.type() == perf::StreamType::control) {
    if (control_) return fail(conn, "a second control stream", now), false;
    control_ = id;
    (void)conn.stream_set_priority(id, transport::StreamPriority{0, false});  // never behind the data
    streams_.erase(id);  // `s` is gone: the rest of `v` is control messages, read next round
    return true;
  }
  s.typed = true;
  s.header = s.preface.header();
  if (!s.header.respond_after_request)  // parallel bulk responses share the connection (RFC 9218 incremental)
    (void)conn.stream_set_priority(id, transport::StreamPriority{transport::StreamPriority::kDefaultUrgency, true});
  ++data_streams_;
  ++shared_.data_streams;
  return true;
}

void PerfServerSession::read_control(transport::Connection& conn, ByteSpan v, std::size_t& used, Timestamp now) {
  const perf::ParseStatus st = control_parser_.feed(v, used);
  if (st == perf::ParseStatus::error) return fail(conn, control_parser_.error(), now);
  if (st == perf::ParseStatus::done) on_message(conn, control_parser_.message(), now);
}

void PerfServerSession::on_message(transport::Connection& conn, const perf::ControlMessage& m, Timestamp now) {
  perf::ControlMessage reply;
  if (m.type == perf::MessageType::start && !started_) {
    started_ = true;
    mode_ = m.mode;
    start_time_ = now;
    start_sample_ = sample_server(shared_.handshakes);
    reply.type = perf::MessageType::start_ok;
    reply.sample = start_sample_;
    reply.engine = shared_.engine;
    reply.cc = shared_.cc;
    return send_control(conn, reply);
  }
  if (m.type != perf::MessageType::finish || !started_ || control_fin_)
    return fail(conn, "unexpected control message (START once, then FINISH)", now);
  reply.type = perf::MessageType::stats;
  reply.sample = sample_server(shared_.handshakes);
  reply.bytes_received = bytes_received_;
  reply.bytes_sent = bytes_sent_;
  reply.data_streams = data_streams_;
  control_fin_ = true;
  send_control(conn, reply);
  shared_.finished.push_back(PerfServerTest{mode_, start_sample_, reply.sample, bytes_received_, bytes_sent_,
                                            data_streams_, now - start_time_, conn.cipher_suite()});
}

void PerfServerSession::send_control(transport::Connection& conn, const perf::ControlMessage& m) {
  std::array<std::uint8_t, perf::kMaxMessage> buf{};
  ByteWriter w(buf);
  if (!perf::write_message(w, m)) return;  // our own messages always fit
  control_out_.insert(control_out_.end(), buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(w.written()));
  flush_control(conn);
}

void PerfServerSession::flush_control(transport::Connection& conn) {
  if (!control_ || (control_out_.empty() && !control_fin_)) return;
  auto n = conn.stream_write(*control_, control_out_, control_fin_);
  if (!n) return;
  control_out_.erase(control_out_.begin(), control_out_.begin() + static_cast<std::ptrdiff_t>(*n));
}

// Writes response bytes until the stream pushes back, then the FIN once
// the response is complete and the request was read to its end.
void PerfServerSession::pump(transport::Connection& conn, StreamId id, Stream& s, Timestamp now) {
  if (!s.typed || s.fin_sent) return;
  if (s.header.respond_after_request && !s.request_done) return;
  if (!s.response_started) {
    s.response_started = true;
    if (s.header.response_duration_ms > 0)
      s.deadline = now + std::chrono::milliseconds(std::min<std::uint64_t>(s.header.response_duration_ms, 86'400'000));
  }
  const bool timed = s.deadline != kTimeInfinite;
  while (!s.response_done) {
    if (timed ? now >= s.deadline : s.response_sent >= s.header.response_bytes) {
      s.response_done = true;
      break;
    }
    const ByteSpan chunk = timed ? perf::payload() : perf::payload_prefix(s.header.response_bytes - s.response_sent);
    auto n = conn.stream_write(id, chunk, false);
    if (!n) {  // the client stopped the stream (STOP_SENDING is being answered): abandon the response
      s.response_done = s.fin_sent = s.request_done = true;
      return forget_if_done(id);
    }
    s.response_sent += *n;
    bytes_sent_ += *n;
    shared_.bytes_sent += *n;
    if (*n < chunk.size()) return;  // blocked: stream_writable continues
  }
  if (s.request_done && conn.stream_write(id, {}, true)) {
    s.fin_sent = true;
    forget_if_done(id);
  }
}

void PerfServerSession::on_timer(transport::Connection& conn, Timestamp now) {
  for (auto it = streams_.begin(); it != streams_.end();) {
    auto next = std::next(it);  // pump() may erase `it`
    if (it->second.deadline <= now && !it->second.fin_sent) pump(conn, it->first, it->second, now);
    if (failed_) return;
    it = next;
  }
}

Timestamp PerfServerSession::next_deadline() const {
  Timestamp t = kTimeInfinite;
  for (const auto& [id, s] : streams_)
    if (!s.response_done) t = std::min(t, s.deadline);
  return t;
}

void PerfServerSession::forget_if_done(StreamId id) {
  auto it = streams_.find(id);
  if (it != streams_.end() && it->second.fin_sent && it->second.request_done) streams_.erase(it);
}

}  // namespace tquic::apps
