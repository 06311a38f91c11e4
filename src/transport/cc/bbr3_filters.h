// Filters of the BBR path model (draft-ietf-ccwg-bbr sections 4.5.2-4.5.5):
//  - MaxBwFilter: max delivery rate over the current and the previous
//    ProbeBW cycle (MaxBwFilterLen = 2 cycles);
//  - WindowedMaxFilter: Kathleen Nichols' windowed max over "time" units
//    (here packet-timed rounds), used for the ACK-aggregation estimate;
//  - MinRttFilter: min_rtt over 10 s plus the 5 s ProbeRTT schedule.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "base/time.h"

namespace tquic::transport {

class MaxBwFilter {
 public:
  void update(std::uint64_t bw) { slots_[1] = std::max(slots_[1], bw); }
  // BBRAdvanceMaxBwFilter: a new cycle begins; the oldest cycle drops out.
  void advance() {
    slots_[0] = slots_[1];
    slots_[1] = 0;
  }
  std::uint64_t get() const { return std::max(slots_[0], slots_[1]); }

 private:
  std::array<std::uint64_t, 2> slots_{};
};

class WindowedMaxFilter {
 public:
  explicit WindowedMaxFilter(std::uint64_t window) : window_(window) {}

  std::uint64_t update(std::uint64_t value, std::uint64_t time);
  std::uint64_t get() const { return best_[0].value; }
  void reset(std::uint64_t value, std::uint64_t time) { best_.fill(Sample{value, time}); }

 private:
  struct Sample {
    std::uint64_t value = 0;
    std::uint64_t time = 0;
  };
  std::uint64_t window_;
  std::array<Sample, 3> best_{};  // best, second best, third best
};

class MinRttFilter {
 public:
  static constexpr Duration kMinRttFilterLen = 10s;
  static constexpr Duration kProbeRttInterval = 5s;

  void init(Timestamp now) {
    min_rtt_stamp_ = now;
    probe_rtt_min_stamp_ = now;
  }
  // BBRUpdateMinRTT with rs.rtt (skipped when `valid` is false).
  void update(Timestamp now, Duration rtt, bool valid);
  // ProbeRTT finished: the next one is due kProbeRttInterval from now.
  void schedule_next_probe_rtt(Timestamp now) { probe_rtt_min_stamp_ = now; }

  Duration min_rtt() const { return min_rtt_; }
  bool has_min_rtt() const { return min_rtt_ != Duration::max(); }
  Timestamp min_rtt_stamp() const { return min_rtt_stamp_; }
  Timestamp probe_rtt_min_stamp() const { return probe_rtt_min_stamp_; }
  // True on the ACK at which the 5 s ProbeRTT interval ran out.
  bool probe_rtt_expired() const { return probe_rtt_expired_; }

 private:
  Duration min_rtt_ = Duration::max();
  Timestamp min_rtt_stamp_{};
  Duration probe_rtt_min_delay_ = Duration::max();
  Timestamp probe_rtt_min_stamp_{};
  bool probe_rtt_expired_ = false;
};

}  // namespace tquic::transport
