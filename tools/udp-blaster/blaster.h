// The loopback UDP ceiling: a sender thread sends GSO trains (UDP_SEGMENT)
// to a receiver thread that reads them coalesced (UDP_GRO + recvmmsg), each
// pinned to its CPU. What QUIC over the same sockets could reach at best.
#pragma once

#include <cstdint>
#include <string>

#include "options.h"

namespace tquic::blaster {

struct BlasterReport {
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::uint64_t sends = 0;            // GSO send calls
  std::uint64_t receives = 0;         // coalesced datagrams read (GRO buffers)
  std::uint64_t segments_received = 0;
  double seconds = 0;                 // first to last received datagram
  double sender_cpu_seconds = 0;
  double receiver_cpu_seconds = 0;
  double gbit_per_second() const {
    return seconds > 0 ? static_cast<double>(bytes_received) * 8 / seconds / 1e9 : 0;
  }
};

// Runs one transfer. On failure returns false with `error` set to one line.
bool run_blaster(const BlasterOptions& options, BlasterReport& report, std::string& error);

}  // namespace tquic::blaster
