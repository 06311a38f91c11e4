#include "netsim/ring.h"

#include <gtest/gtest.h>

#include <deque>

namespace tquic::sim {
namespace {

TEST(Ring, FifoAcrossWrapAndGrowthMatchesADeque) {
  Ring<int> ring(4);
  std::deque<int> model;
  int next = 0;
  // Interleave pushes and pops so the head wraps before each growth.
  for (int round = 0; round < 200; ++round) {
    for (int i = 0; i < 3 + round % 5; ++i) {
      ring.push_back(next);
      model.push_back(next++);
    }
    for (int i = 0; i < 2 + round % 3 && !model.empty(); ++i) {
      ASSERT_EQ(ring.front(), model.front()) << "round " << round;
      ring.pop_front();
      model.pop_front();
    }
    ASSERT_EQ(ring.size(), model.size());
  }
  EXPECT_GE(ring.capacity(), ring.size());
  while (!model.empty()) {
    ASSERT_EQ(ring.front(), model.front());
    ring.pop_front();
    model.pop_front();
  }
  EXPECT_TRUE(ring.empty());
  const std::size_t capacity = ring.capacity();
  for (int i = 0; i < static_cast<int>(capacity); ++i) ring.push_back(i);
  EXPECT_EQ(ring.capacity(), capacity);  // fills without growing
  ring.clear();
  EXPECT_TRUE(ring.empty());
}

}  // namespace
}  // namespace tquic::sim
