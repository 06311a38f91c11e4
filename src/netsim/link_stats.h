// Per-link counters and the determinism trace hash. Plain fields owned by
// the link's single user (HOTPATH.md rule 8).
//
// Invariant: offered + duplicated == delivered + dropped_total() + in flight.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace tquic::sim {

enum class DropReason : std::uint8_t {
  none = 0,    // not dropped: queued
  blackhole,   // link dark (config or schedule)
  mtu,         // larger than the link MTU (or kMaxDatagramBytes)
  mask,        // listed in LinkConfig::drop_indices
  loss,        // Bernoulli loss
  burst_loss,  // Gilbert-Elliott loss
  queue_full,  // bottleneck queue tail drop
  no_buffer,   // the link's packet store is exhausted
  aqm,         // Not-ECT datagram above the ECN marking threshold
};
inline constexpr std::size_t kDropReasonCount = 9;

// "blackhole", "mtu", ... ("none" for DropReason::none).
const char* drop_reason_name(DropReason reason);

struct LinkStats {
  std::uint64_t offered = 0;          // datagrams given to enqueue()
  std::uint64_t bytes_offered = 0;
  std::uint64_t delivered = 0;        // copies handed out (duplicates included)
  std::uint64_t bytes_delivered = 0;
  std::uint64_t duplicated = 0;       // extra copies created
  std::uint64_t corrupted = 0;        // copies with a changed byte
  std::uint64_t reordered = 0;        // copies held back by the reorder delay
  std::uint64_t ce_marked = 0;        // copies marked CE by the marking threshold
  std::uint64_t ecn_bleached = 0;     // datagrams whose ECN field was cleared
  std::uint64_t ecn_mangled = 0;      // datagrams rewritten from ECT(0) to ECT(1)
  std::array<std::uint64_t, kDropReasonCount> dropped{};  // by DropReason
  std::uint64_t max_queue_bytes = 0;  // bottleneck high-water mark
  std::uint64_t max_queue_packets = 0;
  // Running hash of every drop / delivery / corruption (what, which index,
  // when): equal seeds and inputs give equal hashes.
  std::uint64_t trace_hash = 0xcbf29ce484222325ULL;

  std::uint64_t drops(DropReason reason) const { return dropped[static_cast<std::size_t>(reason)]; }
  std::uint64_t dropped_total() const {
    std::uint64_t sum = 0;
    for (std::uint64_t d : dropped) sum += d;
    return sum;
  }
};

// Folds one 64-bit word into a trace hash (FNV-1a over the word's bytes).
constexpr std::uint64_t trace_mix(std::uint64_t hash, std::uint64_t word) {
  for (int i = 0; i < 8; ++i) {
    hash ^= (word >> (8 * i)) & 0xff;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace tquic::sim
