// qlog events derived from connection state at the end of each API call
// (see conn_qlog.h): the protocol code stays free of logging, and each
// event is logged once, when the state it reports first becomes visible.
#include <algorithm>

#include "transport/connection/conn_cids.h"
#include "transport/connection/conn_qlog.h"
#include "transport/qlog/qlog_errors.h"
#include "transport/qlog/qlog_values.h"

namespace tquic::transport {
namespace {

using qlog::JsonWriter;

// --- keys (draft-ietf-quic-qlog-quic-events "key_updated", "key_discarded")

enum KeyBit : std::uint32_t {
  kInitialTx = 1u << 0,
  kInitialRx = 1u << 1,
  kHandshakeTx = 1u << 2,
  kHandshakeRx = 1u << 3,
  kZeroRttTx = 1u << 4,
  kZeroRttRx = 1u << 5,
  kOneRtt = 1u << 6,          // both directions, current key phase
  kOneRttPrevious = 1u << 7,  // the peer's previous-phase key, kept after an update
};

std::uint32_t installed_keys(const ConnectionState& s) {
  std::uint32_t k = 0;
  const auto level = [&](PacketNumberSpace space, std::uint32_t tx, std::uint32_t rx) {
    const PacketSpace& sp = *s.spaces[index_of(space)];
    if (!sp.discarded && sp.tx.ready()) k |= tx;
    if (!sp.discarded && sp.rx.ready()) k |= rx;
  };
  level(PacketNumberSpace::initial, kInitialTx, kInitialRx);
  level(PacketNumberSpace::handshake, kHandshakeTx, kHandshakeRx);
  if (s.zero_rtt_tx.ready()) k |= kZeroRttTx;
  if (s.zero_rtt_rx.ready()) k |= kZeroRttRx;
  if (s.one_rtt.installed()) k |= kOneRtt;
  if (s.one_rtt.has_previous_keys()) k |= kOneRttPrevious;
  return k;
}

// The secret a key bit stands for: sending keys are ours, receiving keys
// the peer's; 0-RTT keys are always the client's.
const char* key_type(std::uint32_t bit, wire::Role role, bool client_side_1rtt) {
  const bool ours_is_client = role == wire::Role::client;
  switch (bit) {
    case kInitialTx: return ours_is_client ? "client_initial_secret" : "server_initial_secret";
    case kInitialRx: return ours_is_client ? "server_initial_secret" : "client_initial_secret";
    case kHandshakeTx: return ours_is_client ? "client_handshake_secret" : "server_handshake_secret";
    case kHandshakeRx: return ours_is_client ? "server_handshake_secret" : "client_handshake_secret";
    case kZeroRttTx:
    case kZeroRttRx: return "client_0rtt_secret";
    default: return client_side_1rtt ? "client_1rtt_secret" : "server_1rtt_secret";
  }
}

void log_key(ConnectionState& s, const char* event, const char* type, const std::uint64_t* phase, const char* trigger,
             Timestamp now) {
  JsonWriter& w = s.qlog->trace.begin_event(now, event);
  w.field("key_type", type);
  if (phase) w.field("key_phase", *phase);
  if (trigger) w.field("trigger", trigger);
  s.qlog->trace.end_event();
}

void log_one_rtt_keys(ConnectionState& s, const char* event, std::uint64_t phase, const char* trigger, Timestamp now) {
  log_key(s, event, "client_1rtt_secret", &phase, trigger, now);
  log_key(s, event, "server_1rtt_secret", &phase, trigger, now);
}

void log_key_bit(ConnectionState& s, std::uint32_t bit, bool installed, Timestamp now) {
  const char* event = installed ? "quic:key_updated" : "quic:key_discarded";
  const std::uint64_t phase = s.one_rtt.key_phase();
  if (bit == kOneRtt) return log_one_rtt_keys(s, event, phase, installed ? "tls" : nullptr, now);
  if (bit == kOneRttPrevious) {
    if (installed) return;  // the old key stays for a while: nothing new
    const std::uint64_t previous = phase > 0 ? phase - 1 : 0;
    const bool peer_is_client = s.role == wire::Role::server;
    return log_key(s, event, key_type(kOneRtt, s.role, peer_is_client), &previous, nullptr, now);
  }
  // Initial secrets come from the client's DCID (RFC 9001 §5.2), the rest from TLS.
  const char* trigger = installed && bit != kInitialTx && bit != kInitialRx ? "tls" : nullptr;
  log_key(s, event, key_type(bit, s.role, false), nullptr, trigger, now);
}

void sync_keys(ConnectionState& s, Timestamp now) {
  ConnQlog& q = *s.qlog;
  const std::uint32_t keys = installed_keys(s);
  for (std::uint32_t changed = keys ^ q.keys; changed != 0; changed &= changed - 1) {
    const std::uint32_t bit = changed & (0u - changed);
    log_key_bit(s, bit, (keys & bit) != 0, now);
  }
  q.keys = keys;
  // RFC 9001 §6: a key update replaces both 1-RTT secrets.
  if (s.one_rtt.installed() && s.one_rtt.key_phase() != q.key_phase) {
    q.key_phase = s.one_rtt.key_phase();
    log_one_rtt_keys(s, "quic:key_updated", q.key_phase, q.local_key_update ? "local_update" : "remote_update", now);
  }
  q.local_key_update = false;
}

// --- connection state and close ----------------------------------------

const char* state_name(QlogConnectionState st) {
  switch (st) {
    case QlogConnectionState::attempted: return "attempted";
    case QlogConnectionState::handshake_started: return "handshake_started";
    case QlogConnectionState::handshake_complete: return "handshake_complete";
    case QlogConnectionState::handshake_confirmed: return "handshake_confirmed";
    case QlogConnectionState::closing: return "closing";
    case QlogConnectionState::draining: return "draining";
    case QlogConnectionState::closed: return "closed";
  }
  return "unknown";
}

QlogConnectionState derived_state(const ConnectionState& s, QlogConnectionState current) {
  switch (s.phase) {
    case ConnPhase::closed: return QlogConnectionState::closed;
    case ConnPhase::draining: return QlogConnectionState::draining;
    case ConnPhase::closing: return QlogConnectionState::closing;
    default: break;
  }
  if (s.handshake_confirmed) return QlogConnectionState::handshake_confirmed;
  if (s.handshake_complete) return QlogConnectionState::handshake_complete;
  return current;
}

void log_state(ConnectionState& s, QlogConnectionState next, Timestamp now) {
  ConnQlog& q = *s.qlog;
  JsonWriter& w = q.trace.begin_event(now, "quic:connection_state_updated");
  w.field("old", state_name(q.state));
  w.field("new", state_name(next));
  q.trace.end_event();
  q.state = next;
}

// Handshake milestones reached in the same call are logged one by one
// (a server completes and confirms at once, RFC 9001 §4.1.2).
void sync_state(ConnectionState& s, Timestamp now) {
  const QlogConnectionState target = derived_state(s, s.qlog->state);
  if (target <= s.qlog->state) return;
  if (s.handshake_complete && s.qlog->state < QlogConnectionState::handshake_complete &&
      target > QlogConnectionState::handshake_complete)
    log_state(s, QlogConnectionState::handshake_complete, now);
  if (s.handshake_confirmed && s.qlog->state < QlogConnectionState::handshake_confirmed &&
      target > QlogConnectionState::handshake_confirmed)
    log_state(s, QlogConnectionState::handshake_confirmed, now);
  log_state(s, target, now);
}

const char* close_trigger(const CloseInfo& c) {
  if (c.idle_timeout) return "idle_timeout";
  if (c.stateless_reset) return "stateless_reset";
  if (c.is_application) return "application";
  if (c.error_code == static_cast<std::uint64_t>(TransportErrorCode::VERSION_NEGOTIATION_ERROR))
    return "version_mismatch";
  return c.error_code != 0 ? "error" : "unspecified";
}

void sync_close(ConnectionState& s, Timestamp now) {
  ConnQlog& q = *s.qlog;
  const CloseInfo& c = s.close_info;
  if (q.closed_logged || !c.closed) return;
  q.closed_logged = true;
  JsonWriter& w = q.trace.begin_event(now, "quic:connection_closed");
  w.field("initiator", c.by_peer ? "remote" : "local");
  if (!c.idle_timeout && !c.stateless_reset)
    qlog::write_error(w, c.is_application ? "application_error" : "connection_error", c.is_application, c.error_code);
  if (!c.reason.empty()) w.field("reason", std::string_view(c.reason));
  w.field("trigger", close_trigger(c));
  q.trace.end_event();
}

// --- negotiation results --------------------------------------------------

void sync_negotiation(ConnectionState& s, Timestamp now) {
  ConnQlog& q = *s.qlog;
  const auto version = static_cast<std::uint32_t>(s.version);
  if (version != q.version) {  // compatible version negotiation (RFC 9368)
    q.version = version;
    JsonWriter& w = q.trace.begin_event(now, "quic:version_information");
    w.key("chosen_version");
    w.hex32(version);
    q.trace.end_event();
  }
  if (!q.peer_params_logged && s.peer_params_received) {
    q.peer_params_logged = true;
    JsonWriter& w = q.trace.begin_event(now, "quic:parameters_set");
    w.field("initiator", "remote");
    qlog::write_transport_parameters(w, s.peer_params);
    q.trace.end_event();
  }
  if (!q.alpn_logged && s.handshake_complete && s.tls) {
    q.alpn_logged = true;
    const std::string_view alpn = s.tls->alpn();
    JsonWriter& w = q.trace.begin_event(now, "quic:alpn_information");
    w.key("chosen_alpn");
    qlog::write_alpn(w, ByteSpan(reinterpret_cast<const std::uint8_t*>(alpn.data()), alpn.size()));
    q.trace.end_event();
  }
}

// --- paths (tuple_assigned, migration_state_updated, mtu_updated) --------

// The handshake path is the default TupleID "" (draft-ietf-quic-qlog-main-schema
// "Tuple"); later paths use their decimal path ID.
void write_tuple_id(JsonWriter& w, std::uint64_t path_id) {
  if (path_id == 0) w.string(std::string_view{});
  else w.uint_as_string(path_id);
}

void log_tuple(ConnectionState& s, std::uint64_t id, const PathState* p, Timestamp now) {
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:tuple_assigned");
  w.key("tuple_id");
  write_tuple_id(w, id);
  if (p) {  // without endpoints: the tuple is abandoned
    const PeerCid* cid = peer_cid_for(s, *p);
    w.key("tuple_remote");
    qlog::write_endpoint_info(w, p->tuple.remote, cid ? &cid->cid : nullptr);
    w.key("tuple_local");
    qlog::write_endpoint_info(w, p->tuple.local, nullptr);
  }
  s.qlog->trace.end_event();
}

void log_migration(ConnectionState& s, std::uint64_t id, const char* state, Timestamp now) {
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:migration_state_updated");
  w.field("new", state);
  w.key("tuple_id");
  write_tuple_id(w, id);
  s.qlog->trace.end_event();
}

void log_mtu(ConnectionState& s, std::uint16_t old_size, std::uint16_t new_size, Timestamp now) {
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:mtu_updated");
  w.field("old", old_size);
  w.field("new", new_size);
  s.qlog->trace.end_event();
}

void sync_path(ConnectionState& s, QlogPathView& v, const PathState* p, Timestamp now) {
  if (v.present && (!p || v.id != p->id)) {
    if (v.validating) log_migration(s, v.id, "probing_abandoned", now);
    log_tuple(s, v.id, nullptr, now);
    v = QlogPathView{};
  }
  if (!p) return;
  if (!v.present) {
    log_tuple(s, p->id, p, now);
    v = QlogPathView{true, p->id, false, p->validated, p->max_datagram_size};
  }
  // RFC 9000 §8.2: validation runs while a challenge deadline is set.
  const bool validating = p->challenge_deadline != kTimeInfinite;
  if (validating && !v.validating) log_migration(s, p->id, "probing_started", now);
  if (!validating && v.validating) log_migration(s, p->id, p->validated ? "probing_successful" : "probing_abandoned", now);
  v.validating = validating;
  v.validated = p->validated;
  if (p->max_datagram_size != v.max_datagram_size) log_mtu(s, v.max_datagram_size, p->max_datagram_size, now);
  v.max_datagram_size = p->max_datagram_size;
}

void sync_paths(ConnectionState& s, Timestamp now) {
  ConnQlog& q = *s.qlog;
  for (std::size_t i = 0; i < kMaxPaths; ++i) sync_path(s, q.paths[i], s.paths[i].get(), now);
  if (s.active_path != q.active_path) {  // RFC 9000 §9: the connection moved
    if (q.migrating) log_migration(s, q.paths[q.active_path].id, "migration_abandoned", now);
    q.active_path = s.active_path;
    q.migrating = true;
    log_migration(s, q.paths[q.active_path].id, "migration_started", now);
  }
  const QlogPathView& active = q.paths[q.active_path];
  if (q.migrating && active.validated && !active.validating) {
    q.migrating = false;
    log_migration(s, active.id, "migration_complete", now);
  }
}

// --- recovery -------------------------------------------------------------

std::uint64_t bits_per_second(std::uint64_t bytes_per_second) {
  return bytes_per_second > (~std::uint64_t{0} >> 3) ? ~std::uint64_t{0} : bytes_per_second * 8;
}

// Logs `value` under `key` only if it differs from what was logged last.
template <class V>
void changed_field(JsonWriter& w, std::string_view key, V& logged, V value) {
  if (value == logged) return;
  logged = value;
  w.field(key, value);
}

void log_congestion_state(ConnectionState& s, std::string_view state, Timestamp now) {
  ConnQlog& q = *s.qlog;
  if (state == q.cc_state) return;
  JsonWriter& w = q.trace.begin_event(now, "quic:congestion_state_updated");
  if (!q.cc_state.empty()) w.field("old", q.cc_state);
  w.field("new", state);
  q.trace.end_event();
  q.cc_state = state;  // a static string of the controller
}

}  // namespace

void qlog_metrics(ConnectionState& s, Timestamp now) {
  ConnQlog& q = *s.qlog;
  const PathState& p = recovery_path(s);
  const RttEstimator& rtt = p.recovery->rtt();
  const CongestionStats cc = p.cc->stats();
  QlogMetrics& m = q.metrics;
  const Duration min_rtt = rtt.has_sample() ? rtt.min_rtt() : m.min_rtt;
  const Duration latest_rtt = rtt.has_sample() ? rtt.latest_rtt() : m.latest_rtt;
  const std::uint64_t ssthresh = cc.ssthresh == kInfiniteWindow ? m.ssthresh : cc.ssthresh;
  const std::uint64_t pacing = bits_per_second(p.cc->pacing_rate());
  const bool changed = min_rtt != m.min_rtt || latest_rtt != m.latest_rtt || rtt.smoothed_rtt() != m.smoothed_rtt ||
                       rtt.rttvar() != m.rtt_variance || p.recovery->pto_count() != m.pto_count ||
                       p.cc->congestion_window() != m.congestion_window ||
                       p.recovery->bytes_in_flight() != m.bytes_in_flight || ssthresh != m.ssthresh ||
                       pacing != m.pacing_rate;
  if (changed) {
    JsonWriter& w = q.trace.begin_event(now, "quic:recovery_metrics_updated");
    changed_field(w, "min_rtt", m.min_rtt, min_rtt);
    changed_field(w, "smoothed_rtt", m.smoothed_rtt, rtt.smoothed_rtt());
    changed_field(w, "latest_rtt", m.latest_rtt, latest_rtt);
    changed_field(w, "rtt_variance", m.rtt_variance, rtt.rttvar());
    changed_field(w, "pto_count", m.pto_count, std::uint64_t{p.recovery->pto_count()});
    changed_field(w, "congestion_window", m.congestion_window, p.cc->congestion_window());
    changed_field(w, "bytes_in_flight", m.bytes_in_flight, p.recovery->bytes_in_flight());
    changed_field(w, "ssthresh", m.ssthresh, ssthresh);
    changed_field(w, "pacing_rate", m.pacing_rate, pacing);
    q.trace.end_event();
  }
  log_congestion_state(s, cc.state, now);
}

void qlog_sync(ConnectionState& s, Timestamp now) {
  sync_keys(s, now);
  sync_negotiation(s, now);
  sync_paths(s, now);
  qlog_metrics(s, now);
  sync_close(s, now);
  sync_state(s, now);
}

}  // namespace tquic::transport
