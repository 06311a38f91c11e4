#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

#include "endpoint/timer_heap.h"

namespace tquic::endpoint {
namespace {

Timestamp at(std::int64_t ms) { return timestamp_from_ns(ms * 1'000'000); }

TEST(TimerHeap, PopsInDeadlineOrder) {
  TimerHeap h;
  h.reserve(8);
  EXPECT_EQ(h.next_deadline(), kTimeInfinite);
  h.update(3, at(30));
  h.update(1, at(10));
  h.update(5, at(50));
  h.update(2, at(20));
  EXPECT_EQ(h.next_deadline(), at(10));
  EXPECT_EQ(h.next_slot(), 1u);
  std::uint32_t slot = 0;
  EXPECT_FALSE(h.pop_due(at(9), slot));
  ASSERT_TRUE(h.pop_due(at(25), slot));
  EXPECT_EQ(slot, 1u);
  ASSERT_TRUE(h.pop_due(at(25), slot));
  EXPECT_EQ(slot, 2u);
  EXPECT_FALSE(h.pop_due(at(25), slot));
  EXPECT_EQ(h.size(), 2u);
}

TEST(TimerHeap, OneEntryPerSlotMovesAndDisarms) {
  TimerHeap h;
  h.reserve(4);
  h.update(0, at(100));
  h.update(0, at(5));   // earlier
  EXPECT_EQ(h.size(), 1u);
  EXPECT_EQ(h.next_deadline(), at(5));
  h.update(1, at(7));
  h.update(0, at(200));  // later
  EXPECT_EQ(h.next_slot(), 1u);
  EXPECT_EQ(h.deadline_of(0), at(200));
  h.update(1, kTimeInfinite);
  EXPECT_EQ(h.deadline_of(1), kTimeInfinite);
  EXPECT_EQ(h.size(), 1u);
  h.remove(0);
  EXPECT_TRUE(h.empty());
  h.update(9, at(1));  // beyond reserve: ignored, never out of bounds
  EXPECT_TRUE(h.empty());
}

// Random updates, removals and pops against a std::multimap reference.
TEST(TimerHeap, MatchesReferenceUnderChurn) {
  std::mt19937_64 rng(42);
  constexpr std::uint32_t kSlots = 300;
  TimerHeap h;
  h.reserve(kSlots);
  std::map<std::uint32_t, Timestamp> by_slot;
  std::set<std::pair<Timestamp, std::uint32_t>> order;
  std::int64_t clock = 0;
  for (int op = 0; op < 20000; ++op) {
    const std::uint32_t slot = static_cast<std::uint32_t>(rng() % kSlots);
    const int kind = static_cast<int>(rng() % 4);
    if (kind <= 1) {
      const Timestamp d = at(clock + static_cast<std::int64_t>(rng() % 1000));
      if (by_slot.count(slot)) order.erase({by_slot[slot], slot});
      by_slot[slot] = d;
      order.insert({d, slot});
      h.update(slot, d);
    } else if (kind == 2) {
      if (by_slot.count(slot)) order.erase({by_slot[slot], slot});
      by_slot.erase(slot);
      h.remove(slot);
    } else {
      clock += static_cast<std::int64_t>(rng() % 50);
      std::uint32_t got = 0;
      while (h.pop_due(at(clock), got)) {
        ASSERT_FALSE(order.empty());
        // Equal deadlines may pop in any order; the deadline must match.
        ASSERT_EQ(by_slot.at(got), order.begin()->first);
        order.erase({by_slot[got], got});
        by_slot.erase(got);
      }
      ASSERT_TRUE(order.empty() || order.begin()->first > at(clock));
    }
    ASSERT_EQ(h.size(), by_slot.size());
    ASSERT_EQ(h.next_deadline(), order.empty() ? kTimeInfinite : order.begin()->first);
  }
}

}  // namespace
}  // namespace tquic::endpoint
