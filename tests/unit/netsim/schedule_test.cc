#include "netsim/schedule.h"

#include <gtest/gtest.h>

#include "unit/netsim/netsim_test_util.h"

namespace tquic::sim {
namespace {

using testing::at_ms;

TEST(Schedule, AppliesInTimeOrderAndInsertionOrderForTies) {
  Schedule s;
  ASSERT_TRUE(s.set_rate(at_ms(20), 2000).ok());
  ASSERT_TRUE(s.set_rate(at_ms(10), 1000).ok());
  ASSERT_TRUE(s.set_rate(at_ms(20), 3000).ok());  // same time, later: wins
  LinkConfig c;
  EXPECT_EQ(s.next_time(), at_ms(10));
  EXPECT_EQ(s.apply_due(at_ms(9), c), 0u);
  EXPECT_EQ(s.apply_due(at_ms(10), c), 1u);
  EXPECT_EQ(c.rate_bps, 1000u);
  EXPECT_EQ(s.apply_due(at_ms(25), c), 2u);
  EXPECT_EQ(c.rate_bps, 3000u);
  EXPECT_EQ(s.next_time(), kTimeInfinite);
  EXPECT_EQ(s.pending(), 0u);
}

TEST(Schedule, LateEntriesStillApply) {
  Schedule s;
  ASSERT_TRUE(s.set_loss(at_ms(10), 0.5).ok());
  LinkConfig c;
  s.apply_due(at_ms(50), c);
  ASSERT_TRUE(s.set_delay(at_ms(5), 7ms).ok());  // already in the past
  EXPECT_EQ(s.apply_due(at_ms(51), c), 1u);
  EXPECT_EQ(c.delay, 7ms);
  EXPECT_EQ(c.loss, 0.5);
}

TEST(Schedule, OverlappingBlackholesNest) {
  Schedule s;
  ASSERT_TRUE(s.blackhole(at_ms(100), 100ms).ok());  // 100..200
  ASSERT_TRUE(s.blackhole(at_ms(150), 100ms).ok());  // 150..250
  LinkConfig c;
  s.apply_due(at_ms(99), c);
  EXPECT_FALSE(c.blackhole);
  s.apply_due(at_ms(100), c);
  EXPECT_TRUE(c.blackhole);
  s.apply_due(at_ms(200), c);
  EXPECT_TRUE(c.blackhole);  // the second window is still open
  s.apply_due(at_ms(249), c);
  EXPECT_TRUE(c.blackhole);
  s.apply_due(at_ms(250), c);
  EXPECT_FALSE(c.blackhole);
}

TEST(Schedule, SetConfigReplacesEverythingButKeepsOpenBlackholes) {
  Schedule s;
  s.blackhole_on(at_ms(10));
  LinkConfig next;
  next.delay = 50ms;
  next.drop_indices = {9, 3};
  ASSERT_TRUE(s.set_config(at_ms(20), next).ok());
  s.blackhole_off(at_ms(30));
  LinkConfig c;
  s.apply_due(at_ms(20), c);
  EXPECT_EQ(c.delay, 50ms);
  EXPECT_TRUE(c.blackhole);
  EXPECT_EQ(c.drop_indices, (std::vector<std::uint64_t>{3, 9}));  // sorted
  s.apply_due(at_ms(30), c);
  EXPECT_FALSE(c.blackhole);
}

TEST(Schedule, RejectsOutOfRangeValuesWithoutAdding) {
  Schedule s;
  EXPECT_FALSE(s.set_loss(at_ms(1), 1.5).ok());
  EXPECT_FALSE(s.set_delay(at_ms(1), -1ms).ok());
  EXPECT_FALSE(s.blackhole(at_ms(1), 0ms).ok());
  EXPECT_FALSE(s.set_rate(at_ms(1), kMaxRateBps + 1).ok());
  LinkConfig bad;
  bad.corrupt = 2.0;
  EXPECT_FALSE(s.set_config(at_ms(1), bad).ok());
  EXPECT_EQ(s.pending(), 0u);
}

}  // namespace
}  // namespace tquic::sim
