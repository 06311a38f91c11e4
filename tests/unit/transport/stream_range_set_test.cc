#include "transport/stream/range_set.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace tquic::transport {
namespace {

template <std::size_t N>
std::vector<ByteRange> ranges_of(const RangeSet<N>& s) {
  return std::vector<ByteRange>(s.begin(), s.end());
}

TEST(RangeSet, InsertMergesOverlappingAndAdjacentRanges) {
  RangeSet<8> s;
  EXPECT_TRUE(s.insert(10, 20));
  EXPECT_TRUE(s.insert(30, 40));
  EXPECT_TRUE(s.insert(20, 25));  // adjacent to [10,20)
  EXPECT_EQ(ranges_of(s), (std::vector<ByteRange>{{10, 25}, {30, 40}}));
  EXPECT_TRUE(s.insert(5, 8));
  EXPECT_TRUE(s.insert(24, 31));  // bridges two ranges
  EXPECT_EQ(ranges_of(s), (std::vector<ByteRange>{{5, 8}, {10, 40}}));
  EXPECT_TRUE(s.insert(0, 100));  // swallows everything
  EXPECT_EQ(ranges_of(s), (std::vector<ByteRange>{{0, 100}}));
  EXPECT_TRUE(s.insert(50, 50));  // empty: no-op
  EXPECT_EQ(s.size(), 1u);
}

TEST(RangeSet, InsertFailsWithoutChangeWhenFull) {
  RangeSet<2> s;
  EXPECT_TRUE(s.insert(0, 10));
  EXPECT_TRUE(s.insert(20, 30));
  EXPECT_EQ(s.size_after_insert(40, 50), 3u);
  EXPECT_FALSE(s.insert(40, 50));
  EXPECT_EQ(ranges_of(s), (std::vector<ByteRange>{{0, 10}, {20, 30}}));
  EXPECT_EQ(s.size_after_insert(10, 20), 1u);
  EXPECT_TRUE(s.insert(30, 35));  // merges: still fine when full
  EXPECT_EQ(ranges_of(s), (std::vector<ByteRange>{{0, 10}, {20, 35}}));
}

TEST(RangeSet, InsertCoalescingStretchesNearestNeighbourWhenFull) {
  RangeSet<2> s;
  s.insert_coalescing(0, 10);
  s.insert_coalescing(100, 110);
  s.insert_coalescing(20, 25);  // nearer to [0,10)
  EXPECT_EQ(ranges_of(s), (std::vector<ByteRange>{{0, 25}, {100, 110}}));
  s.insert_coalescing(90, 95);  // nearer to [100,110)
  EXPECT_EQ(ranges_of(s), (std::vector<ByteRange>{{0, 25}, {90, 110}}));
  s.insert_coalescing(200, 210);  // only a left neighbour
  EXPECT_EQ(ranges_of(s), (std::vector<ByteRange>{{0, 25}, {90, 210}}));
  EXPECT_TRUE(s.covers(95, 205));
}

TEST(RangeSet, EraseTrimsSplitsAndRemoves) {
  RangeSet<4> s;
  s.insert(0, 10);
  s.insert(20, 30);
  s.insert(40, 50);
  EXPECT_TRUE(s.erase(5, 25));  // trims two
  EXPECT_EQ(ranges_of(s), (std::vector<ByteRange>{{0, 5}, {25, 30}, {40, 50}}));
  EXPECT_TRUE(s.erase(42, 44));  // split
  EXPECT_EQ(ranges_of(s), (std::vector<ByteRange>{{0, 5}, {25, 30}, {40, 42}, {44, 50}}));
  EXPECT_FALSE(s.erase(1, 2));  // would split while full
  EXPECT_EQ(s.size(), 4u);
  EXPECT_TRUE(s.erase(0, 5));  // whole range, no split
  EXPECT_TRUE(s.erase(26, 100));
  EXPECT_EQ(ranges_of(s), (std::vector<ByteRange>{{25, 26}}));
  EXPECT_TRUE(s.erase(0, 1000));
  EXPECT_TRUE(s.empty());
}

TEST(RangeSet, EraseBelowAndQueries) {
  RangeSet<4> s;
  s.insert(10, 20);
  s.insert(30, 40);
  EXPECT_TRUE(s.contains(10));
  EXPECT_FALSE(s.contains(20));
  EXPECT_FALSE(s.contains(25));
  EXPECT_TRUE(s.covers(31, 40));
  EXPECT_FALSE(s.covers(15, 35));
  EXPECT_TRUE(s.covers(7, 7));
  s.erase_below(15);
  EXPECT_EQ(ranges_of(s), (std::vector<ByteRange>{{15, 20}, {30, 40}}));
  s.erase_below(30);
  EXPECT_EQ(ranges_of(s), (std::vector<ByteRange>{{30, 40}}));
  s.erase_below(45);
  EXPECT_TRUE(s.empty());
}

// Against a bitmap model: random inserts and erases keep the set exact,
// sorted, disjoint and non-adjacent whenever no capacity limit was hit.
TEST(RangeSet, MatchesBitmapModel) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 50; ++round) {
    RangeSet<64> s;
    std::vector<bool> model(512, false);
    for (int op = 0; op < 60; ++op) {
      const std::uint64_t a = rng() % 500;
      const std::uint64_t b = a + rng() % 12;
      if (rng() % 3 == 0) {
        ASSERT_TRUE(s.erase(a, b));
        for (std::uint64_t i = a; i < b; ++i) model[i] = false;
      } else {
        ASSERT_TRUE(s.insert(a, b));
        for (std::uint64_t i = a; i < b; ++i) model[i] = true;
      }
      for (std::size_t i = 1; i < s.size(); ++i) ASSERT_LT(s[i - 1].end, s[i].start);
      std::vector<bool> actual(model.size(), false);
      for (const ByteRange& r : s) {
        ASSERT_LT(r.start, r.end);
        for (std::uint64_t i = r.start; i < r.end; ++i) actual[i] = true;
      }
      ASSERT_EQ(actual, model) << "round " << round << " op " << op;
      const std::uint64_t probe = rng() % model.size();
      ASSERT_EQ(s.contains(probe), model[probe]);
    }
  }
}

}  // namespace
}  // namespace tquic::transport
