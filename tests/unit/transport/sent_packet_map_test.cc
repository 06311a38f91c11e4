#include "transport/recovery/sent_packet_map.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <random>
#include <set>

namespace tquic::transport {
namespace {

SentPacket packet(std::uint64_t pn, std::uint16_t bytes = 1200) {
  SentPacket p;
  p.packet_number = pn;
  p.time_sent = kTimeZero + std::chrono::milliseconds(pn);
  p.sent_bytes = bytes;
  p.frames_ref = static_cast<std::uint32_t>(pn * 7);
  p.ack_eliciting = true;
  p.in_flight = true;
  return p;
}

TEST(SentPacketMap, InsertAndFind) {
  SentPacketMap map;
  for (std::uint64_t pn = 0; pn < 10; ++pn) ASSERT_TRUE(map.insert(packet(pn)));
  EXPECT_EQ(map.next_packet_number(), 10u);
  EXPECT_EQ(map.outstanding_count(), 10u);
  const SentPacket* p = map.find(4);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->packet_number, 4u);
  EXPECT_EQ(p->frames_ref, 28u);
  EXPECT_EQ(p->state, SentPacketState::outstanding);
  EXPECT_EQ(map.find(10), nullptr);
  EXPECT_EQ(map.state(10), SentPacketState::never_sent);
}

TEST(SentPacketMap, RejectsNonIncreasingPacketNumbers) {
  SentPacketMap map;
  ASSERT_TRUE(map.insert(packet(5)));
  EXPECT_FALSE(map.insert(packet(5)));
  EXPECT_FALSE(map.insert(packet(3)));
  EXPECT_FALSE(map.can_insert(5));
  EXPECT_TRUE(map.can_insert(6));
  EXPECT_EQ(map.outstanding_count(), 1u);
}

TEST(SentPacketMap, SkippedNumbersAreNeverSent) {
  SentPacketMap map;
  ASSERT_TRUE(map.insert(packet(0)));
  ASSERT_TRUE(map.insert(packet(3)));
  EXPECT_EQ(map.state(1), SentPacketState::never_sent);
  EXPECT_EQ(map.state(2), SentPacketState::never_sent);
  EXPECT_TRUE(map.has_skipped_in_window());
  EXPECT_EQ(map.find(1), nullptr);
  // Still detectable after everything before it was acknowledged and the
  // map went empty.
  map.set_state(0, SentPacketState::acked);
  map.set_state(3, SentPacketState::acked);
  map.advance();
  EXPECT_TRUE(map.empty());
  ASSERT_TRUE(map.insert(packet(5)));
  EXPECT_EQ(map.state(4), SentPacketState::never_sent);
  EXPECT_TRUE(map.has_skipped_in_window());
}

TEST(SentPacketMap, AdvanceDropsOnlyTheResolvedPrefix) {
  SentPacketMap map;
  for (std::uint64_t pn = 0; pn < 5; ++pn) ASSERT_TRUE(map.insert(packet(pn)));
  map.set_state(1, SentPacketState::acked);
  map.set_state(2, SentPacketState::lost);
  map.advance();
  EXPECT_EQ(map.window_begin(), 0u);  // 0 is still outstanding
  EXPECT_EQ(map.state(1), SentPacketState::acked);
  EXPECT_EQ(map.state(2), SentPacketState::lost);
  map.set_state(0, SentPacketState::acked);
  map.advance();
  EXPECT_EQ(map.window_begin(), 3u);
  EXPECT_EQ(map.state(1), SentPacketState::retired);
  EXPECT_EQ(map.outstanding_count(), 2u);
}

TEST(SentPacketMap, GrowthPreservesWrappedContents) {
  SentPacketMap map(8);
  // Pin packet 100 while the ring wraps several times.
  ASSERT_TRUE(map.insert(packet(100)));
  for (std::uint64_t pn = 101; pn < 108; ++pn) ASSERT_TRUE(map.insert(packet(pn)));
  EXPECT_EQ(map.capacity(), 8u);
  ASSERT_TRUE(map.insert(packet(108)));  // needs 9 slots
  EXPECT_EQ(map.capacity(), 16u);
  for (std::uint64_t pn = 100; pn <= 108; ++pn) {
    const SentPacket* p = map.find(pn);
    ASSERT_NE(p, nullptr) << pn;
    EXPECT_EQ(p->frames_ref, pn * 7);
  }
}

TEST(SentPacketMap, MaxWindowIsEnforced) {
  SentPacketMap map(4, 8);
  for (std::uint64_t pn = 0; pn < 8; ++pn) ASSERT_TRUE(map.insert(packet(pn)));
  EXPECT_FALSE(map.can_insert(8));
  EXPECT_FALSE(map.insert(packet(8)));
  map.set_state(0, SentPacketState::acked);
  map.advance();
  EXPECT_TRUE(map.can_insert(8));
  EXPECT_FALSE(map.can_insert(9));
  EXPECT_TRUE(map.insert(packet(8)));
}

TEST(SentPacketMap, EmptyMapJumpsOverHugeGapWithoutGrowing) {
  SentPacketMap map(8, 64);
  ASSERT_TRUE(map.insert(packet(0)));
  map.set_state(0, SentPacketState::acked);
  map.advance();
  ASSERT_TRUE(map.insert(packet(1'000'000)));
  EXPECT_EQ(map.capacity(), 8u);
  EXPECT_EQ(map.allocations(), 1u);
  EXPECT_EQ(map.window_begin(), 1'000'000u);
  EXPECT_EQ(map.state(999'999), SentPacketState::retired);
}

TEST(SentPacketMap, ClearKeepsNextPacketNumber) {
  SentPacketMap map;
  for (std::uint64_t pn = 0; pn < 5; ++pn) ASSERT_TRUE(map.insert(packet(pn)));
  map.clear();
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.next_packet_number(), 5u);
  EXPECT_EQ(map.find(2), nullptr);
  EXPECT_FALSE(map.insert(packet(4)));
  EXPECT_TRUE(map.insert(packet(5)));
}

TEST(SentPacketMap, ForEachOutstandingVisitsAscending) {
  SentPacketMap map;
  for (std::uint64_t pn = 0; pn < 6; ++pn) ASSERT_TRUE(map.insert(packet(pn)));
  map.set_state(2, SentPacketState::acked);
  map.set_state(4, SentPacketState::lost);
  std::vector<std::uint64_t> seen;
  map.for_each_outstanding([&](const SentPacket& p) { seen.push_back(p.packet_number); });
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{0, 1, 3, 5}));
}

// Thousands of packets, random ranges acknowledged, a reference model in a
// std::set; once the in-flight window is stable, capacity never changes.
TEST(SentPacketMap, SteadyStateRandomAcksDoNotGrow) {
  SentPacketMap map(16);
  std::set<std::uint64_t> model;
  std::mt19937_64 rng(12345);
  std::uint64_t next = 0;
  std::size_t allocations_after_warmup = 0;
  std::size_t capacity_after_warmup = 0;
  std::size_t largest_window = 0;
  constexpr int kRounds = 4000;
  for (int round = 0; round < kRounds; ++round) {
    // Keep about 200 packets in flight.
    while (model.size() < 200) {
      if (rng() % 16 == 0) ++next;  // occasionally skip a number
      ASSERT_TRUE(map.insert(packet(next)));
      model.insert(next++);
    }
    largest_window = std::max(largest_window, map.window_size());
    // Acknowledge a random range among the newest half, lose the oldest few.
    const std::uint64_t span_lo = next - 100;
    const std::uint64_t lo = span_lo + rng() % 80;
    const std::uint64_t hi = lo + rng() % 20;
    for (std::uint64_t pn = lo; pn <= hi; ++pn) {
      if (map.state(pn) != SentPacketState::outstanding) continue;
      map.set_state(pn, SentPacketState::acked);
      model.erase(pn);
    }
    while (!model.empty() && *model.begin() + 150 < next) {
      map.set_state(*model.begin(), SentPacketState::lost);
      model.erase(model.begin());
    }
    map.advance();
    ASSERT_EQ(map.outstanding_count(), model.size());
    if (!model.empty()) {
      ASSERT_EQ(map.window_begin(), *model.begin());
    }
    if (round == kRounds / 4) {
      allocations_after_warmup = map.allocations();
      capacity_after_warmup = map.capacity();
    }
  }
  EXPECT_GT(next, 20'000u);
  EXPECT_EQ(map.allocations(), allocations_after_warmup);
  EXPECT_EQ(map.capacity(), capacity_after_warmup);
  // Capacity is the window rounded up to a power of two, nothing more.
  EXPECT_LE(map.capacity(), std::bit_ceil(largest_window));
  for (std::uint64_t pn : model) ASSERT_NE(map.find(pn), nullptr) << pn;
}

}  // namespace
}  // namespace tquic::transport
