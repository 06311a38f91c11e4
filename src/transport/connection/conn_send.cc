// Building datagrams: which levels get a packet (RFC 9000 §12.2
// coalescing), packet headers and protection (RFC 9001 §5), limits from
// congestion control, pacing and anti-amplification, and GSO trains of
// equal-size datagrams.
#include <algorithm>

#include "crypto/packet_protection.h"
#include "transport/connection/conn_ack.h"
#include "transport/connection/conn_cids.h"
#include "transport/connection/conn_ecn.h"
#include "transport/connection/conn_paths.h"
#include "transport/connection/conn_qlog.h"
#include "transport/connection/conn_send.h"
#include "transport/connection/conn_version.h"
#include "wire/packet_header_writer.h"
#include "wire/packet_number.h"

namespace tquic::transport {
namespace {

constexpr std::size_t kTagLength = 16;
constexpr std::size_t kMinInitialDatagram = 1200;  // RFC 9000 §14.1

struct Limits {
  bool cwnd_allows = true;   // congestion control and pacing allow new in-flight data
  bool pmtu_probe = false;   // this datagram is a DPLPMTUD probe: PING + PADDING only
  bool ect0 = false;         // the datagram is sent with ECT(0) (RFC 9000 §13.4.2)
  bool path_probe = false;   // a probe on a path not in use: PATH_CHALLENGE/RESPONSE + PADDING only
};

wire::EncryptionLevel level_of(PacketNumberSpace space, const ConnectionState& s) {
  if (space == PacketNumberSpace::initial) return wire::EncryptionLevel::initial;
  if (space == PacketNumberSpace::handshake) return wire::EncryptionLevel::handshake;
  return s.one_rtt.installed() && s.one_rtt_hp_tx ? wire::EncryptionLevel::one_rtt
                                                  : wire::EncryptionLevel::zero_rtt;
}

bool keys_ready(const ConnectionState& s, PacketNumberSpace space) {
  if (space != PacketNumberSpace::application_data) return s.spaces[index_of(space)]->tx.ready();
  if (s.role == wire::Role::server) return s.handshake_complete && s.one_rtt.installed();
  return (s.one_rtt.installed() && s.one_rtt_hp_tx && s.handshake_complete) || s.zero_rtt_tx.ready();
}

bool wants_packet(const ConnectionState& s, const PathState& path, PacketNumberSpace space, Timestamp now,
                  const Limits& lim) {
  if (!keys_ready(s, space) || s.spaces[index_of(space)]->discarded) return false;
  if (s.phase == ConnPhase::closing) return s.close_frame_pending;
  if (ack_due(s, space, now)) return true;
  if (space == PacketNumberSpace::application_data) {
    const bool zero_rtt = level_of(space, s) == wire::EncryptionLevel::zero_rtt;
    if (zero_rtt && s.role == wire::Role::client) return lim.cwnd_allows && !s.scheduler.empty();
    return (lim.cwnd_allows || s.spaces[2]->probes_pending > 0) && has_app_data_to_send(s, path);
  }
  return (lim.cwnd_allows || s.spaces[index_of(space)]->probes_pending > 0) && has_crypto_to_send(s, space);
}

std::size_t packet_number_length_for(const ConnectionState& s, PacketNumberSpace space, std::uint64_t pn) {
  const LossDetection& r = *recovery_path(s).recovery;
  std::optional<std::uint64_t> largest;
  if (r.has_largest_acked(space)) largest = r.largest_acked(space);
  return wire::packet_number_length(pn, largest);
}

// Header for the packet; returns the layout or an error if it does not fit.
Result<wire::HeaderLayout> write_header(ConnectionState& s, PathState& path, wire::EncryptionLevel level,
                                        ByteWriter& w, std::uint64_t pn, std::size_t pn_len) {
  const PeerCid* dcid = peer_cid_for(s, path);
  if (!dcid) return Error::local("no peer connection ID");
  if (level == wire::EncryptionLevel::one_rtt)
    return wire::write_short_header(w, {dcid->cid, false, s.one_rtt.key_phase_bit() != 0}, pn, pn_len);
  wire::LongHeaderFields f;
  f.type = level == wire::EncryptionLevel::initial ? wire::PacketType::initial
           : level == wire::EncryptionLevel::handshake ? wire::PacketType::handshake
                                                       : wire::PacketType::zero_rtt;
  f.version = long_header_version(s, level);
  f.dcid = dcid->cid;
  f.scid = s.initial_scid;
  if (level == wire::EncryptionLevel::initial && s.role == wire::Role::client)
    f.token = !s.retry_token.empty() ? ByteSpan(s.retry_token) : ByteSpan(s.initial_token);
  f.length_field_size = 2;
  return wire::write_long_header(w, f, pn, pn_len);
}

void fill_payload(PacketBuild& b, const Limits& lim, bool closing) {
  if (lim.path_probe) {  // probing frames only (RFC 9000 §9.1), or the peer would migrate
    b.ack_eliciting |= write_path_frames(b);
    return;
  }
  if (b.level != wire::EncryptionLevel::zero_rtt) write_ack_frame(b);  // no ACK in 0-RTT
  if (lim.pmtu_probe) {
    write_ping_frame(b);
    return;
  }
  if (closing) {
    write_close_frame(b);
    return;
  }
  if (!lim.cwnd_allows && b.s.space(b.space).probes_pending == 0) return;
  write_crypto_frames(b);
  if (b.space == PacketNumberSpace::application_data) {
    const bool zero_rtt = b.level == wire::EncryptionLevel::zero_rtt;
    if (!zero_rtt) write_app_control_frames(b);
    write_datagram_frames(b);
    write_stream_frames(b);
    if (b.s.pending.ping && !zero_rtt) {
      write_ping_frame(b);
      b.s.pending.ping = false;
    }
  }
  PacketSpace& sp = b.s.space(b.space);
  if (sp.probes_pending > 0) {
    write_ping_frame(b);  // a probe must be ack-eliciting (RFC 9002 §6.2.4)
    --sp.probes_pending;
    b.pto_probe = true;
  }
}

Status seal(ConnectionState& s, PacketBuild& b, MutByteSpan packet, const wire::HeaderLayout& h,
            std::uint64_t pn, std::size_t payload_len) {
  if (b.level == wire::EncryptionLevel::one_rtt) {
    TQUIC_TRY(crypto::protect(packet, h.pn_offset - h.packet_start, h.pn_length, pn, payload_len,
                              s.one_rtt.send_aead(), *s.one_rtt_hp_tx));
    s.one_rtt.on_packet_sent(pn);
    return ok_status();
  }
  LevelKeys& k = b.level == wire::EncryptionLevel::zero_rtt ? s.zero_rtt_tx : s.space(b.space).tx;
  TQUIC_TRY(crypto::protect(packet, h.pn_offset - h.packet_start, h.pn_length, pn, payload_len, *k.aead, *k.hp));
  return ok_status();
}

// Builds one packet at `space` into `out` (the rest of the datagram).
// `min_size`: pad the packet to at least this many bytes. Returns bytes used.
Result<std::size_t> build_packet(ConnectionState& s, PathState& path, PacketNumberSpace space, MutByteSpan out,
                                 std::size_t min_size, const Limits& lim, Timestamp now) {
  const wire::EncryptionLevel level = level_of(space, s);
  PacketSpace& sp = s.space(space);
  const std::uint64_t pn = sp.next_pn;
  const std::size_t pn_len = packet_number_length_for(s, space, pn);
  if (out.size() < 64) return std::size_t{0};
  ByteWriter hw(out);
  TQUIC_TRY_ASSIGN(wire::HeaderLayout h, write_header(s, path, level, hw, pn, pn_len));
  const std::size_t header_end = h.header_end();
  if (header_end + kTagLength + 4 > out.size()) return std::size_t{0};
  ByteWriter pw(out.subspan(header_end, out.size() - header_end - kTagLength));
  PacketBuild b{s, path, level, space, pw, now, lim.cwnd_allows};
  fill_payload(b, lim, s.phase == ConnPhase::closing);
  if (pw.written() == 0) {
    s.sent_frames.release(b.frames);
    return std::size_t{0};
  }
  // Header protection samples 16 bytes from pn_offset + 4 (RFC 9001 §5.4.2).
  const std::size_t sample_need = pn_len + pw.written() < 4 ? 4 - pn_len - pw.written() : 0;
  const std::size_t size_need = min_size > header_end + pw.written() + kTagLength
                                    ? min_size - header_end - pw.written() - kTagLength : 0;
  write_padding(b, std::max(sample_need, size_need));
  const std::size_t payload_len = pw.written();
  const std::size_t packet_len = header_end + payload_len + kTagLength;
  if (h.length_field_size && !wire::set_long_header_length(out, h, packet_len)) return Error::local("length field");
  if (s.qlog)  // the plaintext frames, before sealing encrypts them in place
    qlog_packet_sent(s, {level, space, pn, pn_len, packet_len, out.subspan(header_end, payload_len), &path,
                         lim.pmtu_probe, b.pto_probe}, now);
  TQUIC_TRY(seal(s, b, out.first(packet_len), h, pn, payload_len));
  ++sp.next_pn;
  SentPacket p;
  p.packet_number = pn;
  p.time_sent = now;
  p.frames_ref = b.frames;
  p.sent_bytes = static_cast<std::uint16_t>(packet_len);
  p.space = space;
  p.ack_eliciting = b.ack_eliciting;
  p.in_flight = b.ack_eliciting || b.padded;
  p.zero_rtt = level == wire::EncryptionLevel::zero_rtt;
  p.pmtu_probe = lim.pmtu_probe;
  p.ecn_ect0 = lim.ect0;
  ecn_on_packet_sent(s, path, space, lim.ect0);
  if (lim.pmtu_probe) p.frames_ref = s.sent_frames.add(p.frames_ref, {SentFrameKind::pmtu_probe, false, 0, kNoFramesRef, path.id, packet_len});
  TQUIC_TRY(record_sent_packet(s, recovery_path(s), p));
  if (p.in_flight) recovery_path(s).pacer.on_sent(now, packet_len);  // ACK-only packets are not paced
  ++s.stats.packets_sent;
  s.stats.packets_retransmitted += b.retransmission;
  if (b.ack_eliciting) s.last_ack_eliciting_sent = now;
  if (level == wire::EncryptionLevel::handshake && s.role == wire::Role::client && !s.first_handshake_packet_sent) {
    s.first_handshake_packet_sent = true;  // RFC 9001 §4.9.1: client drops Initial keys
  }
  return packet_len;
}

Limits current_limits(const ConnectionState& s, const PathState& path, Timestamp now) {
  Limits l;
  const PathState& rp = recovery_path(s);
  const std::uint64_t inflight = rp.recovery->bytes_in_flight();
  l.cwnd_allows = rp.cc->can_send(inflight) && rp.pacer.next_send_time(now, path.max_datagram_size) <= now;
  return l;
}

// One datagram: packets of every level that has something, coalesced.
Result<std::size_t> build_datagram(ConnectionState& s, PathState& path, MutByteSpan dgram, EcnMark mark,
                                   Timestamp now) {
  Limits lim = current_limits(s, path, now);
  lim.ect0 = mark == EcnMark::ect0;
  std::array<PacketNumberSpace, 3> order{PacketNumberSpace::initial, PacketNumberSpace::handshake,
                                         PacketNumberSpace::application_data};
  std::array<bool, 3> want{};
  bool any = false, has_initial = false;
  for (std::size_t i = 0; i < 3; ++i) {
    want[i] = wants_packet(s, path, order[i], now, lim);
    any |= want[i];
  }
  if (!any) return std::size_t{0};
  std::size_t used = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    if (!want[i]) continue;
    const bool last = std::none_of(want.begin() + static_cast<long>(i) + 1, want.end(), [](bool w) { return w; });
    has_initial |= order[i] == PacketNumberSpace::initial;
    // RFC 9000 §14.1: datagrams with a client Initial (or an ack-eliciting
    // server Initial) are padded to 1200 bytes; the last packet pads.
    const std::size_t min_total = has_initial && last ? kMinInitialDatagram : 0;
    const std::size_t min_here = min_total > used ? min_total - used : 0;
    TQUIC_TRY_ASSIGN(std::size_t n, build_packet(s, path, order[i], dgram.subspan(used), min_here, lim, now));
    used += n;
  }
  if (s.first_handshake_packet_sent && s.role == wire::Role::client)
    TQUIC_TRY(discard_space(s, PacketNumberSpace::initial, now));
  return used;
}

std::uint16_t pmtu_ceiling(const ConnectionState& s, const PathState& path, std::size_t buffer) {
  std::uint64_t c = s.config.max_datagram_size_ceiling;
  if (s.peer_params_received) c = std::min<std::uint64_t>(c, s.peer_params.max_udp_payload_size);
  if (path.pmtu_search_high) c = std::min<std::uint64_t>(c, path.pmtu_search_high - 1u);
  return static_cast<std::uint16_t>(std::min<std::uint64_t>(c, buffer));
}

// DPLPMTUD (RFC 8899 §5, RFC 9000 §14.3): binary search between the
// confirmed size and the ceiling with PING+PADDING probes that are not
// congestion signals when lost. Returns the probe size, 0 if none is due.
std::uint16_t pmtu_probe_due(const ConnectionState& s, const PathState& path, std::size_t buffer, Timestamp now) {
  if (!s.config.enable_pmtud || s.phase != ConnPhase::established || !s.handshake_confirmed) return 0;
  if (!path.validated || path.pmtu_probe_size != 0 || now < path.pmtu_next_probe) return 0;
  if (!recovery_path(s).cc->can_send(recovery_path(s).recovery->bytes_in_flight())) return 0;
  const std::uint16_t high = pmtu_ceiling(s, path, buffer);
  if (high <= path.max_datagram_size + 8) return 0;  // search converged
  // First try the ceiling itself (the common case is a clean 1500-byte path).
  if (path.pmtu_search_high == 0) return high;
  return static_cast<std::uint16_t>(path.max_datagram_size + (high - path.max_datagram_size + 1) / 2);
}

Result<TxTrain> send_pmtu_probe(ConnectionState& s, PathState& path, MutByteSpan buffer, std::uint16_t size,
                                Timestamp now) {
  Limits lim;
  lim.pmtu_probe = true;
  TQUIC_TRY_ASSIGN(std::size_t n, build_packet(s, path, PacketNumberSpace::application_data,
                                               buffer.first(size), size, lim, now));
  TxTrain t;
  if (n == 0) return t;
  path.pmtu_probe_size = size;
  path.pmtu_next_probe = now + std::max<Duration>(recovery_path(s).recovery->rtt().smoothed_rtt(), 100ms);
  path.bytes_sent += n;
  s.stats.bytes_sent += n;
  t.bytes = n;
  t.segments = 1;
  t.segment_size = static_cast<std::uint16_t>(n);
  t.tuple = path.tuple;
  return t;
}

// RFC 9000 §8.2: PATH_CHALLENGE / PATH_RESPONSE on a path other than the
// active one (a preferred address being validated, a peer's probe), in a
// datagram padded to 1200 bytes unless anti-amplification forbids it.
Result<TxTrain> send_path_probe(ConnectionState& s, PathState& path, MutByteSpan buffer, Timestamp now) {
  TxTrain t;
  if (!s.handshake_complete || !s.one_rtt.installed() || !s.one_rtt_hp_tx) return t;
  // Anti-amplification binds servers only (RFC 9000 §8.1, §8.2.2).
  const std::uint64_t budget = s.role == wire::Role::server ? amplification_budget(path) : buffer.size();
  const std::uint64_t room = std::min<std::uint64_t>(budget, buffer.size());
  const std::size_t size = static_cast<std::size_t>(std::min<std::uint64_t>(room, kMinInitialDatagram));
  Limits lim;
  lim.path_probe = true;
  TQUIC_TRY_ASSIGN(std::size_t n, build_packet(s, path, PacketNumberSpace::application_data, buffer.first(size),
                                               size, lim, now));
  if (n == 0) return t;
  path.bytes_sent += n;
  s.stats.bytes_sent += n;
  t.bytes = n;
  t.segments = 1;
  t.segment_size = static_cast<std::uint16_t>(n);
  t.tuple = path.tuple;
  return t;
}

PathState* path_to_probe(ConnectionState& s) {
  if (s.phase != ConnPhase::established) return nullptr;
  for (auto& p : s.paths)
    if (p && p.get() != &s.path() && (p->challenge_pending || p->response_pending)) return p.get();
  return nullptr;
}

}  // namespace

Result<TxTrain> Connection::write_train(MutByteSpan buffer, Timestamp now) {
  ConnectionState& s = *s_;
  TxTrain t;
  s.last_write_attempt = now;
  if (s.phase == ConnPhase::closed || s.phase == ConnPhase::draining) return t;
  if (s.phase == ConnPhase::closing && !s.close_frame_pending) return t;
  if (PathState* other = path_to_probe(s)) {
    auto sent = send_path_probe(s, *other, buffer, now);
    if (!sent) close_with_error(s, sent.error(), now);
    else if (sent->segments) return sent;
    other->challenge_pending = other->response_pending = false;  // cannot be sent there now: no retry loop
  }
  PathState& path = s.path();
  if (const std::uint16_t probe = pmtu_probe_due(s, path, buffer.size(), now)) {
    auto sent = send_pmtu_probe(s, path, buffer, probe, now);
    if (!sent) close_with_error(s, sent.error(), now);
    else if (sent->segments) {
      if (s.qlog) qlog_sync(s, now);
      return sent;
    }
  }
  std::uint16_t seg = path.max_datagram_size;
  if (s.peer_params_received)
    seg = static_cast<std::uint16_t>(std::min<std::uint64_t>(seg, s.peer_params.max_udp_payload_size));
  std::size_t offset = 0;
  const std::uint16_t max_segments = s.phase == ConnPhase::closing ? 1 : s.config.gso_segments;
  const EcnMark mark = ecn_mark_for_train(s, path, now);  // one mark per train (one GSO send)
  while (t.segments < max_segments && offset + seg <= buffer.size() && ecn_train_may_grow(path, mark)) {
    const std::uint64_t budget = amplification_budget(path);
    const std::size_t size = static_cast<std::size_t>(std::min<std::uint64_t>(seg, budget));
    if (size < kMinInitialDatagram && !path.validated && s.role == wire::Role::server) break;
    auto n = build_datagram(s, path, buffer.subspan(offset, size), mark, now);
    if (!n) {
      close_with_error(s, n.error(), now);
      break;
    }
    if (*n == 0) break;
    offset += *n;
    ++t.segments;
    ecn_on_datagram_sent(path, mark);
    path.bytes_sent += *n;
    s.stats.bytes_sent += *n;
    if (*n < seg) break;  // a short datagram ends the train
  }
  if (t.segments == 0 && s.phase == ConnPhase::established && !has_app_data_to_send(s, path)) {
    // RFC 9002 §7.8: nothing (or only flow-blocked data) to send while the
    // window had room. Being held back by the pacer is not app-limited.
    PathState& rp = recovery_path(s);
    if (rp.cc->can_send(rp.recovery->bytes_in_flight())) rp.cc->on_app_limited(now, rp.recovery->bytes_in_flight());
  }
  if (s.phase == ConnPhase::closing) {
    s.close_frame_pending = false;
    s.last_close_sent = now;
  }
  t.bytes = offset;
  t.segment_size = t.segments == 1 ? static_cast<std::uint16_t>(offset) : seg;
  t.tuple = path.tuple;
  t.ecn = t.segments ? mark : EcnMark::not_ect;
  if (s.qlog) qlog_sync(s, now);
  return t;
}

}  // namespace tquic::transport
