#include "runtime/clock.h"

#include <time.h>

namespace tquic::runtime {

Timestamp monotonic_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return timestamp_from_ns(static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec);
}

std::uint64_t unix_seconds_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return ts.tv_sec > 0 ? static_cast<std::uint64_t>(ts.tv_sec) : 0;
}

std::uint64_t unix_seconds_at_monotonic_zero() {
  const std::uint64_t mono_s = static_cast<std::uint64_t>(to_ns(monotonic_now()) / 1'000'000'000);
  const std::uint64_t wall = unix_seconds_now();
  return wall > mono_s ? wall - mono_s : 0;
}

}  // namespace tquic::runtime
