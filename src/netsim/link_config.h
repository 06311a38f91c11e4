// What one direction of an emulated link does to the datagrams offered to it.
//
// Order of effects for each offered datagram (see link.h):
//   ECN rewrite -> blackhole -> MTU -> exact drop list -> Bernoulli loss ->
//   Gilbert-Elliott loss -> bottleneck queue (tail drop, then the ECN
//   marking threshold) -> corruption -> serialisation at `rate_bps` ->
//   propagation `delay` + jitter (+ reorder delay)
// and, independently, a duplicate copy that takes the same way from the
// queue on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/result.h"
#include "base/time.h"

namespace tquic::sim {

// Largest datagram a link accepts (the UDP payload limit); anything larger
// is dropped with DropReason::mtu whatever the configured MTU.
inline constexpr std::size_t kMaxDatagramBytes = 65535;
// Fastest rate a link can emulate (keeps the serialisation arithmetic exact
// in 64 bits): 1 Pbit/s.
inline constexpr std::uint64_t kMaxRateBps = 1'000'000'000'000'000ULL;
// Longest delay/jitter accepted, so virtual time never overflows.
inline constexpr Duration kMaxLinkDelay = std::chrono::hours(24);

// Gilbert-Elliott two-state loss (bursty). Before each datagram the chain
// moves good->bad with p_good_to_bad or bad->good with p_bad_to_good; the
// datagram is then lost with loss_in_bad / loss_in_good of the new state.
// Mean burst length (loss_in_bad = 1) is 1 / p_bad_to_good; the long-run
// loss rate is p_good_to_bad / (p_good_to_bad + p_bad_to_good).
struct GilbertElliott {
  double p_good_to_bad = 0.0;  // 0 disables the model
  double p_bad_to_good = 1.0;
  double loss_in_bad = 1.0;
  double loss_in_good = 0.0;

  bool enabled() const { return p_good_to_bad > 0.0 || loss_in_good > 0.0; }
};

// What a middlebox at the link's entrance does to the ECN field (RFC 3168
// codepoints in the low two bits: 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE).
enum class EcnRewrite : std::uint8_t {
  none,    // leave it
  bleach,  // clear it to Not-ECT (a router that zeroes the TOS byte)
  mangle,  // rewrite ECT(0) to ECT(1) (a broken remarking device)
};

// ECN codepoints as the link sees them.
inline constexpr std::uint8_t kNotEct = 0;
inline constexpr std::uint8_t kEct1 = 1;
inline constexpr std::uint8_t kEct0 = 2;
inline constexpr std::uint8_t kEcnCe = 3;

struct LinkConfig {
  std::uint64_t rate_bps = 0;             // bottleneck rate; 0 = unlimited (no queue)
  Duration delay{0};                      // propagation delay, the floor of every delivery
  Duration jitter{0};                     // extra delay, uniform in [0, jitter]
  bool jitter_preserves_order = false;    // true: jitter never lets a datagram overtake
  std::size_t queue_limit_bytes = 0;      // bottleneck queue (incl. the one on the wire); 0 = unlimited
  double loss = 0.0;                      // Bernoulli loss probability
  GilbertElliott burst_loss{};            // bursty loss, applied after `loss`
  std::vector<std::uint64_t> drop_indices{};  // exact 0-based offer indices to drop
  double reorder = 0.0;                   // probability a datagram is held back...
  Duration reorder_delay = std::chrono::milliseconds(10);  // ...by this much extra
  double duplicate = 0.0;                 // probability of a second copy
  double corrupt = 0.0;                   // probability one random byte is changed
  std::size_t mtu = 0;                    // largest datagram (UDP payload bytes); 0 = no limit
  bool blackhole = false;                 // drop everything offered
  EcnRewrite ecn_rewrite = EcnRewrite::none;  // applied before anything else
  // Step-marking AQM (DCTCP-style threshold K, RFC 3168 "mark instead of
  // drop"): a datagram arriving to find at least this many datagrams in the
  // bottleneck queue is marked CE if it is ECN-capable (ECT(0), ECT(1) or
  // CE) and dropped (DropReason::aqm) if it is Not-ECT. 0 = off; needs
  // rate_bps > 0. The tail drop at queue_limit_bytes still applies to all.
  std::size_t ce_threshold_packets = 0;

  // Checks ranges (probabilities in [0,1], durations in [0, kMaxLinkDelay],
  // rate <= kMaxRateBps). Every reason is a predicate on the named field.
  Status validate() const;
};

}  // namespace tquic::sim
