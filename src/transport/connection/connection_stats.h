// Counters and gauges of one connection, for `tquic show`, qlog and the
// transfer summary. Plain fields, updated by the owning thread.
#pragma once

#include <cstdint>

#include "base/time.h"

namespace tquic::transport {

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
};

}  // namespace tquic::transport
