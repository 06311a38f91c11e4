// qlog: the trace's opening events and the per-packet events
// (draft-ietf-quic-qlog-quic-events §"Connectivity events", §"Transport
// events", §"Recovery events"). See conn_qlog.h.
#include "transport/connection/conn_qlog.h"

#include "transport/connection/conn_cids.h"
#include "transport/qlog/qlog_frames.h"
#include "transport/qlog/qlog_values.h"
#include "wire/version_negotiation.h"

namespace tquic::transport {
namespace {

using qlog::JsonWriter;

constexpr std::size_t kAeadTagLength = 16;

const char* packet_type_of(wire::EncryptionLevel level) {
  switch (level) {
    case wire::EncryptionLevel::initial: return "initial";
    case wire::EncryptionLevel::zero_rtt: return "0RTT";
    case wire::EncryptionLevel::handshake: return "handshake";
    case wire::EncryptionLevel::one_rtt: return "1RTT";
  }
  return "unknown";
}

const char* space_name(PacketNumberSpace space) {
  switch (space) {
    case PacketNumberSpace::initial: return "initial";
    case PacketNumberSpace::handshake: return "handshake";
    default: return "application_data";
  }
}

void write_versions(JsonWriter& w, const char* key, const wire::TransportParameters& p, std::uint32_t fallback) {
  w.key(key);
  w.begin_array();
  if (p.version_information && !p.version_information->available_versions().empty())
    for (std::uint32_t v : p.version_information->available_versions()) w.hex32(v);
  else
    w.hex32(fallback);
  w.end_array();
}

void log_connection_started(ConnectionState& s, Timestamp now) {
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:connection_started");
  const PathState& path = s.path();
  w.key("local");
  qlog::write_endpoint_info(w, path.tuple.local, &s.initial_scid);
  w.key("remote");
  qlog::write_endpoint_info(w, path.tuple.remote, &s.peer_cids[0].cid);
  s.qlog->trace.end_event();
}

// RFC 9000 §6 / RFC 9368: what this end offers and the version in use.
void log_version_information(ConnectionState& s, Timestamp now) {
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:version_information");
  const std::uint32_t version = static_cast<std::uint32_t>(s.version);
  write_versions(w, s.role == wire::Role::client ? "client_versions" : "server_versions", s.local_params, version);
  w.key("chosen_version");
  w.hex32(version);
  s.qlog->trace.end_event();
}

// RFC 9000 §6.2: after a Version Negotiation packet, the client's versions,
// the server's, and the version it continues with (none if it gave up).
void log_negotiation_outcome(ConnectionState& s, ByteSpan packet, Timestamp now) {
  auto vn = wire::parse_version_negotiation(packet);
  if (!vn) return;
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:version_information");
  write_versions(w, "client_versions", s.local_params, s.qlog->version);
  w.key("server_versions");
  w.begin_array();
  for (std::uint32_t v : vn->versions) w.hex32(v);
  w.end_array();
  if (!s.close_info.closed) {
    w.key("chosen_version");
    w.hex32(static_cast<std::uint32_t>(s.version));
  }
  s.qlog->trace.end_event();
}

void log_alpn_offer(ConnectionState& s, const crypto::TlsContext& tls, Timestamp now) {
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:alpn_information");
  w.key(s.role == wire::Role::client ? "client_alpns" : "server_alpns");
  w.begin_array();
  for (const gnutls_datum_t& d : tls.alpn_datums()) qlog::write_alpn(w, ByteSpan(d.data, d.size));
  w.end_array();
  s.qlog->trace.end_event();
}

void log_local_parameters(ConnectionState& s, Timestamp now) {
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:parameters_set");
  w.field("initiator", "local");
  qlog::write_transport_parameters(w, s.local_params);
  s.qlog->trace.end_event();
}

// RFC 9000 §7.4.1: a client attempting 0-RTT runs under remembered limits.
void log_parameters_restored(ConnectionState& s, Timestamp now) {
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:parameters_restored");
  qlog::write_transport_parameters(w, s.peer_params, /*restored=*/true);
  s.qlog->trace.end_event();
}

// RFC 9002 Appendix A.2 and B.2 constants as this connection uses them.
void log_recovery_parameters(ConnectionState& s, Timestamp now) {
  const PathState& path = recovery_path(s);
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:recovery_parameters_set");
  w.field("reordering_threshold", path.recovery->packet_threshold());
  w.field("time_threshold", static_cast<double>(kTimeThresholdNumerator) / kTimeThresholdDenominator);
  w.field("timer_granularity", std::uint64_t{1});
  w.field("initial_rtt", s.config.initial_rtt);
  w.field("max_datagram_size", std::uint64_t{path.max_datagram_size});
  w.field("initial_congestion_window", path.cc->congestion_window());
  w.field("minimum_congestion_window", 2 * std::uint64_t{path.max_datagram_size});
  w.field("persistent_congestion_threshold", std::uint64_t{kPersistentCongestionThreshold});
  w.field("congestion_control", congestion_control_algorithm_name(path.cc->algorithm()));
  s.qlog->trace.end_event();
}

// "handshake_started": the first Handshake packet sent or received.
void note_packet_level(ConnectionState& s, wire::EncryptionLevel level, Timestamp now) {
  ConnQlog& q = *s.qlog;
  if (level != wire::EncryptionLevel::handshake || q.state >= QlogConnectionState::handshake_started) return;
  JsonWriter& w = q.trace.begin_event(now, "quic:connection_state_updated");
  w.field("old", "attempted");
  w.field("new", "handshake_started");
  q.trace.end_event();
  q.state = QlogConnectionState::handshake_started;
}

void write_raw(JsonWriter& w, std::size_t length, std::size_t payload_length) {
  w.key("raw");
  w.begin_object();
  w.field("length", static_cast<std::uint64_t>(length));
  w.field("payload_length", static_cast<std::uint64_t>(payload_length));
  w.end_object();
}

void write_token(JsonWriter& w, const char* type, std::size_t length) {
  w.key("token");
  w.begin_object();
  if (type) w.field("type", type);
  w.key("raw");
  w.begin_object();
  w.field("length", static_cast<std::uint64_t>(length));
  w.end_object();
  w.end_object();
}

void write_long_header_ids(JsonWriter& w, std::uint32_t version, const wire::ConnectionId& scid,
                           const wire::ConnectionId& dcid) {
  w.key("version");
  w.hex32(version);
  w.key("scid");
  w.hex(scid.span());
  w.key("dcid");
  w.hex(dcid.span());
}

void write_sent_header(JsonWriter& w, const ConnectionState& s, const QlogSentPacket& p) {
  w.key("header");
  w.begin_object();
  w.field("packet_type", packet_type_of(p.level));
  w.field("packet_number", p.packet_number);
  w.field("packet_number_length", static_cast<std::uint64_t>(p.packet_number_length));
  const PeerCid* dcid = peer_cid_for(s, *p.path);
  const wire::ConnectionId none;
  if (p.level == wire::EncryptionLevel::one_rtt) {
    w.field("key_phase", s.one_rtt.key_phase());
    w.key("dcid");
    w.hex(dcid ? dcid->cid.span() : none.span());
  } else {
    write_long_header_ids(w, static_cast<std::uint32_t>(s.version), s.initial_scid, dcid ? dcid->cid : none);
    w.field("length", static_cast<std::uint64_t>(p.packet_number_length + p.payload.size() + kAeadTagLength));
    const bool client_initial = p.level == wire::EncryptionLevel::initial && s.role == wire::Role::client;
    if (client_initial && !s.retry_token.empty()) write_token(w, "retry", s.retry_token.size());
    else if (client_initial && !s.initial_token.empty()) write_token(w, "resumption", s.initial_token.size());
  }
  w.end_object();
}

std::uint64_t sent_ack_delay_exponent(const ConnectionState& s, PacketNumberSpace space) {
  return space == PacketNumberSpace::application_data ? s.local_params.ack_delay_exponent
                                                      : wire::kDefaultAckDelayExponent;
}

std::uint64_t received_ack_delay_exponent(const ConnectionState& s, wire::EncryptionLevel level) {
  const bool app = level == wire::EncryptionLevel::one_rtt || level == wire::EncryptionLevel::zero_rtt;
  return app && s.peer_params_received ? s.peer_params.ack_delay_exponent : wire::kDefaultAckDelayExponent;
}

void write_dropped_header(JsonWriter& w, const wire::PacketHeader& h) {
  w.key("header");
  w.begin_object();
  w.field("packet_type", wire::packet_type_name(h.type));
  if (h.is_long_header()) write_long_header_ids(w, h.version, h.scid, h.dcid);
  else {
    w.key("dcid");
    w.hex(h.dcid.span());
  }
  w.end_object();
}

// One STREAM or CRYPTO frame of a lost packet, from its sent-frame record.
void write_lost_range(JsonWriter& w, const SentFrameRecord& r) {
  w.begin_object();
  if (r.kind == SentFrameKind::stream) {
    w.field("frame_type", "stream");
    w.field("stream_id", r.a);
    w.field("offset", r.b);
    w.field("fin", r.fin);
  } else {
    w.field("frame_type", "crypto");
    w.field("offset", r.b);
  }
  w.key("raw");
  w.begin_object();
  w.field("length", r.c);
  w.end_object();
  w.end_object();
}

// The frames a lost packet carried, as far as its sent-frame records
// describe them completely (stream and CRYPTO ranges, ACK, HANDSHAKE_DONE,
// RETIRE_CONNECTION_ID).
void write_lost_frames(JsonWriter& w, const ConnectionState& s, std::uint32_t ref) {
  w.key("frames");
  w.begin_array();
  for (std::uint32_t i = ref; i != kNoFramesRef; i = s.sent_frames.at(i).next) {
    const SentFrameRecord& r = s.sent_frames.at(i);
    switch (r.kind) {
      case SentFrameKind::stream:
      case SentFrameKind::crypto: write_lost_range(w, r); break;
      case SentFrameKind::ack: qlog::write_frame_type_only(w, "ack"); break;
      case SentFrameKind::handshake_done: qlog::write_frame_type_only(w, "handshake_done"); break;
      case SentFrameKind::retire_connection_id:
        qlog::write_frame(w, wire::RetireConnectionIdFrame{r.a}, 0);
        break;
      default: break;
    }
  }
  w.end_array();
}

}  // namespace

void qlog_open(ConnectionState& s, const crypto::TlsContext& tls, Timestamp now) {
  if (!s.config.qlog) return;
  const QlogTraceInfo info{s.role, s.original_dcid.span()};
  std::unique_ptr<QlogSink> sink = s.config.qlog->open(info);
  if (!sink) return;  // this connection is not logged
  s.qlog = std::make_unique<ConnQlog>(std::move(sink), now);
  s.qlog->version = static_cast<std::uint32_t>(s.version);
  s.qlog->trace.write_header(info);
  log_connection_started(s, now);
  log_version_information(s, now);
  log_alpn_offer(s, tls, now);
  log_local_parameters(s, now);
  if (s.role == wire::Role::client && s.early_data_enabled) log_parameters_restored(s, now);
  log_recovery_parameters(s, now);
}

void qlog_packet_sent(ConnectionState& s, const QlogSentPacket& p, Timestamp now) {
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:packet_sent");
  write_sent_header(w, s, p);
  qlog::write_frames(w, p.payload, sent_ack_delay_exponent(s, p.space));
  write_raw(w, p.packet_length, p.payload.size());
  if (p.pmtu_probe) w.field("is_mtu_probe_packet", true);
  if (p.pto_probe) w.field("trigger", "pto_probe");
  s.qlog->trace.end_event();
  note_packet_level(s, p.level, now);
}

void qlog_packet_received(ConnectionState& s, const wire::PacketHeader& h, const crypto::UnprotectedPacket& o,
                          wire::EncryptionLevel level, std::size_t size, Timestamp now) {
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:packet_received");
  w.key("header");
  w.begin_object();
  w.field("packet_type", wire::packet_type_name(h.type));
  w.field("packet_number", o.packet_number);
  w.field("packet_number_length", static_cast<std::uint64_t>(o.pn_length));
  if (h.is_long_header()) {
    write_long_header_ids(w, h.version, h.scid, h.dcid);
    w.field("length", h.length);
    if (!h.token.empty()) write_token(w, nullptr, h.token.size());
  } else {
    w.field("key_phase_bit", (o.first_byte & 0x04) != 0);
    w.key("dcid");
    w.hex(h.dcid.span());
  }
  w.end_object();
  qlog::write_frames(w, o.payload, received_ack_delay_exponent(s, level));
  write_raw(w, size, o.payload.size());
  s.qlog->trace.end_event();
  note_packet_level(s, level, now);
}

void qlog_packet_received_unprotected(ConnectionState& s, const wire::PacketHeader& h, ByteSpan packet,
                                      Timestamp now) {
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:packet_received");
  w.key("header");
  w.begin_object();
  w.field("packet_type", wire::packet_type_name(h.type));
  write_long_header_ids(w, h.version, h.scid, h.dcid);
  if (h.type == wire::PacketType::retry) write_token(w, "retry", h.token.size());
  w.end_object();
  if (h.type == wire::PacketType::version_negotiation) {
    if (auto vn = wire::parse_version_negotiation(packet)) {
      w.key("supported_versions");
      w.begin_array();
      for (std::uint32_t v : vn->versions) w.hex32(v);
      w.end_array();
    }
  }
  w.key("raw");
  w.begin_object();
  w.field("length", static_cast<std::uint64_t>(packet.size()));
  w.end_object();
  s.qlog->trace.end_event();
  if (h.type == wire::PacketType::version_negotiation) log_negotiation_outcome(s, packet, now);
}

void qlog_packet_dropped(ConnectionState& s, const wire::PacketHeader* h, std::size_t size, const char* trigger,
                         Timestamp now) {
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:packet_dropped");
  if (h) write_dropped_header(w, *h);
  w.key("raw");
  w.begin_object();
  w.field("length", static_cast<std::uint64_t>(size));
  w.end_object();
  w.field("trigger", trigger);
  s.qlog->trace.end_event();
}

const char* qlog_undecryptable_trigger(const ConnectionState& s, const wire::PacketHeader& h) {
  bool keys = false;
  switch (h.type) {
    case wire::PacketType::initial:
    case wire::PacketType::handshake: {
      const PacketSpace& sp = *s.spaces[index_of(h.type == wire::PacketType::initial ? PacketNumberSpace::initial
                                                                                       : PacketNumberSpace::handshake)];
      keys = !sp.discarded && sp.rx.ready();
      break;
    }
    case wire::PacketType::zero_rtt: keys = s.role == wire::Role::server && s.zero_rtt_rx.ready(); break;
    case wire::PacketType::one_rtt: keys = s.one_rtt.installed() && s.one_rtt_hp_rx; break;
    default: break;
  }
  return keys ? "decryption_failure" : "key_unavailable";
}

void qlog_packet_lost(ConnectionState& s, const PathState& path, PacketNumberSpace space, const SentPacket& p,
                      Timestamp now) {
  JsonWriter& w = s.qlog->trace.begin_event(now, "quic:packet_lost");
  w.key("header");
  w.begin_object();
  const wire::EncryptionLevel level = space == PacketNumberSpace::initial     ? wire::EncryptionLevel::initial
                                      : space == PacketNumberSpace::handshake ? wire::EncryptionLevel::handshake
                                      : p.zero_rtt                            ? wire::EncryptionLevel::zero_rtt
                                                                              : wire::EncryptionLevel::one_rtt;
  w.field("packet_type", packet_type_of(level));
  w.field("packet_number", p.packet_number);
  w.end_object();
  write_lost_frames(w, s, p.frames_ref);
  if (p.pmtu_probe) w.field("is_mtu_probe_packet", true);
  // RFC 9002 §6.1.1: lost by packet threshold if enough later packets were
  // acknowledged, else by the time threshold (§6.1.2).
  const LossDetection& r = *path.recovery;
  const bool reordering =
      r.has_largest_acked(space) && r.largest_acked(space) >= p.packet_number + r.packet_threshold();
  w.field("trigger", reordering ? "reordering_threshold" : "time_threshold");
  s.qlog->trace.end_event();
}

void qlog_packets_acked(ConnectionState& s, PacketNumberSpace space, Timestamp now) {
  ConnQlog& q = *s.qlog;
  if (q.acked.empty()) return;
  JsonWriter& w = q.trace.begin_event(now, "quic:packets_acked");
  w.field("packet_number_space", space_name(space));
  w.key("packet_numbers");
  w.begin_array();
  for (std::uint64_t pn : q.acked) w.uint(pn);
  w.end_array();
  q.trace.end_event();
  q.acked.clear();
}

}  // namespace tquic::transport
