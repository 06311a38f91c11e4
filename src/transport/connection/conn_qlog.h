// qlog events of one connection (draft-ietf-quic-qlog-quic-events), on top
// of the formatter in transport/qlog/. A connection logs only if
// ConnectionConfig::qlog gave it a sink; then ConnectionState::qlog is set
// and every event site is `if (s.qlog) qlog_...(s, ...)`: one predictable
// branch when qlog is off, nothing formatted.
//
// Two kinds of events:
//  - at the event site: packet_sent, packet_received, packet_dropped,
//    packet_lost, packets_acked (and the handshake_started state, which the
//    first Handshake packet defines);
//  - derived from state at the end of every API call (qlog_sync), so the
//    protocol code carries no logging: connection_state_updated,
//    connection_closed, parameters_set (remote), alpn_information,
//    version_information, key_updated / key_discarded,
//    recovery_metrics_updated (only fields that changed),
//    congestion_state_updated, tuple_assigned, migration_state_updated,
//    mtu_updated.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "crypto/packet_protection.h"
#include "crypto/tls/tls_context.h"
#include "transport/connection/conn_state.h"
#include "transport/qlog/qlog_trace.h"
#include "wire/packet_header.h"

namespace tquic::transport {

// qlog BaseConnectionStates and GranularConnectionStates, in the order a
// connection passes through them.
enum class QlogConnectionState : std::uint8_t {
  attempted,
  handshake_started,
  handshake_complete,
  handshake_confirmed,
  closing,
  draining,
  closed,
};

// Recovery metrics as last logged.
struct QlogMetrics {
  Duration min_rtt{-1};
  Duration smoothed_rtt{-1};
  Duration latest_rtt{-1};
  Duration rtt_variance{-1};
  std::uint64_t pto_count = ~std::uint64_t{0};
  std::uint64_t congestion_window = ~std::uint64_t{0};
  std::uint64_t bytes_in_flight = ~std::uint64_t{0};
  std::uint64_t ssthresh = ~std::uint64_t{0};
  std::uint64_t pacing_rate = ~std::uint64_t{0};
};

// A path as last logged.
struct QlogPathView {
  bool present = false;
  std::uint64_t id = 0;
  bool validating = false;
  bool validated = false;
  std::uint16_t max_datagram_size = 0;
};

struct ConnQlog {
  ConnQlog(std::unique_ptr<QlogSink> sink, Timestamp now) : trace(std::move(sink), now) { acked.reserve(256); }

  qlog::QlogTrace trace;
  QlogConnectionState state = QlogConnectionState::attempted;
  bool closed_logged = false;
  bool peer_params_logged = false;
  bool alpn_logged = false;
  std::uint32_t version = 0;
  std::uint32_t keys = 0;            // KeyBit mask of the keys installed
  std::uint64_t key_phase = 0;
  bool local_key_update = false;     // the next phase change was ours
  std::array<QlogPathView, kMaxPaths> paths{};
  std::size_t active_path = 0;
  bool migrating = false;
  QlogMetrics metrics;
  std::string_view cc_state;
  std::vector<std::uint64_t> acked;  // packets_acked of the ACK being processed
};

// What the send path knows about a packet it is about to seal.
struct QlogSentPacket {
  wire::EncryptionLevel level = wire::EncryptionLevel::initial;
  PacketNumberSpace space = PacketNumberSpace::initial;
  std::uint64_t packet_number = 0;
  std::size_t packet_number_length = 0;
  std::size_t packet_length = 0;   // header + payload + AEAD tag
  ByteSpan payload;                // plaintext frames
  const PathState* path = nullptr;
  bool pmtu_probe = false;
  bool pto_probe = false;
};

// At creation, once the connection's IDs, path and local parameters exist:
// asks the factory for a sink and logs the trace header, connection_started,
// version/ALPN information, local parameters_set, recovery_parameters_set.
void qlog_open(ConnectionState& s, const crypto::TlsContext& tls, Timestamp now);
// The derived events (see above). Call at the end of every API call.
void qlog_sync(ConnectionState& s, Timestamp now);
// recovery_metrics_updated / congestion_state_updated if anything changed.
void qlog_metrics(ConnectionState& s, Timestamp now);

void qlog_packet_sent(ConnectionState& s, const QlogSentPacket& p, Timestamp now);
void qlog_packet_received(ConnectionState& s, const wire::PacketHeader& h, const crypto::UnprotectedPacket& o,
                          wire::EncryptionLevel level, std::size_t size, Timestamp now);
// Retry or Version Negotiation that the connection acted upon.
void qlog_packet_received_unprotected(ConnectionState& s, const wire::PacketHeader& h, ByteSpan packet,
                                      Timestamp now);
// `h` may be null (header did not parse). Triggers: the QUICPacketDropped
// values ("invalid", "duplicate", "decryption_failure", ...).
void qlog_packet_dropped(ConnectionState& s, const wire::PacketHeader* h, std::size_t size, const char* trigger,
                         Timestamp now);
// The drop trigger for a packet whose payload did not open.
const char* qlog_undecryptable_trigger(const ConnectionState& s, const wire::PacketHeader& h);

void qlog_packet_lost(ConnectionState& s, const PathState& path, PacketNumberSpace space, const SentPacket& p,
                      Timestamp now);
inline void qlog_packet_acked(ConnectionState& s, const SentPacket& p) { s.qlog->acked.push_back(p.packet_number); }
void qlog_packets_acked(ConnectionState& s, PacketNumberSpace space, Timestamp now);

}  // namespace tquic::transport
