// LatencyHistogram: bucket layout (exact below 2^kSubBucketBits, bounded
// relative width above), percentiles against a sorted reference, merge,
// saturation and the empty histogram.
#include "base/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace tquic {
namespace {

using H = LatencyHistogram;

TEST(LatencyHistogram, SmallValuesAreExact) {
  for (std::uint64_t v = 0; v < H::kSubBuckets; ++v) {
    EXPECT_EQ(H::bucket_index(v), v);
    EXPECT_EQ(H::bucket_lowest(v), v);
    EXPECT_EQ(H::bucket_highest(v), v);
  }
}

TEST(LatencyHistogram, BucketsTileTheRangeWithBoundedWidth) {
  // Consecutive buckets are adjacent, and each holds the values of its range.
  for (std::size_t i = 1; i < H::kBuckets; ++i) {
    ASSERT_EQ(H::bucket_lowest(i), H::bucket_highest(i - 1) + 1) << i;
    ASSERT_EQ(H::bucket_index(H::bucket_lowest(i)), i);
    ASSERT_EQ(H::bucket_index(H::bucket_highest(i)), i);
    const double width = static_cast<double>(H::bucket_highest(i) - H::bucket_lowest(i) + 1);
    if (i < H::kSubBuckets) continue;  // exact values: width 1
    ASSERT_LE(width / static_cast<double>(H::bucket_lowest(i)), 1.0 / static_cast<double>(H::kHalf) + 1e-12) << i;
  }
  EXPECT_EQ(H::bucket_highest(H::kBuckets - 1), H::kMaxTrackable);
  EXPECT_EQ(H::bucket_index(UINT64_MAX), H::kBuckets - 1) << "saturates";
}

TEST(LatencyHistogram, EmptyReportsZeros) {
  H h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.value_at_percentile(50), 0u);
}

TEST(LatencyHistogram, PercentilesMatchASortedReferenceWithinOneBucket) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(12.0, 1.5);  // ~160 us median, long tail
  H h;
  std::vector<std::uint64_t> ref;
  for (int i = 0; i < 20000; ++i) {
    const auto v = static_cast<std::uint64_t>(dist(rng));
    h.record(v);
    ref.push_back(v);
  }
  std::sort(ref.begin(), ref.end());
  EXPECT_EQ(h.count(), ref.size());
  EXPECT_EQ(h.min(), ref.front());
  EXPECT_EQ(h.max(), ref.back());
  for (double p : {1.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
    const std::size_t rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(ref.size()) - 1e-9));
    const std::uint64_t exact = ref[std::max<std::size_t>(rank, 1) - 1];
    const std::uint64_t got = h.value_at_percentile(p);
    EXPECT_GE(got, exact) << p;
    EXPECT_EQ(H::bucket_index(std::min(got, H::bucket_highest(H::bucket_index(exact)))), H::bucket_index(exact))
        << "p" << p << ": " << got << " vs exact " << exact;
  }
}

TEST(LatencyHistogram, PercentilesAreOrderedAndClampedToMinMax) {
  H h;
  for (std::uint64_t v : {1000u, 1001u, 1002u, 5000u, 70000u}) h.record(v);
  EXPECT_EQ(h.value_at_percentile(0), 1000u) << "p0 is the exact min";
  EXPECT_EQ(h.value_at_percentile(10), 1003u) << "the highest value of the min's bucket [1000, 1003]";
  EXPECT_LE(h.value_at_percentile(50), h.value_at_percentile(90));
  EXPECT_LE(h.value_at_percentile(90), h.value_at_percentile(99));
  EXPECT_EQ(h.value_at_percentile(100), 70000u) << "the top bucket is clamped to the exact max";
  EXPECT_EQ(h.value_at_percentile(250), 70000u);
  EXPECT_DOUBLE_EQ(h.mean(), (1000.0 + 1001 + 1002 + 5000 + 70000) / 5);
}

TEST(LatencyHistogram, RankRoundingAtThreeNines) {
  H h;
  for (std::uint64_t v = 1; v <= 1000; ++v) h.record(v < 1000 ? 10 : 200);
  EXPECT_EQ(h.value_at_percentile(99.9), 10u) << "999 of 1000 samples are 10";
  EXPECT_EQ(h.value_at_percentile(99.95), 200u);
}

TEST(LatencyHistogram, MergeEqualsRecordingEverything) {
  H a, b, all;
  for (std::uint64_t v = 0; v < 3000; v += 7) (v % 2 ? a : b).record(v * 1000), all.record(v * 1000);
  H merged = a;
  merged.merge(b);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_DOUBLE_EQ(merged.mean(), all.mean());
  for (double p : {50.0, 90.0, 99.0, 99.9}) EXPECT_EQ(merged.value_at_percentile(p), all.value_at_percentile(p));
  H empty;
  merged.merge(empty);
  EXPECT_EQ(merged.count(), all.count());
  empty.merge(a);
  EXPECT_EQ(empty.min(), a.min());
}

TEST(LatencyHistogram, SaturatesButKeepsExactMax) {
  H h;
  h.record(UINT64_MAX / 2);
  EXPECT_EQ(h.max(), UINT64_MAX / 2);
  EXPECT_EQ(h.value_at_percentile(50), UINT64_MAX / 2) << "clamped up to min";
  h.reset();
  EXPECT_EQ(h.count(), 0u);
}

}  // namespace
}  // namespace tquic
