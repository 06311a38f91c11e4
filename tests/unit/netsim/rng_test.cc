#include "netsim/rng.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

namespace tquic::sim {
namespace {

TEST(Rng, SameSeedSameStreamDifferentSeedDifferentStream) {
  Rng a(42), b(42), c(43);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    const std::uint64_t x = a.next();
    EXPECT_EQ(x, b.next()) << "seed=42 draw " << i;
    differs |= x != c.next();
  }
  EXPECT_TRUE(differs);
}

TEST(Rng, DerivedSeedsAreDistinct) {
  EXPECT_NE(derive_seed(1, 0), derive_seed(1, 1));
  EXPECT_NE(derive_seed(1, 0), derive_seed(2, 0));
  EXPECT_EQ(derive_seed(7, 3), derive_seed(7, 3));
}

TEST(Rng, BelowStaysInRangeAndCoversIt) {
  Rng rng(7);
  std::array<int, 10> counts{};
  for (int i = 0; i < 100000; ++i) {
    const std::uint64_t v = rng.below(10);
    ASSERT_LT(v, 10u) << "seed=7";
    ++counts[v];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500) << "seed=7";  // sd ~95
  EXPECT_EQ(rng.below(0), 0u);
  EXPECT_EQ(rng.below(1), 0u);
}

TEST(Rng, ChanceMatchesProbabilityAndExtremesDrawNothing) {
  Rng rng(9);
  int hits = 0;
  for (int i = 0; i < 100000; ++i) hits += rng.chance(0.3);
  EXPECT_NEAR(hits, 30000, 5 * std::sqrt(100000 * 0.3 * 0.7)) << "seed=9";

  Rng x(11), y(11);
  EXPECT_FALSE(x.chance(0.0));
  EXPECT_TRUE(x.chance(1.0));
  EXPECT_FALSE(x.chance(-1.0));
  EXPECT_EQ(x.next(), y.next());  // the extremes did not consume the stream
}

TEST(Rng, UpToIsInclusiveAndBounded) {
  Rng rng(5);
  bool saw_max = false;
  bool saw_zero = false;
  for (int i = 0; i < 10000; ++i) {
    const Duration d = rng.up_to(Duration(3));
    ASSERT_GE(d.count(), 0) << "seed=5";
    ASSERT_LE(d.count(), 3) << "seed=5";
    saw_max |= d.count() == 3;
    saw_zero |= d.count() == 0;
  }
  EXPECT_TRUE(saw_max && saw_zero);
  EXPECT_EQ(rng.up_to(Duration(0)).count(), 0);
  EXPECT_EQ(rng.up_to(Duration(-5)).count(), 0);
}

TEST(Rng, Uniform01IsInUnitInterval) {
  Rng rng(3);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    const double u = rng.uniform01();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.005) << "seed=3";
}

}  // namespace
}  // namespace tquic::sim
