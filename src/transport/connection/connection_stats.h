// Counters and gauges of one connection, for `tquic show`, qlog and the
// transfer summary. Plain fields, updated by the owning thread.
#pragma once

#include <cstdint>

#include "base/time.h"
#include "transport/recovery/ecn_validator.h"

namespace tquic::transport {

// What became of the server's preferred_address (RFC 9000 §9.6).
enum class PreferredAddressStatus : std::uint8_t {
  none,        // server: none offered; client: none received
  offered,     // server: sent in its transport parameters; client: received,
               // to be used once the handshake is confirmed
  ignored,     // client: not of our address family, or ClientOptions disabled it
  validating,  // client: PATH_CHALLENGE sent there, waiting for the response
  migrated,    // client: validated and in use; server: the client moved there
  failed,      // client: validation failed, the original path stays in use
};

struct ConnectionStats {
  std::uint64_t packets_sent = 0;
  std::uint64_t packets_received = 0;
  std::uint64_t packets_lost = 0;
  std::uint64_t packets_retransmitted = 0;  // packets carrying retransmitted data
  std::uint64_t packets_dropped = 0;        // undecryptable, duplicate, malformed header
  std::uint64_t bytes_sent = 0;             // UDP payload bytes
  std::uint64_t bytes_received = 0;
  std::uint64_t stream_bytes_sent = 0;      // new stream data (no retransmissions)
  std::uint64_t stream_bytes_received = 0;
  std::uint64_t pto_count = 0;
  std::uint64_t key_updates = 0;
  Duration smoothed_rtt{};
  Duration min_rtt{};
  Duration latest_rtt{};
  std::uint64_t congestion_window = 0;
  std::uint64_t bytes_in_flight = 0;
  std::uint64_t pacing_rate = 0;
  std::uint16_t max_datagram_size = 0;
  std::uint64_t qlog_records = 0;  // qlog records written (0 when qlog is off)
  // ECN (RFC 9000 §13.4): packets we sent with ECT(0), the CE increase the
  // peer reported in validated ACK frames, the marks on packets we received
  // (all spaces), and the validation of the active path.
  std::uint64_t ecn_ect0_sent = 0;
  std::uint64_t ecn_ce_reported = 0;
  std::uint64_t ecn_congestion_events = 0;    // ACK frames whose CE increase went to congestion control
  std::uint64_t ecn_ect0_received = 0;
  std::uint64_t ecn_ect1_received = 0;
  std::uint64_t ecn_ce_received = 0;
  std::uint64_t ecn_validation_failures = 0;  // paths whose validation failed
  EcnValidationState ecn_state = EcnValidationState::disabled;
  EcnFailure ecn_failure = EcnFailure::none;
  // Versions (RFC 9368): the first Initial's version (before any Version
  // Negotiation packet) and the version in use.
  std::uint32_t original_version = 0;
  std::uint32_t negotiated_version = 0;
  bool version_negotiation_received = false;  // client: a VN packet made it retry
  PreferredAddressStatus preferred_address = PreferredAddressStatus::none;
};

}  // namespace tquic::transport
