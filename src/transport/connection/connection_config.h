// Everything a connection is configured with. Set once at creation; the
// defaults are what a demanding user would pick for a bulk-transfer or
// tunnel endpoint on a modern path.
#pragma once

#include <cstdint>
#include <vector>

#include "base/net_address.h"
#include "base/time.h"
#include "transport/cc/congestion_controller.h"
#include "transport/qlog/qlog_sink.h"
#include "wire/version.h"

namespace tquic::transport {

struct ConnectionConfig {
  // --- flow control we advertise (RFC 9000 §18.2); windows auto-tune up
  //     to the max_* caps as the measured bandwidth-delay product grows ---
  std::uint64_t initial_max_data = 4u << 20;
  std::uint64_t max_connection_window = 64u << 20;
  std::uint64_t initial_max_stream_data = 1u << 20;   // bidi local/remote and uni
  std::uint64_t max_stream_window = 16u << 20;
  std::uint64_t initial_max_streams_bidi = 128;
  std::uint64_t initial_max_streams_uni = 128;
  std::uint64_t max_send_buffer_per_stream = 4u << 20;  // app backpressure

  // --- timers ---
  Duration max_idle_timeout = 30s;
  Duration keep_alive_interval = 0s;    // 0: off; else PING when idle this long
  Duration max_ack_delay = 25ms;
  std::uint8_t ack_delay_exponent = 3;
  Duration initial_rtt = 333ms;         // RFC 9002 kInitialRtt

  // --- connection IDs and paths ---
  std::uint64_t active_connection_id_limit = 4;
  bool disable_active_migration = false;
  // Server: addresses offered in preferred_address (RFC 9000 §9.6); a
  // default (family none) address is not offered. The server must receive
  // on them: the runtime binds them, the connection accepts packets there.
  NetAddress preferred_address_ipv4;
  NetAddress preferred_address_ipv6;

  // --- datagram sizes (HOTPATH rule 13: from the path, 1200 is the floor) ---
  std::uint64_t max_udp_payload_size = 65527;  // what we accept
  std::uint16_t initial_max_datagram_size = 1200;
  std::uint16_t max_datagram_size_ceiling = 1452;  // DPLPMTUD search ceiling
  bool enable_pmtud = true;

  // --- ECN (RFC 9000 §13.4): received marks are always counted and
  //     reported; this decides whether we mark (and validate) our packets ---
  bool enable_ecn = true;

  // --- extensions ---
  std::uint64_t max_datagram_frame_size = 0;  // RFC 9221; 0 disables DATAGRAM
  std::uint32_t datagram_queue_bytes = 256u << 10;  // per direction, allocated at setup when enabled
  std::uint16_t datagram_queue_entries = 256;

  // --- algorithms ---
  CongestionControlAlgorithm congestion_control = CongestionControlAlgorithm::cubic;
  // --- versions (RFC 9368) ---
  // Client: the version of the first Initial (the Original Version); it
  // must be one of `versions`.
  std::uint32_t version = wire::kQuicVersion1;
  // Versions spoken, most preferred first. Client: offered in
  // version_information (compatible ones) and the choice after a Version
  // Negotiation packet. Server: the compatible version it switches to
  // (the endpoint sets this from EndpointConfig::versions).
  std::vector<std::uint32_t> versions = {wire::kQuicVersion1, wire::kQuicVersion2};

  std::uint16_t gso_segments = 44;  // most packets per write_train() call (44 x 1452 B: one 64 KB GSO send)

  // --- observability ---
  // qlog (docs/QLOG.md): asked once per connection for a sink; nullptr (or
  // a factory returning nullptr) means no qlog. Not owned; must outlive
  // the connections.
  QlogSinkFactory* qlog = nullptr;
};

}  // namespace tquic::transport
