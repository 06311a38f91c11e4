#include "base/spsc_ring.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <thread>
#include <vector>

namespace tquic {
namespace {

TEST(SpscRing, CapacityRoundsUpToPowerOfTwo) {
  EXPECT_EQ(SpscRing<int>(0).capacity(), 2u);
  EXPECT_EQ(SpscRing<int>(5).capacity(), 8u);
  EXPECT_EQ(SpscRing<int>(64).capacity(), 64u);
}

TEST(SpscRing, PushTakesOnlyWhatFitsAndPopReturnsInOrder) {
  SpscRing<int> ring(4);
  const std::vector<int> in{1, 2, 3, 4, 5, 6};
  EXPECT_EQ(ring.push(in), 4u);  // the rest is the caller's backpressure
  EXPECT_FALSE(ring.push_one(7));
  std::vector<int> out(3);
  ASSERT_EQ(ring.pop(out), 3u);
  EXPECT_EQ(out, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(ring.push(std::span<const int>(in).subspan(4)), 2u);  // wraps around
  std::vector<int> rest(8);
  ASSERT_EQ(ring.pop(rest), 3u);
  EXPECT_EQ(rest[0], 4);
  EXPECT_EQ(rest[1], 5);
  EXPECT_EQ(rest[2], 6);
  EXPECT_EQ(ring.pop(rest), 0u);
  EXPECT_EQ(ring.size_approx(), 0u);
}

TEST(SpscRing, EmptyBatchesAreNoOps) {
  SpscRing<int> ring(4);
  EXPECT_EQ(ring.push({}), 0u);
  std::vector<int> none;
  EXPECT_EQ(ring.pop(none), 0u);
}

// Two real threads, batches of varying size, a small ring so both sides
// keep hitting full and empty: every item arrives once, in order.
TEST(SpscRing, TwoThreadsHandOverEveryItemInOrder) {
  constexpr std::uint64_t kItems = 300'000;
  SpscRing<std::uint64_t> ring(64);
  std::thread producer([&] {
    std::uint64_t batch[37];
    std::uint64_t next = 0;
    while (next < kItems) {
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(1 + next % 37, kItems - next));
      for (std::size_t i = 0; i < want; ++i) batch[i] = next + i;
      std::size_t sent = 0;
      while (sent < want) {
        const std::size_t n = ring.push(std::span<const std::uint64_t>(batch + sent, want - sent));
        if (n == 0) std::this_thread::yield();  // full: let the consumer run (2-core VM)
        sent += n;
      }
      next += want;
    }
  });
  std::uint64_t expected = 0, out_of_order = 0;
  std::uint64_t batch[29];
  while (expected < kItems) {
    const std::size_t n = ring.pop(batch);
    if (n == 0) std::this_thread::yield();
    for (std::size_t i = 0; i < n; ++i) out_of_order += batch[i] != expected++;
  }
  producer.join();
  EXPECT_EQ(out_of_order, 0u);
  EXPECT_EQ(expected, kItems);
  EXPECT_EQ(ring.size_approx(), 0u);
}

}  // namespace
}  // namespace tquic
