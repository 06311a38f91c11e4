// Receive path: one datagram -> coalesced packets (RFC 9000 §12.2) ->
// header protection removed and payload opened in place (RFC 9001 §5) ->
// frames handed to conn_frames.cc. Packets the RFC says to drop are counted
// and dropped; protocol violations close the connection.
#include <algorithm>

#include "crypto/packet_protection.h"
#include "crypto/retry_integrity.h"
#include "transport/connection/conn_cids.h"
#include "transport/connection/conn_frames.h"
#include "transport/connection/conn_paths.h"
#include "transport/connection/conn_qlog.h"
#include "transport/connection/conn_state.h"
#include "transport/connection/conn_version.h"
#include "wire/packet_header.h"
#include "wire/retry_packet.h"

namespace tquic::transport {
namespace {

enum class PacketResult : std::uint8_t { processed, dropped };

struct Opened {
  crypto::UnprotectedPacket packet;
  wire::EncryptionLevel level;
};

Result<bool> open_long(ConnectionState& s, const wire::PacketHeader& h, MutByteSpan packet,
                       Opened& out) {
  LevelKeys* keys = nullptr;
  PacketSpace* sp = nullptr;
  if (!accepts_long_header_version(s, h.type, h.version)) return false;
  switch (h.type) {
    case wire::PacketType::initial:
      sp = &s.space(PacketNumberSpace::initial), keys = initial_keys_for(s, h.version),
      out.level = wire::EncryptionLevel::initial;
      break;
    case wire::PacketType::handshake:
      sp = &s.space(PacketNumberSpace::handshake), keys = &sp->rx,
      out.level = wire::EncryptionLevel::handshake;
      break;
    case wire::PacketType::zero_rtt:
      if (s.role != wire::Role::server) return false;
      sp = &s.space(PacketNumberSpace::application_data), keys = &s.zero_rtt_rx,
      out.level = wire::EncryptionLevel::zero_rtt;
      break;
    default: return false;
  }
  if (sp->discarded || !keys || !keys->ready()) return false;
  TQUIC_TRY_ASSIGN(out.packet, crypto::unprotect(packet, h.pn_offset, sp->largest_rx_pn, *keys->aead, *keys->hp));
  if (out.packet.outcome != crypto::UnprotectOutcome::ok) return false;
  if (h.type == wire::PacketType::initial) on_initial_packet_opened(s, h.version);
  return true;
}

Result<bool> open_short(ConnectionState& s, const wire::PacketHeader& h, MutByteSpan packet,
                        Timestamp now, Opened& out) {
  if (!s.one_rtt.installed() || !s.one_rtt_hp_rx) return false;
  out.level = wire::EncryptionLevel::one_rtt;
  const PacketSpace& sp = s.space(PacketNumberSpace::application_data);
  auto r = crypto::unprotect_one_rtt(packet, h.pn_offset, sp.largest_rx_pn, s.one_rtt, *s.one_rtt_hp_rx, now);
  if (!r) return r.error();  // KEY_UPDATE_ERROR closes the connection
  out.packet = *r;
  return out.packet.outcome == crypto::UnprotectOutcome::ok;
}

bool reserved_bits_set(const wire::PacketHeader& h, std::uint8_t first_byte) {
  return (first_byte & (h.is_long_header() ? 0x0c : 0x18)) != 0;
}

// RFC 9000 §17.2.5.2: a client accepts one Retry, before any other packet
// from the server, with a valid integrity tag.
void on_retry(ConnectionState& s, ByteSpan bytes, Timestamp now) {
  if (s.role != wire::Role::client || s.retry_received || s.stats.packets_received > 0) return;
  auto retry = wire::parse_retry(bytes);
  if (!retry || retry->token.empty() || retry->scid == s.original_dcid) return;
  // RFC 9369 §4.1: a Retry uses the original version; others are ignored.
  if (retry->version != static_cast<std::uint32_t>(s.version)) return;
  std::uint8_t pseudo[1500];
  ByteWriter w(MutByteSpan(pseudo, sizeof pseudo));
  if (!wire::write_retry_pseudo_packet(w, s.original_dcid, retry->without_tag)) return;
  auto integrity = crypto::RetryIntegrity::create(s.version);
  if (!integrity) return;
  auto ok = integrity->verify_tag(w.data(), retry->integrity_tag);
  if (!ok || !*ok) return;
  s.retry_received = true;
  s.retry_scid = retry->scid;
  s.retry_token.assign(retry->token.begin(), retry->token.end());
  s.peer_cids[0].cid = retry->scid;
  // New Initial keys from the Retry's SCID; resend all Initial data.
  if (!install_initial_keys(s, s.version, retry->scid)) return;
  requeue_initial_after_retry(s, now);
}

void after_long_packet(ConnectionState& s, const wire::PacketHeader& h, Timestamp now) {
  if (h.type == wire::PacketType::initial && s.role == wire::Role::client && s.stats.packets_received == 0)
    set_peer_handshake_cid(s, h.scid);  // RFC 9000 §7.2: switch to the server's CID
  if (h.type == wire::PacketType::handshake && s.role == wire::Role::server) {
    s.path().validated = true;  // RFC 9000 §8.1: a Handshake packet validates
    (void)discard_space(s, PacketNumberSpace::initial, now);  // RFC 9001 §4.9.1
  }
}

// Retry and Version Negotiation packets are never counted as processed;
// qlog shows whether the connection acted on one.
PacketResult on_unprotected_packet(ConnectionState& s, const wire::PacketHeader& h, MutByteSpan packet,
                                   Timestamp now) {
  const bool retry = h.type == wire::PacketType::retry;
  const auto version = s.version;
  const bool retried = s.retry_received, closed = s.close_info.closed;
  if (retry) on_retry(s, packet, now);
  else on_version_negotiation(s, packet, now);
  if (s.qlog) {
    const bool acted = s.retry_received != retried || s.close_info.closed != closed || s.version != version;
    if (acted) qlog_packet_received_unprotected(s, h, packet, now);
    else qlog_packet_dropped(s, &h, packet.size(), "rejected", now);
  }
  return PacketResult::dropped;
}

// `credit`: the datagram's bytes not yet counted for anti-amplification
// (RFC 9000 §8.1 counts whole datagrams, padding and packets that cannot
// be processed included); the first packet that finds its path takes it.
Result<PacketResult> process_packet(ConnectionState& s, const wire::PacketHeader& h, MutByteSpan packet,
                                    const PathTuple& tuple, EcnMark ecn, Timestamp now, std::size_t& credit) {
  if (h.type == wire::PacketType::retry || h.type == wire::PacketType::version_negotiation)
    return on_unprotected_packet(s, h, packet, now);
  Opened o;
  TQUIC_TRY_ASSIGN(bool opened, h.is_long_header() ? open_long(s, h, packet, o) : open_short(s, h, packet, now, o));
  if (!opened) {
    ++s.aead_failures;
    if (s.qlog) qlog_packet_dropped(s, &h, packet.size(), qlog_undecryptable_trigger(s, h), now);
    return PacketResult::dropped;
  }
  if (reserved_bits_set(h, o.packet.first_byte))
    return Error::transport(TransportErrorCode::PROTOCOL_VIOLATION, "reserved header bits set");
  PacketSpace& sp = s.space(space_of(o.level));
  const std::uint64_t pn = o.packet.packet_number;
  if (sp.acks.is_duplicate(pn)) {
    if (s.qlog) qlog_packet_dropped(s, &h, packet.size(), "duplicate", now);
    return PacketResult::dropped;
  }
  PathState* path = path_for_packet(s, tuple, o.level, now);
  if (path) {
    path->bytes_received += credit;  // anti-amplification credit (RFC 9000 §8.1)
    credit = 0;
  }
  if (s.qlog) qlog_packet_received(s, h, o.packet, o.level, packet.size(), now);
  FrameContext ctx{o.level, space_of(o.level), path, now, pn};
  if (!h.is_long_header()) ctx.dcid_sequence = local_cid_sequence(s, h.dcid);
  auto frames = process_frames(s, o.packet.payload, ctx);
  if (!frames) {
    if (frames.error().kind != ErrorKind::blocked) return frames.error();
    if (s.qlog) qlog_packet_dropped(s, &h, packet.size(), "rejected", now);
    return PacketResult::dropped;  // retried by the peer
  }
  sp.acks.on_packet_received(pn, frames->ack_eliciting, static_cast<EcnCodepoint>(ecn), now);
  if (sp.largest_rx_pn == crypto::kNoPacketNumber || pn > sp.largest_rx_pn) {
    sp.largest_rx_pn = pn;
    if (o.level == wire::EncryptionLevel::one_rtt) on_largest_packet_path(s, tuple, *frames, now);
  }
  if (h.is_long_header()) after_long_packet(s, h, now);
  else if (s.role == wire::Role::server) s.zero_rtt_rx.reset();  // RFC 9001 §4.9.3
  s.last_activity = now;
  return PacketResult::processed;
}

bool dcid_is_ours(const ConnectionState& s, const wire::PacketHeader& h) {
  if (h.type == wire::PacketType::initial || h.type == wire::PacketType::zero_rtt) {
    if (s.role == wire::Role::server && h.dcid == s.original_dcid) return true;
  }
  if (local_cid_sequence(s, h.dcid) != kNoCidSequence) return true;  // may be zero-length
  return s.role == wire::Role::server && !s.retry_scid.empty() && h.dcid == s.retry_scid;
}

void handle_datagram(ConnectionState& s, MutByteSpan d, const PathTuple& tuple, EcnMark ecn, Timestamp now) {
  s.stats.bytes_received += d.size();
  std::size_t offset = 0;
  std::size_t credit = d.size();
  bool any = false;
  while (offset < d.size() && s.phase != ConnPhase::closed && s.phase != ConnPhase::draining) {
    auto h = wire::parse_packet_header(d.subspan(offset), s.initial_scid.size());
    if (!h) {
      if (s.qlog) qlog_packet_dropped(s, nullptr, d.size() - offset, "invalid", now);
      if (offset == 0 && is_stateless_reset(s, d)) {
        s.close_info = CloseInfo{true, true, false, false, true, 0, 0, "stateless reset"};
        enter_draining(s, now);
        s.phase = ConnPhase::closed;
      }
      ++s.stats.packets_dropped;
      break;
    }
    MutByteSpan packet = d.subspan(offset, h->packet_size);
    offset += h->packet_size;
    const bool ours = h->type == wire::PacketType::version_negotiation ||
                      h->type == wire::PacketType::retry || dcid_is_ours(s, *h);
    if (!ours && s.qlog) qlog_packet_dropped(s, &*h, packet.size(), "connection_unknown", now);
    auto r = ours ? process_packet(s, *h, packet, tuple, ecn, now, credit) : Result<PacketResult>(PacketResult::dropped);
    if (!r) {
      close_with_error(s, r.error(), now);
      return;
    }
    if (*r == PacketResult::processed) {
      ++s.stats.packets_received;
      any = true;
      continue;
    }
    ++s.stats.packets_dropped;
    // RFC 9000 §10.3.1: a packet that cannot be processed may be a stateless
    // reset; the check covers the whole datagram's last 16 bytes.
    if (!h->is_long_header() && is_stateless_reset(s, d)) {
      s.close_info = CloseInfo{true, true, false, false, true, 0, 0, "stateless reset"};
      enter_draining(s, now);
      s.phase = ConnPhase::closed;
      return;
    }
  }
  (void)any;
}

}  // namespace

Status Connection::on_datagram(MutByteSpan datagram, const PathTuple& tuple, EcnMark ecn, Timestamp now) {
  ConnectionState& s = *s_;
  if (s.phase == ConnPhase::closed || s.phase == ConnPhase::draining) {
    ++s.stats.packets_dropped;  // nothing is processed any more (RFC 9000 §10.2.2)
    if (s.qlog) qlog_packet_dropped(s, nullptr, datagram.size(), "general", now);
    return ok_status();
  }
  if (s.phase == ConnPhase::closing) {  // RFC 9000 §10.2.1: answer with CONNECTION_CLOSE only
    ++s.stats.packets_dropped;          // not processed, as while draining
    if (s.qlog) qlog_packet_dropped(s, nullptr, datagram.size(), "general", now);
    s.close_frame_pending = true;
    return ok_status();
  }
  handle_datagram(s, datagram, tuple, ecn, now);
  if (s.qlog) qlog_sync(s, now);
  return ok_status();
}

}  // namespace tquic::transport
