// Version negotiation inside a connection (RFC 9368, RFC 9369 §4.1); see
// conn_version.h for the overview.
#include "transport/connection/conn_version.h"

#include "crypto/initial_secrets.h"
#include "transport/connection/conn_sent.h"
#include "wire/version_negotiation.h"
#include "wire/version_selection.h"

namespace tquic::transport {
namespace {

constexpr std::size_t kNewAttemptDcidLength = 16;  // RFC 9000 §7.2: at least 8

std::uint32_t wire_of(crypto::QuicVersion v) { return static_cast<std::uint32_t>(v); }

struct ReleaseSink {  // Initial packets of an abandoned attempt: nothing to resend
  ConnectionState& s;
  void on_packet_acked(PacketNumberSpace, const SentPacket& p) { s.sent_frames.release(p.frames_ref); }
  void on_packet_lost(PacketNumberSpace, const SentPacket& p) { s.sent_frames.release(p.frames_ref); }
  void on_packet_discarded(PacketNumberSpace, const SentPacket& p) { s.sent_frames.release(p.frames_ref); }
};

struct RequeueSink {  // 0-RTT packets of an abandoned attempt: their data goes out again in 1-RTT
  ConnectionState& s;
  void on_packet_acked(PacketNumberSpace, const SentPacket& p) { on_packet_lost_frames(s, p.frames_ref); }
  void on_packet_lost(PacketNumberSpace, const SentPacket& p) { on_packet_lost_frames(s, p.frames_ref); }
  void on_packet_discarded(PacketNumberSpace, const SentPacket& p) { on_packet_lost_frames(s, p.frames_ref); }
};

// Keys of `version` for a compatible switch, derived from the same client
// DCID as the current Initial keys (the original DCID, or the Retry's SCID).
bool prepare_candidate(ConnectionState& s, std::uint32_t version) {
  crypto::QuicVersion v;
  if (!crypto::quic_version_from_wire(version, v)) return false;
  auto keys = crypto::make_initial_keys(v, s.vn.initial_key_cid.span());
  if (!keys) return false;
  s.vn.candidate_rx.aead = std::move(keys->server.aead);
  s.vn.candidate_rx.hp = std::move(keys->server.header_protector);
  s.vn.candidate_tx.aead = std::move(keys->client.aead);
  s.vn.candidate_tx.hp = std::move(keys->client.header_protector);
  s.vn.candidate_version = version;
  return true;
}

void drop_candidate(ConnectionState& s) {
  s.vn.candidate_rx.reset();
  s.vn.candidate_tx.reset();
  s.vn.candidate_version = 0;
}

// The first flight of the abandoned attempt: 0-RTT data is sent again
// later (as after a 0-RTT rejection), Initial data is replaced by the new
// ClientHello; packet numbers continue.
void abandon_first_flight(ConnectionState& s, Timestamp now) {
  if (s.zero_rtt_tx.ready()) {
    RequeueSink requeue{s};
    recovery_path(s).recovery->discard_zero_rtt(now, requeue);
  }
  s.zero_rtt_tx.reset();
  s.early_data_enabled = false;
  ReleaseSink release{s};
  recovery_path(s).recovery->discard_space(PacketNumberSpace::initial, now, release);
  const std::uint64_t next_pn = s.space(PacketNumberSpace::initial).next_pn;
  s.spaces[index_of(PacketNumberSpace::initial)] = make_packet_space(s, PacketNumberSpace::initial);
  s.space(PacketNumberSpace::initial).next_pn = next_pn;
}

// RFC 9368 §2.1: a new first flight in `version`, conceptually a new
// connection: fresh DCID, Initial keys and ClientHello. Session tickets and
// tokens belong to the version that issued them (RFC 9369 §5), so neither
// is used again.
Status start_new_attempt(ConnectionState& s, std::uint32_t version, Timestamp now) {
  crypto::QuicVersion v;
  if (!crypto::quic_version_from_wire(version, v)) return Error::local("unsupported QUIC version");
  s.vn.reacted_to_vn = true;
  s.stats.version_negotiation_received = true;
  s.version = v;
  s.vn.original = v;
  std::uint8_t dcid[kNewAttemptDcidLength];
  s.rng.fill(MutByteSpan(dcid, sizeof dcid));
  (void)wire::ConnectionId::from_bytes(ByteSpan(dcid, sizeof dcid), s.original_dcid);
  s.peer_cids[0].cid = s.original_dcid;
  s.initial_token.clear();
  abandon_first_flight(s, now);
  TQUIC_TRY(install_initial_keys(s, v, s.original_dcid));
  fill_version_information(s);
  TQUIC_TRY(start_tls(s, *s.tls_context, s.server_name, {}));
  return s.tls->start();
}

// RFC 9369 §4.1: the server's Initial keys move to the negotiated version;
// the original version's receive keys stay until the Initial space goes.
Status switch_server_version(ConnectionState& s, std::uint32_t version) {
  crypto::QuicVersion v;
  if (!crypto::quic_version_from_wire(version, v)) return Error::local("negotiated an unsupported version");
  PacketSpace& sp = s.space(PacketNumberSpace::initial);
  s.vn.original_initial_rx = std::move(sp.rx);
  TQUIC_TRY(install_initial_keys(s, v, s.vn.initial_key_cid));
  s.version = v;
  return ok_status();
}

}  // namespace

void fill_version_information(ConnectionState& s) {
  const std::uint32_t in_use = wire_of(s.version);
  s.local_params.version_information = s.role == wire::Role::client
                                           ? wire::client_version_information(in_use, s.config.versions)
                                           : wire::server_version_information(in_use, s.config.versions);
}

std::uint32_t long_header_version(const ConnectionState& s, wire::EncryptionLevel level) {
  return wire_of(level == wire::EncryptionLevel::zero_rtt ? s.vn.original : s.version);
}

bool accepts_long_header_version(const ConnectionState& s, wire::PacketType type, std::uint32_t version) {
  switch (type) {
    case wire::PacketType::initial: return true;
    case wire::PacketType::zero_rtt: return version == wire_of(s.vn.original);
    default: return version == wire_of(s.version);
  }
}

LevelKeys* initial_keys_for(ConnectionState& s, std::uint32_t version) {
  PacketSpace& sp = s.space(PacketNumberSpace::initial);
  if (version == wire_of(s.version)) return &sp.rx;
  if (s.role == wire::Role::server)
    return version == wire_of(s.vn.original) && s.vn.original_initial_rx.ready() ? &s.vn.original_initial_rx
                                                                                   : nullptr;
  // Client: only before the negotiated version is known, only a version we
  // offered as compatible (RFC 9368 §2.3), only once the packet opens.
  const auto& offered = s.local_params.version_information;
  if (s.vn.negotiated || !offered || !offered->contains_available(version)) return nullptr;
  if (s.vn.candidate_version != version && !prepare_candidate(s, version)) return nullptr;
  return &s.vn.candidate_rx;
}

void on_initial_packet_opened(ConnectionState& s, std::uint32_t version) {
  if (s.role != wire::Role::client || version == wire_of(s.version) || s.vn.candidate_version != version) return;
  crypto::QuicVersion v;
  if (!crypto::quic_version_from_wire(version, v)) return;
  PacketSpace& sp = s.space(PacketNumberSpace::initial);
  sp.rx = std::move(s.vn.candidate_rx);
  sp.tx = std::move(s.vn.candidate_tx);  // RFC 9369 §4.1: later Initials use it too
  drop_candidate(s);
  s.version = v;
  s.vn.negotiated = true;
}

void on_negotiated_version_known(ConnectionState& s) {
  if (s.role != wire::Role::client || s.vn.negotiated) return;
  s.vn.negotiated = true;
  drop_candidate(s);
}

void on_version_negotiation(ConnectionState& s, ByteSpan packet, Timestamp now) {
  // RFC 9368 §4: one VN per sequence; none after the server answered.
  if (s.role != wire::Role::client || s.stats.packets_received > 0 || s.retry_received || s.vn.reacted_to_vn)
    return;
  auto vn = wire::parse_version_negotiation(packet);
  if (!vn) return;
  const ByteSpan ours = s.initial_scid.span();
  const ByteSpan theirs = s.original_dcid.span();
  if (!std::equal(vn->dcid.begin(), vn->dcid.end(), ours.begin(), ours.end()) ||
      !std::equal(vn->scid.begin(), vn->scid.end(), theirs.begin(), theirs.end()))
    return;  // RFC 8999 §6: the CIDs must echo ours
  if (vn->versions.contains(wire_of(s.vn.original))) return;  // RFC 9368 §4: must ignore
  const std::uint32_t pick = wire::select_offered_version(s.config.versions, vn->versions);
  Status st = pick != 0 ? start_new_attempt(s, pick, now)
                        : Status(Error::transport(TransportErrorCode::VERSION_NEGOTIATION_ERROR,
                                                  "Version Negotiation: the server offers none of our versions"));
  if (st) return;
  close_with_error(s, st.error(), now);
  s.close_info.by_peer = pick == 0;
  enter_draining(s, now);  // nothing can be sent to a server without our version
}

Status on_peer_version_information(ConnectionState& s) {
  const auto& vi = s.peer_params.version_information;
  if (s.role == wire::Role::client) {
    const wire::ClientVersionContext ctx{wire_of(s.vn.original), wire_of(s.version), s.config.versions,
                                         s.vn.reacted_to_vn};
    return wire::validate_server_version_information(vi, ctx);
  }
  TQUIC_TRY(wire::validate_client_version_information(vi, wire_of(s.vn.original)));
  if (!vi) return ok_status();  // RFC 9368 §4: the server may go on without it
  const std::uint32_t negotiated = wire::negotiate_compatible_version(s.config.versions, *vi);
  if (negotiated == wire_of(s.version)) return ok_status();
  TQUIC_TRY(switch_server_version(s, negotiated));
  // Our parameters go out in EncryptedExtensions, after this: they carry
  // the negotiated version as Chosen Version (RFC 9368 §3).
  fill_version_information(s);
  TQUIC_TRY_ASSIGN(auto encoded, encode_local_params(s));
  s.tls->set_local_transport_parameters(std::move(encoded));
  return ok_status();
}

}  // namespace tquic::transport
