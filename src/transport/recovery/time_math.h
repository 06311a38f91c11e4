// Saturating arithmetic on Timestamp / Duration for the recovery code.
//
// Timer values are derived from peer-influenced numbers (ACK Delay, RTT
// samples) and multiplied by exponential backoff; none of that may overflow
// the 64-bit nanosecond representation (which would be undefined behaviour).
// Results saturate at kTimeInfinite / kDurationInfinite instead.
#pragma once

#include <cstdint>
#include <limits>

#include "base/time.h"

namespace tquic::transport {

inline constexpr std::int64_t kNsMax = std::numeric_limits<std::int64_t>::max();
inline constexpr std::int64_t kNsMin = std::numeric_limits<std::int64_t>::min();

constexpr Timestamp saturating_add(Timestamp t, Duration d) {
  if (d <= Duration::zero()) return t;
  if (to_ns(t) >= kNsMax - d.count()) return kTimeInfinite;
  return t + d;
}

constexpr Timestamp saturating_sub(Timestamp t, Duration d) {
  if (d <= Duration::zero()) return t;
  if (to_ns(t) <= kNsMin + d.count()) return Timestamp::min();
  return t - d;
}

constexpr Duration saturating_add(Duration a, Duration b) {
  if (b > Duration::zero() && a > kDurationInfinite - b) return kDurationInfinite;
  return a + b;
}

// d * 2^exponent, saturating (PTO backoff, RFC 9002 §6.2.1).
constexpr Duration saturating_shift(Duration d, std::uint32_t exponent) {
  for (std::uint32_t i = 0; i < exponent; ++i) {
    if (d > kDurationInfinite / 2) return kDurationInfinite;
    d *= 2;
  }
  return d;
}

constexpr Duration saturating_mul(Duration d, std::int64_t factor) {
  if (factor <= 0 || d <= Duration::zero()) return Duration::zero();
  if (d.count() > kDurationInfinite.count() / factor) return kDurationInfinite;
  return d * factor;
}

// Non-negative elapsed time between two timestamps (clock steps backwards or
// caller misuse yield zero, never a negative RTT).
constexpr Duration elapsed_since(Timestamp earlier, Timestamp later) {
  if (later <= earlier) return Duration::zero();
  const std::int64_t a = to_ns(earlier);
  if (a < 0 && to_ns(later) > kNsMax + a) return kDurationInfinite;
  return later - earlier;
}

}  // namespace tquic::transport
