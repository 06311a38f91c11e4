#include "base/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace tquic {

std::size_t LatencyHistogram::bucket_index(std::uint64_t value) {
  value = std::min(value, kMaxTrackable);
  if (value < kSubBuckets) return static_cast<std::size_t>(value);
  // `shift` >= 1: the value keeps its top kSubBucketBits bits, whose
  // leading one puts the mantissa in [kHalf, kSubBuckets).
  const unsigned shift = static_cast<unsigned>(std::bit_width(value)) - kSubBucketBits;
  const std::uint64_t mantissa = value >> shift;
  return kSubBuckets + (shift - 1) * kHalf + static_cast<std::size_t>(mantissa - kHalf);
}

std::uint64_t LatencyHistogram::bucket_lowest(std::size_t index) {
  if (index < kSubBuckets) return index;
  const std::size_t above = index - kSubBuckets;
  const unsigned shift = static_cast<unsigned>(above / kHalf) + 1;
  const std::uint64_t mantissa = kHalf + above % kHalf;
  return mantissa << shift;
}

std::uint64_t LatencyHistogram::bucket_highest(std::size_t index) {
  if (index < kSubBuckets) return index;
  const unsigned shift = static_cast<unsigned>((index - kSubBuckets) / kHalf) + 1;
  return bucket_lowest(index) + (std::uint64_t{1} << shift) - 1;
}

void LatencyHistogram::record(std::uint64_t value) {
  ++counts_[bucket_index(value)];
  min_ = count_ == 0 ? value : std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += static_cast<long double>(value);
  ++count_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
  count_ += other.count_;
}

void LatencyHistogram::reset() { *this = LatencyHistogram{}; }

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_ / static_cast<long double>(count_));
}

std::uint64_t LatencyHistogram::value_at_percentile(double percentile) const {
  if (count_ == 0) return 0;
  if (percentile <= 0) return min_;
  const double p = std::clamp(percentile, 0.0, 100.0);
  // The rank of the sample sought, 1-based: at least the first one (the
  // epsilon keeps 99.9 % of 1000 at rank 999 despite rounding).
  const auto wanted = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_) - 1e-9)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= wanted) return std::clamp(bucket_highest(i), min_, max_);
  }
  return max_;
}

}  // namespace tquic
