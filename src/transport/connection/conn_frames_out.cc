// Writing frames into a packet under construction (RFC 9000 §12.4, §13).
#include <algorithm>

#include "transport/connection/conn_cids.h"
#include "transport/connection/conn_send.h"
#include "wire/ack_frame.h"
#include "wire/frame_encoder.h"

namespace tquic::transport {
namespace {

constexpr std::uint64_t kUnlimited = ~std::uint64_t{0};

bool put(PacketBuild& b, const wire::Frame& f) {
  if (wire::encoded_size(f) > b.w.remaining()) return false;
  return wire::encode_frame(b.w, f);
}

void copy_spans(ByteWriter& w, const SendSpans& spans, std::uint64_t len) {
  const std::uint64_t first = std::min<std::uint64_t>(len, spans.first.size());
  (void)w.write_bytes(spans.first.first(first));
  if (len > first) (void)w.write_bytes(spans.second.first(len - first));
}

std::uint64_t local_ack_delay_exponent(const PacketBuild& b) {
  return b.space == PacketNumberSpace::application_data ? b.s.local_params.ack_delay_exponent : 3;
}

bool write_max_frames(PacketBuild& b) {
  ConnectionState& s = b.s;
  bool wrote = false;
  if ((s.pending.max_data || s.conn_rx.should_update())) {
    const std::uint64_t v = s.conn_rx.make_update(recovery_path(s).recovery->rtt().smoothed_rtt(), b.now);
    if (put(b, wire::MaxDataFrame{v})) {
      s.pending.max_data = false;
      b.record({SentFrameKind::max_data});
      wrote = true;
    }
  }
  for (auto dir : {StreamDirection::bidi, StreamDirection::uni}) {
    bool& flag = dir == StreamDirection::bidi ? s.pending.max_streams_bidi : s.pending.max_streams_uni;
    auto due = s.stream_limits.max_streams_pending(dir);
    const std::uint64_t v = due ? *due : s.stream_limits.max_streams_advertised(dir);
    if (!due && !flag) continue;
    if (!put(b, wire::MaxStreamsFrame{dir == StreamDirection::bidi, v})) continue;
    s.stream_limits.on_max_streams_sent(dir, v);
    flag = false;
    b.record({dir == StreamDirection::bidi ? SentFrameKind::max_streams_bidi : SentFrameKind::max_streams_uni});
    wrote = true;
  }
  return wrote;
}

bool write_blocked_frames(PacketBuild& b) {
  ConnectionState& s = b.s;
  bool wrote = false;
  if (auto limit = s.conn_tx.blocked_pending(); limit && put(b, wire::DataBlockedFrame{*limit})) {
    (void)s.conn_tx.on_blocked_sent(*limit);
    b.record({SentFrameKind::data_blocked});
    wrote = true;
  }
  for (auto dir : {StreamDirection::bidi, StreamDirection::uni}) {
    auto limit = s.stream_limits.streams_blocked_pending(dir);
    if (!limit || !put(b, wire::StreamsBlockedFrame{dir == StreamDirection::bidi, *limit})) continue;
    s.stream_limits.on_streams_blocked_sent(dir, *limit);
    wrote = true;
  }
  return wrote;
}

bool write_cid_frames(PacketBuild& b) {
  ConnectionState& s = b.s;
  bool wrote = false;
  for (LocalCid& l : s.local_cids) {
    if (!l.active || !l.new_cid_pending) continue;
    wire::NewConnectionIdFrame f{l.sequence, 0, l.cid, l.reset_token};
    if (!put(b, f)) break;
    l.new_cid_pending = false;
    l.advertised = true;
    b.record({SentFrameKind::new_connection_id, false, 0, kNoFramesRef, l.sequence});
    wrote = true;
  }
  for (PeerCid& p : s.peer_cids) {
    if (p.state != PeerCidState::retiring) continue;
    if (!put(b, wire::RetireConnectionIdFrame{p.sequence})) break;
    b.record({SentFrameKind::retire_connection_id, false, 0, kNoFramesRef, p.sequence});
    p.state = PeerCidState::retire_sent;
    wrote = true;
  }
  return wrote;
}

bool write_one_stream_control(PacketBuild& b, Stream& st) {
  bool wrote = false;
  if (st.recv && st.max_stream_data_pending) {
    const std::uint64_t v = st.recv->make_max_stream_data(recovery_path(b.s).recovery->rtt().smoothed_rtt(), b.now);
    if (!put(b, wire::MaxStreamDataFrame{st.id, v})) return wrote;
    st.max_stream_data_pending = false;
    b.record({SentFrameKind::max_stream_data, false, 0, kNoFramesRef, st.id});
    wrote = true;
  }
  if (st.send && st.send->reset_pending()) {
    wire::ResetStreamFrame f{st.id, st.send->reset_error_code(), st.send->final_size()};
    if (!put(b, f)) return wrote;
    (void)st.send->on_reset_sent();
    b.record({SentFrameKind::reset_stream, false, 0, kNoFramesRef, st.id});
    wrote = true;
  }
  if (st.recv && st.stop_sending_pending) {
    if (!put(b, wire::StopSendingFrame{st.id, st.stop_sending_code})) return wrote;
    st.stop_sending_pending = false;
    b.record({SentFrameKind::stop_sending, false, 0, kNoFramesRef, st.id});
    wrote = true;
  }
  if (st.send) {
    if (auto limit = st.send->stream_data_blocked_pending();
        limit && put(b, wire::StreamDataBlockedFrame{st.id, *limit})) {
      (void)st.send->on_stream_data_blocked_sent(*limit);
      wrote = true;
    }
  }
  return wrote;
}

bool write_stream_control(PacketBuild& b) {
  ConnectionState& s = b.s;
  bool wrote = false;
  std::size_t keep = 0;
  for (std::size_t i = 0; i < s.streams_with_control.size(); ++i) {
    Stream* st = find_stream(s, s.streams_with_control[i]);
    if (!st) continue;
    wrote |= write_one_stream_control(b, *st);
    const bool more = (st->recv && (st->max_stream_data_pending || st->stop_sending_pending)) ||
                      (st->send && st->send->reset_pending());
    if (more) s.streams_with_control[keep++] = st->id;
    else maybe_collect_stream(s, *st);
  }
  s.streams_with_control.resize(keep);
  // Streams whose receive window is half used get MAX_STREAM_DATA too.
  return wrote;
}

}  // namespace

bool write_path_frames(PacketBuild& b) {
  PathState& p = b.path;
  bool wrote = false;
  if (p.response_pending && put(b, wire::PathResponseFrame{p.response})) {
    p.response_pending = false;
    wrote = true;
  }
  if (p.challenge_pending && put(b, wire::PathChallengeFrame{p.challenge})) {
    p.challenge_pending = false;
    ++p.challenges_sent;
    p.challenge_retry = b.now + recovery_path(b.s).recovery->pto_period(PacketNumberSpace::application_data);
    b.record({SentFrameKind::path_challenge, false, 0, kNoFramesRef, p.id});
    wrote = true;
  }
  return wrote;
}

bool ack_due(const ConnectionState& s, PacketNumberSpace space, Timestamp now) {
  const PacketSpace& sp = *s.spaces[index_of(space)];
  return !sp.discarded && sp.acks.has_unacked_packets() && sp.acks.ack_deadline() <= now;
}

bool has_crypto_to_send(const ConnectionState& s, PacketNumberSpace space) {
  const PacketSpace& sp = *s.spaces[index_of(space)];
  return !sp.discarded && (sp.crypto.tx.has_pending() || sp.probes_pending > 0);
}

bool has_app_data_to_send(const ConnectionState& s, const PathState& path) {
  const PendingControl& p = s.pending;
  return p.handshake_done || p.max_data || p.ping || p.new_token || p.max_streams_bidi ||
         p.max_streams_uni || path.response_pending || path.challenge_pending ||
         !s.streams_with_control.empty() || !s.scheduler.empty() || !s.datagrams_out.empty() ||
         s.conn_rx.should_update() || s.spaces[2]->crypto.tx.has_pending() || s.spaces[2]->probes_pending > 0 ||
         s.stream_limits.max_streams_pending(StreamDirection::bidi) ||
         s.stream_limits.max_streams_pending(StreamDirection::uni) ||
         s.stream_limits.streams_blocked_pending(StreamDirection::bidi) ||
         s.stream_limits.streams_blocked_pending(StreamDirection::uni) || s.conn_tx.blocked_pending() ||
         cid_frames_pending(s);
}

bool write_ack_frame(PacketBuild& b) {
  PacketSpace& sp = b.s.space(b.space);
  if (!sp.acks.has_unacked_packets() && !(sp.acks.has_received() && b.ack_eliciting)) return false;
  if (!sp.acks.has_received()) return false;
  const auto delay_us = static_cast<std::uint64_t>(to_us(sp.acks.ack_delay(b.now)));
  wire::AckFrameSpec spec;
  spec.ranges = sp.acks.ack_ranges();
  spec.ack_delay = delay_us >> local_ack_delay_exponent(b);
  const EcnCounts& e = sp.acks.ecn_counts();
  if (e.ect0 || e.ect1 || e.ce) spec.ecn_counts = wire::EcnCounts{e.ect0, e.ect1, e.ce};
  auto n = wire::encode_ack_frame(b.w, spec, wire::kAllAckRanges);
  if (!n) return false;
  sp.acks.on_ack_sent();
  b.ack_written = true;
  b.record({SentFrameKind::ack, false, 0, kNoFramesRef, spec.ranges.front().largest});
  return true;
}

bool write_close_frame(PacketBuild& b) {
  const CloseInfo& c = b.s.close_info;
  wire::ConnectionCloseFrame f;
  // RFC 9000 §10.2.3: application errors are hidden before 1-RTT.
  f.is_application = c.is_application && b.level == wire::EncryptionLevel::one_rtt;
  f.error_code = c.is_application && !f.is_application
                     ? static_cast<std::uint64_t>(TransportErrorCode::APPLICATION_ERROR) : c.error_code;
  f.frame_type = c.frame_type;
  const std::size_t max_reason = std::min<std::size_t>(c.reason.size(), b.w.remaining() > 32 ? b.w.remaining() - 32 : 0);
  if (f.is_application || b.level == wire::EncryptionLevel::one_rtt)
    f.reason_phrase.bytes = ByteSpan(reinterpret_cast<const std::uint8_t*>(c.reason.data()), max_reason);
  return put(b, f);
}

bool write_crypto_frames(PacketBuild& b) {
  PacketSpace& sp = b.s.space(b.space);
  if (sp.discarded) return false;
  bool wrote = false;
  while (b.w.remaining() > 8) {
    const std::uint64_t room = b.w.remaining();
    auto range = sp.crypto.tx.next_range(room, kUnlimited);
    if (!range) break;
    const std::size_t len = wire::max_crypto_data_that_fits(room, range->offset);
    const std::uint64_t n = std::min<std::uint64_t>(len, range->length);
    if (n == 0) break;
    if (!wire::write_crypto_frame_header(b.w, range->offset, n)) break;
    copy_spans(b.w, sp.crypto.tx.bytes(range->offset, n), n);
    (void)sp.crypto.tx.on_sent(range->offset, n, false);
    b.record({SentFrameKind::crypto, false, static_cast<std::uint8_t>(b.space), kNoFramesRef, 0, range->offset, n});
    b.retransmission |= range->retransmission;
    wrote = true;
  }
  b.ack_eliciting |= wrote;
  return wrote;
}

void write_app_control_frames(PacketBuild& b) {
  ConnectionState& s = b.s;
  bool wrote = false;
  if (s.pending.handshake_done && s.role == wire::Role::server &&
      put(b, wire::HandshakeDoneFrame{})) {
    s.pending.handshake_done = false;
    b.record({SentFrameKind::handshake_done});
    wrote = true;
  }
  if (s.pending.new_token && s.role == wire::Role::server &&
      put(b, wire::NewTokenFrame{wire::PayloadView{ByteSpan(s.new_token)}})) {
    s.pending.new_token = false;
    b.record({SentFrameKind::new_token});
    wrote = true;
  }
  wrote |= write_path_frames(b);
  wrote |= write_max_frames(b);
  wrote |= write_blocked_frames(b);
  wrote |= write_cid_frames(b);
  wrote |= write_stream_control(b);
  b.ack_eliciting |= wrote;
}

void write_datagram_frames(PacketBuild& b) {
  ConnectionState& s = b.s;
  while (!s.datagrams_out.empty()) {
    const ByteSpan d = s.datagrams_out.front();
    const std::size_t need = wire::datagram_frame_header_size(d.size(), true) + d.size();
    if (need > b.w.remaining()) break;
    if (!wire::write_datagram_frame_header(b.w, d.size(), true) || !b.w.write_bytes(d)) break;
    s.datagrams_out.pop();
    b.ack_eliciting = true;
  }
}

void write_stream_frames(PacketBuild& b) {
  ConnectionState& s = b.s;
  for (int guard = 0; guard < 64 && b.w.remaining() > 24; ++guard) {
    SchedulerEntry* e = s.scheduler.peek();
    if (!e) break;
    Stream* st = find_stream(s, e->id);
    if (!st || !st->send) {
      if (st) st->scheduled = false;
      s.scheduler.remove(*e);
      continue;
    }
    const std::uint64_t room = b.w.remaining();
    auto range = st->send->next_range(room, s.conn_tx.available());
    if (!range) {  // nothing sendable: finished, or flow-control blocked
      s.scheduler.remove(*e);
      st->scheduled = false;
      if (st->send->stream_data_blocked_pending()) note_stream_control(s, *st);
      continue;
    }
    const std::size_t fit = wire::max_stream_data_that_fits(room, st->id, range->offset, true);
    std::uint64_t n = std::min<std::uint64_t>(fit, range->length);
    const bool fin = range->fin && n == range->length;
    if (n == 0 && !fin) break;
    if (!wire::write_stream_frame_header(b.w, st->id, range->offset, n, fin, true)) break;
    copy_spans(b.w, st->send->bytes(range->offset, n), n);
    auto fresh = st->send->on_sent(range->offset, n, fin);
    if (fresh && *fresh > 0) {
      (void)s.conn_tx.on_sent(*fresh);
      s.stats.stream_bytes_sent += *fresh;
    }
    b.record({SentFrameKind::stream, fin, 0, kNoFramesRef, st->id, range->offset, n});
    b.retransmission |= range->retransmission;
    b.ack_eliciting = true;
    s.scheduler.pick();  // rotate incremental streams
  }
}

void write_ping_frame(PacketBuild& b) {
  if (b.ack_eliciting) return;
  if (put(b, wire::PingFrame{})) b.ack_eliciting = true;
}

bool write_padding(PacketBuild& b, std::size_t bytes) {
  if (bytes == 0) return true;
  if (!b.w.write_zeros(std::min(bytes, b.w.remaining()))) return false;
  b.padded = true;
  return true;
}

}  // namespace tquic::transport
