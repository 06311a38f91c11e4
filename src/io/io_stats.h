// Per-engine counters: plain fields, written by the owning thread only,
// summed by whoever reads them (HOTPATH.md rule 8).
#pragma once

#include <cstdint>

namespace tquic::io {

struct IoStats {
  std::uint64_t rx_syscalls = 0;
  std::uint64_t rx_buffers = 0;      // datagrams or GRO buffers returned by the kernel
  std::uint64_t rx_segments = 0;     // QUIC datagrams after GRO splitting
  std::uint64_t rx_bytes = 0;
  std::uint64_t rx_truncated = 0;    // MSG_TRUNC: larger than our buffer, dropped
  std::uint64_t tx_syscalls = 0;
  std::uint64_t tx_messages = 0;     // sendmsg units (a GSO train counts once)
  std::uint64_t tx_segments = 0;
  std::uint64_t tx_bytes = 0;
  std::uint64_t tx_blocked = 0;      // socket buffer full (EAGAIN)
  std::uint64_t tx_dropped_emsgsize = 0;    // larger than the route MTU (PMTU probe)
  std::uint64_t tx_dropped_unreachable = 0; // ICMP-reported errors
  std::uint64_t gso_fallbacks = 0;   // GSO failed on this route: now sending segments
};

}  // namespace tquic::io
