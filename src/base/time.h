// Time in the sans-I/O core. The core never reads a clock: every timestamp
// comes from the caller (a real clock in the runtime, a virtual one in the
// simulator). QuicClock is only a tag that gives timestamps a distinct type;
// it deliberately has no now().
#pragma once

#include <chrono>
#include <cstdint>

namespace tquic {

struct QuicClock {
  using duration = std::chrono::nanoseconds;
  using rep = duration::rep;
  using period = duration::period;
  using time_point = std::chrono::time_point<QuicClock, duration>;
  static constexpr bool is_steady = true;
};

using Duration = std::chrono::nanoseconds;
using Timestamp = QuicClock::time_point;

inline constexpr Timestamp kTimeZero{};
inline constexpr Timestamp kTimeInfinite = Timestamp::max();
inline constexpr Duration kDurationInfinite = Duration::max();

constexpr Timestamp timestamp_from_ns(std::int64_t ns) { return Timestamp(Duration(ns)); }
constexpr std::int64_t to_ns(Timestamp t) { return t.time_since_epoch().count(); }
constexpr std::int64_t to_us(Duration d) {
  return std::chrono::duration_cast<std::chrono::microseconds>(d).count();
}

using namespace std::chrono_literals;  // 25ms, 1s, ... in core code and tests

}  // namespace tquic
