// The TLS adaptor's sink (RFC 9001 §4): handshake bytes go into CRYPTO
// streams, secrets become packet protection keys, the peer's transport
// parameters are validated and applied. Also the handshake milestones:
// completion, confirmation and key discard (RFC 9001 §4.1, §4.9).
#include "transport/connection/conn_preferred_address.h"
#include "transport/connection/conn_sent.h"
#include "transport/connection/conn_state.h"
#include "transport/connection/conn_version.h"

namespace tquic::transport {
namespace {

struct DiscardSink {
  ConnectionState& s;
  void on_packet_acked(PacketNumberSpace, const SentPacket& p) { s.sent_frames.release(p.frames_ref); }
  void on_packet_lost(PacketNumberSpace, const SentPacket& p) { s.sent_frames.release(p.frames_ref); }
  void on_packet_discarded(PacketNumberSpace, const SentPacket& p) { s.sent_frames.release(p.frames_ref); }
};

Status install_one_rtt(ConnectionState& s) {
  if (s.pending_1rtt_read_secret.empty() || s.pending_1rtt_write_secret.empty()) return ok_status();
  TQUIC_TRY(s.one_rtt.install(s.one_rtt_suite, s.version, s.pending_1rtt_write_secret,
                              s.pending_1rtt_read_secret));
  TQUIC_TRY_ASSIGN(auto rx, crypto::make_packet_protection_keys(s.one_rtt_suite, s.version,
                                                                s.pending_1rtt_read_secret));
  TQUIC_TRY_ASSIGN(auto tx, crypto::make_packet_protection_keys(s.one_rtt_suite, s.version,
                                                                s.pending_1rtt_write_secret));
  s.one_rtt_hp_rx = std::move(rx.header_protector);
  s.one_rtt_hp_tx = std::move(tx.header_protector);
  // Secrets are not needed any more: KeyPhaseState derives the next ones.
  std::fill(s.pending_1rtt_read_secret.begin(), s.pending_1rtt_read_secret.end(), 0);
  std::fill(s.pending_1rtt_write_secret.begin(), s.pending_1rtt_write_secret.end(), 0);
  return ok_status();
}

Status apply_peer_params(ConnectionState& s, Timestamp now) {
  const wire::TransportParameters& p = s.peer_params;
  s.conn_tx.on_max_data(p.initial_max_data);
  TQUIC_TRY(s.stream_limits.on_peer_transport_parameters(p.initial_max_streams_bidi,
                                                         p.initial_max_streams_uni));
  // RFC 9000 §10.1: the smaller of the two non-zero idle timeouts.
  const Duration peer_idle = p.max_idle_timeout_ms ? p.max_idle_timeout() : Duration::zero();
  if (peer_idle > Duration::zero() &&
      (s.idle_timeout == Duration::zero() || peer_idle < s.idle_timeout))
    s.idle_timeout = peer_idle;
  for (auto& path : s.paths)
    if (path) path->recovery->set_peer_max_ack_delay(p.max_ack_delay(), now);
  for (auto& [id, st] : s.streams)  // streams opened before the parameters (0-RTT)
    if (st->send && st->send->on_max_stream_data(peer_initial_send_limit(s, id))) schedule_stream(s, *st);
  if (p.stateless_reset_token) {
    s.peer_cids[0].reset_token = *p.stateless_reset_token;
    s.peer_cids[0].has_reset_token = true;
  }
  return ok_status();
}

wire::CidExpectations cid_expectations(const ConnectionState& s) {
  wire::CidExpectations e;
  e.peer_initial_scid = s.peer_cids[0].cid;
  e.local_cid = s.initial_scid;
  e.original_destination_cid = s.original_dcid;
  if (s.retry_received) e.retry_scid = s.retry_scid;
  return e;
}

struct ZeroRttRejectedSink {
  ConnectionState& s;
  void on_packet_acked(PacketNumberSpace, const SentPacket& p) { on_packet_lost_frames(s, p.frames_ref); }
  void on_packet_lost(PacketNumberSpace, const SentPacket& p) { on_packet_lost_frames(s, p.frames_ref); }
  void on_packet_discarded(PacketNumberSpace, const SentPacket& p) { on_packet_lost_frames(s, p.frames_ref); }
};

// RFC 9001 §4.9.3: no more 0-RTT once 1-RTT keys exist; RFC 9000 §7.4.1 /
// RFC 9002 §6.4: if the server rejected 0-RTT, what it carried is sent again.
void on_client_handshake_complete(ConnectionState& s, Timestamp now) {
  const bool attempted = s.zero_rtt_tx.ready();
  s.zero_rtt_tx.reset();
  if (!attempted || s.tls->early_data_accepted()) return;
  s.zero_rtt_rejected = true;
  ZeroRttRejectedSink sink{s};
  s.paths[0]->recovery->discard_zero_rtt(now, sink);
}

}  // namespace

Status ConnectionState::on_handshake_data(wire::EncryptionLevel level, ByteSpan data) {
  if (level == wire::EncryptionLevel::zero_rtt) return Error::local("TLS wrote at the 0-RTT level");
  CryptoStream& c = space(space_of(level)).crypto;
  if (c.tx.append(data) != data.size())
    return Error::transport(TransportErrorCode::CRYPTO_BUFFER_EXCEEDED, "handshake data exceeds the buffer");
  return ok_status();
}

Status ConnectionState::on_secret(wire::EncryptionLevel level, crypto::SecretDirection dir,
                                  std::uint16_t suite_id, ByteSpan secret) {
  TQUIC_TRY_ASSIGN(auto suite, crypto::cipher_suite_from_tls_id(suite_id));
  const bool read = dir == crypto::SecretDirection::read;
  if (level == wire::EncryptionLevel::one_rtt) {
    one_rtt_suite = suite;
    (read ? pending_1rtt_read_secret : pending_1rtt_write_secret).assign(secret.begin(), secret.end());
    return install_one_rtt(*this);
  }
  // 0-RTT stays on the original version (RFC 9369 §4.1); Handshake keys
  // come after the version was negotiated.
  const crypto::QuicVersion v = level == wire::EncryptionLevel::zero_rtt ? vn.original : version;
  TQUIC_TRY_ASSIGN(auto keys, crypto::make_packet_protection_keys(suite, v, secret));
  if (level == wire::EncryptionLevel::handshake) on_negotiated_version_known(*this);
  LevelKeys* slot = nullptr;
  if (level == wire::EncryptionLevel::zero_rtt) slot = read ? &zero_rtt_rx : &zero_rtt_tx;
  else if (level == wire::EncryptionLevel::handshake) slot = read ? &space(PacketNumberSpace::handshake).rx
                                                                  : &space(PacketNumberSpace::handshake).tx;
  else return Error::local("TLS installed Initial secrets");
  slot->aead = std::move(keys.aead);
  slot->hp = std::move(keys.header_protector);
  return ok_status();
}

Status ConnectionState::on_peer_transport_parameters(ByteSpan encoded) {
  const wire::Role peer = role == wire::Role::client ? wire::Role::server : wire::Role::client;
  TQUIC_TRY_ASSIGN(peer_params, wire::decode_transport_parameters(encoded, peer));
  TQUIC_TRY(wire::validate_peer_cids(peer_params, peer, cid_expectations(*this)));
  TQUIC_TRY(on_peer_version_information(*this));
  note_peer_preferred_address(*this);
  peer_params_received = true;
  peer_params_encoded.assign(encoded.begin(), encoded.end());
  return apply_peer_params(*this, last_activity);
}

void ConnectionState::on_session_ticket(ByteSpan session) {
  session_ticket.assign(session.begin(), session.end());
  session_params = peer_params_encoded;
  events.push({ConnectionEventType::session_ticket});
}

Status discard_space(ConnectionState& s, PacketNumberSpace space, Timestamp now) {
  PacketSpace& sp = s.space(space);
  if (sp.discarded) return ok_status();
  sp.discarded = true;
  sp.rx.reset();
  sp.tx.reset();
  sp.crypto.rx.discard();
  sp.crypto.tx.discard();
  sp.probes_pending = 0;
  DiscardSink sink{s};
  s.paths[0]->recovery->discard_space(space, now, sink);
  return ok_status();
}

// Called after TLS consumed data: completion, confirmation, key discard.
Status on_handshake_progress(ConnectionState& s, Timestamp now) {
  if (s.handshake_complete || !s.tls->handshake_complete()) return ok_status();
  if (!s.one_rtt.installed()) return Error::local("handshake complete without 1-RTT keys");
  s.handshake_complete = true;
  s.phase = ConnPhase::established;
  s.events.push({ConnectionEventType::handshake_completed});
  if (s.role == wire::Role::server) {
    // RFC 9001 §4.1.2: the server's handshake is confirmed on completion.
    s.handshake_confirmed = true;
    s.pending.handshake_done = true;
    s.paths[0]->recovery->on_handshake_confirmed(now);
    TQUIC_TRY(discard_space(s, PacketNumberSpace::handshake, now));
    TQUIC_TRY(s.tls->send_session_ticket());
    s.pending.new_token = !s.new_token.empty();
    s.events.push({ConnectionEventType::handshake_confirmed});
  } else {
    on_client_handshake_complete(s, now);
  }
  replenish_local_cids(s);
  return ok_status();
}

}  // namespace tquic::transport
