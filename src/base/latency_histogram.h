// An HDR-style latency histogram (log-linear buckets, fixed memory): values
// below 2^kSubBucketBits are counted exactly; above that every power-of-two
// range is split into 2^(kSubBucketBits-1) equal buckets, so a bucket is at
// most 1/2^(kSubBucketBits-1) (0.79 %) of its values wide. Recording is a
// few shifts and one increment: no allocation, no branch on the sample
// count. Values above kMaxTrackable saturate into the last bucket (min, max
// and mean stay exact). Units are the caller's (tquic perf uses ns).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace tquic {

class LatencyHistogram {
 public:
  static constexpr unsigned kSubBucketBits = 8;                   // 256 exact values, then 128 per octave
  static constexpr unsigned kMaxValueBits = 44;                   // ~4.9 hours in ns
  static constexpr std::uint64_t kMaxTrackable = (std::uint64_t{1} << kMaxValueBits) - 1;
  static constexpr std::size_t kSubBuckets = std::size_t{1} << kSubBucketBits;
  static constexpr std::size_t kHalf = kSubBuckets / 2;
  static constexpr std::size_t kBuckets = kSubBuckets + (kMaxValueBits - kSubBucketBits) * kHalf;

  void record(std::uint64_t value);
  // Adds every sample of `other` (histograms of several connections).
  void merge(const LatencyHistogram& other);
  void reset();

  std::uint64_t count() const { return count_; }
  std::uint64_t min() const { return count_ ? min_ : 0; }
  std::uint64_t max() const { return max_; }
  double mean() const;
  // The smallest bucket value v such that at least `percentile` % of the
  // samples are <= v, reported as the bucket's highest value (clamped to
  // [min(), max()]), as HdrHistogram does. 0 when empty, min() for
  // percentile <= 0; above 100 it is 100.
  std::uint64_t value_at_percentile(double percentile) const;

  // The bucket a value falls into, and the bucket's value range (tests).
  static std::size_t bucket_index(std::uint64_t value);
  static std::uint64_t bucket_lowest(std::size_t index);
  static std::uint64_t bucket_highest(std::size_t index);

 private:
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t min_ = 0;
  std::uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace tquic
