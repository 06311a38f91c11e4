// Creating client and server connections (RFC 9000 §7, RFC 9001 §5.2).
#include <algorithm>

#include "crypto/initial_secrets.h"
#include "transport/connection/conn_cids.h"
#include "transport/connection/conn_preferred_address.h"
#include "transport/connection/conn_qlog.h"
#include "transport/connection/conn_state.h"
#include "transport/connection/conn_version.h"

namespace tquic::transport {
namespace {

constexpr std::size_t kClientInitialDcidLength = 16;  // RFC 9000 §7.2: at least 8
constexpr std::uint64_t kCryptoBufferCapacity = 64 * 1024;

std::uint64_t to_ms(Duration d) {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count());
}

AckPolicy ack_policy(const ConnectionConfig& c) {
  AckPolicy p;
  p.max_ack_delay = c.max_ack_delay;
  return p;
}

std::unique_ptr<PathState> make_path(const ConnectionState& s, std::uint64_t id, const PathTuple& tuple) {
  auto p = std::make_unique<PathState>();
  p->id = id;
  p->tuple = tuple;
  LossDetectionConfig lc;
  lc.is_server = s.role == wire::Role::server;
  lc.initial_rtt = s.config.initial_rtt;
  lc.peer_max_ack_delay = 25ms;
  p->recovery = std::make_unique<LossDetection>(lc);
  CongestionControlConfig cc;
  cc.max_datagram_size = s.config.initial_max_datagram_size;
  cc.initial_rtt = s.config.initial_rtt;
  p->cc = make_congestion_controller(s.config.congestion_control, cc);
  p->max_datagram_size = s.config.initial_max_datagram_size;
  p->pacer = Pacer(p->max_datagram_size, s.config.gso_segments);
  p->ecn.reset(s.config.enable_ecn);
  return p;
}

void fill_local_params(ConnectionState& s) {
  const ConnectionConfig& c = s.config;
  wire::TransportParameters& p = s.local_params;
  p.max_idle_timeout_ms = to_ms(c.max_idle_timeout);
  p.max_udp_payload_size = c.max_udp_payload_size;
  p.initial_max_data = c.initial_max_data;
  p.initial_max_stream_data_bidi_local = c.initial_max_stream_data;
  p.initial_max_stream_data_bidi_remote = c.initial_max_stream_data;
  p.initial_max_stream_data_uni = c.initial_max_stream_data;
  p.initial_max_streams_bidi = c.initial_max_streams_bidi;
  p.initial_max_streams_uni = c.initial_max_streams_uni;
  p.ack_delay_exponent = c.ack_delay_exponent;
  p.max_ack_delay_ms = to_ms(c.max_ack_delay);
  p.disable_active_migration = c.disable_active_migration;
  // RFC 9000 §18.2: at least 2; at most what our table holds (conn_state.h).
  p.active_connection_id_limit =
      std::clamp<std::uint64_t>(c.active_connection_id_limit, 2, kMaxActivePeerCids);
  p.initial_source_connection_id = s.initial_scid;
  p.max_datagram_frame_size = c.max_datagram_frame_size;
}

Result<crypto::QuicVersion> version_of(std::uint32_t wire_version) {
  crypto::QuicVersion v;
  if (!crypto::quic_version_from_wire(wire_version, v)) return Error::local("unsupported QUIC version");
  return v;
}

// RFC 9000 §7.4.1: 0-RTT runs under the limits the server advertised in the
// connection that issued the ticket. Unusable remembered values just mean
// no 0-RTT.
void apply_remembered_params(ConnectionState& s, ByteSpan encoded) {
  auto p = wire::decode_transport_parameters(encoded, wire::Role::server);
  if (!p) {
    s.early_data_enabled = false;
    return;
  }
  s.peer_params = *p;
  s.conn_tx.on_max_data(p->initial_max_data);
  if (!s.stream_limits.on_peer_transport_parameters(p->initial_max_streams_bidi, p->initial_max_streams_uni))
    s.early_data_enabled = false;
}

}  // namespace

std::unique_ptr<PacketSpace> make_packet_space(ConnectionState& s, PacketNumberSpace space) {
  AckPolicy policy = ack_policy(s.config);
  // Initial and Handshake packets are acknowledged at once (RFC 9000 §13.2.1).
  if (space != PacketNumberSpace::application_data) policy.max_ack_delay = 0ms;
  return std::make_unique<PacketSpace>(space, s.chunks, kCryptoBufferCapacity, policy);
}

Result<std::vector<std::uint8_t>> encode_local_params(const ConnectionState& s) {
  std::vector<std::uint8_t> out(wire::transport_parameters_encoded_size(s.local_params, s.role));
  ByteWriter w(out);
  if (out.empty() || !wire::encode_transport_parameters(w, s.local_params, s.role))
    return Error::local("local transport parameters do not encode");
  return out;
}

// Initial keys of `version` from the client's DCID (RFC 9001 §5.2, RFC 9369 §3.3.1).
Status install_initial_keys(ConnectionState& s, crypto::QuicVersion version, const wire::ConnectionId& client_dcid) {
  TQUIC_TRY_ASSIGN(auto keys, crypto::make_initial_keys(version, client_dcid.span()));
  PacketSpace& sp = s.space(PacketNumberSpace::initial);
  auto& mine = s.role == wire::Role::client ? keys.client : keys.server;
  auto& theirs = s.role == wire::Role::client ? keys.server : keys.client;
  sp.tx.aead = std::move(mine.aead);
  sp.tx.hp = std::move(mine.header_protector);
  sp.rx.aead = std::move(theirs.aead);
  sp.rx.hp = std::move(theirs.header_protector);
  s.vn.initial_key_cid = client_dcid;
  return ok_status();
}

Status start_tls(ConnectionState& s, const crypto::TlsContext& tls, std::string server_name,
                 std::vector<std::uint8_t> ticket) {
  TQUIC_TRY_ASSIGN(auto encoded, encode_local_params(s));
  crypto::TlsSessionOptions o;
  o.local_transport_parameters = std::move(encoded);
  o.server_name = std::move(server_name);
  o.resume = std::move(ticket);
  TQUIC_TRY_ASSIGN(s.tls, crypto::TlsSession::create(tls, s, std::move(o)));
  return ok_status();
}

ConnectionState::ConnectionState(const ConnectionConfig& cfg, wire::Role r)
    : config(cfg),
      role(r),
      chunks(256),
      conn_rx(cfg.initial_max_data, std::max(cfg.initial_max_data, cfg.max_connection_window)),
      stream_limits(r, cfg.initial_max_streams_bidi, cfg.initial_max_streams_uni) {
  spaces[0] = make_packet_space(*this, PacketNumberSpace::initial);
  spaces[1] = make_packet_space(*this, PacketNumberSpace::handshake);
  spaces[2] = make_packet_space(*this, PacketNumberSpace::application_data);
  const std::size_t slot = std::max<std::size_t>(cfg.max_datagram_frame_size ? 1500 : 0,
                                                 std::min<std::uint64_t>(cfg.max_datagram_frame_size, 65535));
  if (slot) {
    datagrams_in.configure(cfg.datagram_queue_entries, slot, cfg.datagram_queue_bytes);
    datagrams_out.configure(cfg.datagram_queue_entries, slot, cfg.datagram_queue_bytes);
  }
  streams.reserve(2 * (cfg.initial_max_streams_bidi + cfg.initial_max_streams_uni));
  streams_with_control.reserve(64);
  // Scratch for ACK processing, sized for what one ACK of a busy path carries
  // so that steady state does not grow them (HOTPATH rule 1). Peers that ack
  // more at once grow them geometrically, once.
  ack_ranges_scratch.reserve(kAckRangesReserved);
  cc_acked.reserve(kCcPacketsReserved);
  cc_lost.reserve(kCcPacketsReserved);
}

ConnectionState::~ConnectionState() {
  for (auto& [id, st] : streams) stream_pool.release(st);
  streams.clear();
}

Connection::Connection(std::unique_ptr<ConnectionState> state) : s_(std::move(state)) {}
Connection::~Connection() = default;

Result<std::unique_ptr<Connection>> Connection::client(const ConnectionConfig& config,
                                                       const crypto::TlsContext& tls, CidSource& cids,
                                                       ClientOptions options, Timestamp now) {
  auto s = std::make_unique<ConnectionState>(config, wire::Role::client);
  s->cid_source = &cids;
  TQUIC_TRY(s->rng.seed(options.random_seed));
  TQUIC_TRY_ASSIGN(s->version, version_of(config.version));
  if (std::find(config.versions.begin(), config.versions.end(), config.version) == config.versions.end())
    return Error::local("ConnectionConfig.version must be one of ConnectionConfig.versions");
  s->vn.original = s->version;
  s->vn.first_attempt = config.version;
  std::uint8_t dcid[kClientInitialDcidLength];
  s->rng.fill(MutByteSpan(dcid, sizeof dcid));
  wire::ConnectionId::from_bytes(ByteSpan(dcid, sizeof dcid), s->original_dcid);
  // Until the server's first Initial names its own CID (RFC 9000 §7.2).
  s->peer_cids[0] = PeerCid{PeerCidState::active, 0, s->original_dcid, {}, false, true};
  TQUIC_TRY(take_first_local_cid(*s, options.zero_length_cid));
  s->paths[0] = make_path(*s, 0, options.tuple);
  s->paths[0]->validated = true;  // the client chose the server's address
  TQUIC_TRY(install_initial_keys(*s, s->version, s->original_dcid));
  fill_local_params(*s);
  fill_version_information(*s);
  s->last_activity = now;
  s->idle_timeout = config.max_idle_timeout;
  s->initial_token = std::move(options.token);
  s->tls_context = &tls;
  s->server_name = options.server_name;
  s->use_preferred_address = options.use_preferred_address;
  s->early_data_enabled = options.enable_early_data && !options.remembered_params.empty();
  if (s->early_data_enabled) apply_remembered_params(*s, options.remembered_params);
  qlog_open(*s, tls, now);
  TQUIC_TRY(start_tls(*s, tls, std::move(options.server_name), std::move(options.session_ticket)));
  TQUIC_TRY(s->tls->start());
  if (!s->early_data_enabled) s->zero_rtt_tx.reset();
  if (s->qlog) qlog_sync(*s, now);
  return std::unique_ptr<Connection>(new Connection(std::move(s)));
}

Result<std::unique_ptr<Connection>> Connection::server(const ConnectionConfig& config,
                                                       const crypto::TlsContext& tls, CidSource& cids,
                                                       ServerOptions options, Timestamp now) {
  auto s = std::make_unique<ConnectionState>(config, wire::Role::server);
  s->cid_source = &cids;
  TQUIC_TRY(s->rng.seed(options.random_seed));
  TQUIC_TRY_ASSIGN(s->version, version_of(options.version));
  s->vn.original = s->version;
  s->vn.first_attempt = options.version;
  s->original_dcid = options.original_dcid;
  s->retry_scid = options.retry_scid;
  set_peer_handshake_cid(*s, options.client_scid);
  TQUIC_TRY(take_first_local_cid(*s, options.zero_length_cid));
  s->paths[0] = make_path(*s, 0, options.tuple);
  s->paths[0]->validated = options.address_validated;
  TQUIC_TRY(install_initial_keys(*s, s->version, options.client_dcid));
  fill_local_params(*s);
  fill_version_information(*s);
  s->local_params.original_destination_connection_id = options.original_dcid;
  if (!options.retry_scid.empty()) s->local_params.retry_source_connection_id = options.retry_scid;
  if (!s->local_cid_zero_length) s->local_params.stateless_reset_token = s->local_cids[0].reset_token;
  TQUIC_TRY(offer_preferred_address(*s));
  s->new_token = std::move(options.new_token);
  s->last_activity = now;
  s->idle_timeout = config.max_idle_timeout;
  qlog_open(*s, tls, now);
  TQUIC_TRY(start_tls(*s, tls, {}, {}));
  if (s->qlog) qlog_sync(*s, now);
  return std::unique_ptr<Connection>(new Connection(std::move(s)));
}

}  // namespace tquic::transport
