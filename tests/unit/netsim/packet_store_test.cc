#include "netsim/packet_store.h"

#include <gtest/gtest.h>

#include <vector>

namespace tquic::sim {
namespace {

TEST(PacketStore, RegularAndJumboSlotsHoldTheirSizes) {
  PacketStore store;
  const SlotRef small = store.acquire(1500);
  const SlotRef edge = store.acquire(kSlotBytes);
  const SlotRef jumbo = store.acquire(kSlotBytes + 1);
  const SlotRef max = store.acquire(kMaxDatagramBytes);
  ASSERT_TRUE(small.valid() && edge.valid() && jumbo.valid() && max.valid());
  EXPECT_GE(store.buffer(small).size(), 1500u);
  EXPECT_GE(store.buffer(edge).size(), kSlotBytes);
  EXPECT_GE(store.buffer(jumbo).size(), kSlotBytes + 1);
  EXPECT_GE(store.buffer(max).size(), kMaxDatagramBytes);
  EXPECT_FALSE(store.acquire(kMaxDatagramBytes + 1).valid());
  EXPECT_EQ(store.stats().in_use, 4u);
  EXPECT_EQ(store.stats().jumbo_in_use, 2u);
  // Slots do not overlap.
  store.buffer(small)[0] = 1;
  store.buffer(edge)[0] = 2;
  EXPECT_EQ(store.buffer(small)[0], 1);
  for (SlotRef s : {small, edge, jumbo, max}) store.release(s);
  EXPECT_EQ(store.stats().in_use, 0u);
  EXPECT_EQ(store.stats().jumbo_in_use, 0u);
}

TEST(PacketStore, LimitsAreHardAndReuseDoesNotAllocate) {
  PacketStoreLimits limits;
  limits.max_slots = 10;
  limits.slots_per_slab = 4;
  limits.max_jumbo_slots = 1;
  PacketStore store(limits);
  std::vector<SlotRef> held;
  for (int i = 0; i < 10; ++i) {
    held.push_back(store.acquire(100));
    ASSERT_TRUE(held.back().valid());
  }
  EXPECT_FALSE(store.acquire(100).valid());
  EXPECT_TRUE(store.acquire(5000).valid());
  EXPECT_FALSE(store.acquire(5000).valid());
  const std::size_t allocs = store.stats().slab_allocs;
  for (SlotRef s : held) store.release(s);
  for (int round = 0; round < 100; ++round) store.release(store.acquire(1200));
#if !defined(TQUIC_POOLS_AS_HEAP)
  EXPECT_EQ(store.stats().slab_allocs, allocs);
  EXPECT_EQ(allocs, 3u + 1u);  // 4 + 4 + 2 regular slots, one jumbo
#else
  (void)allocs;
#endif
  store.release(SlotRef{});  // invalid refs are ignored
  EXPECT_EQ(store.stats().in_use, 1u);
}

}  // namespace
}  // namespace tquic::sim
