#include "transport/connection/datagram_queue.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <vector>

namespace tquic::transport {
namespace {

std::vector<std::uint8_t> bytes(std::size_t n, std::uint8_t v) { return std::vector<std::uint8_t>(n, v); }

TEST(DatagramQueue, RefusesWhenUnconfiguredOversizedOrFull) {
  DatagramQueue q;
  EXPECT_FALSE(q.push(bytes(1, 1)));
  q.configure(2, 100, 1000);
  EXPECT_FALSE(q.push(bytes(101, 1)));
  EXPECT_TRUE(q.push(bytes(100, 1)));
  EXPECT_TRUE(q.push(bytes(0, 2)));   // empty datagrams are legal
  EXPECT_FALSE(q.push(bytes(1, 3)));  // entries exhausted
  EXPECT_EQ(q.front().size(), 100u);
  q.pop();
  EXPECT_TRUE(q.front().empty());
}

TEST(DatagramQueue, StorageIsWhatDatagramsOccupyNotEntriesTimesMax) {
  DatagramQueue q;
  q.configure(256, 3000, 4096);  // 256 entries of up to 3000 B cost only the 4 KiB ring
  EXPECT_TRUE(q.push(bytes(3000, 1)));
  EXPECT_FALSE(q.push(bytes(3000, 2)));  // the ring, not the entry count, is full
  EXPECT_TRUE(q.push(bytes(1000, 3)));
  q.pop();
  EXPECT_TRUE(q.push(bytes(3000, 4)));  // wraps to the start, freed by the pop
  EXPECT_EQ(q.front()[0], 3);
  q.pop();
  EXPECT_EQ(q.front().size(), 3000u);
  EXPECT_EQ(q.front()[0], 4);
}

// Random pushes and pops against a reference deque: FIFO order and every
// byte intact across many wrap-arounds, never an overlap.
TEST(DatagramQueue, MatchesReferenceUnderRandomTraffic) {
  DatagramQueue q;
  q.configure(64, 1500, 8192);
  std::deque<std::vector<std::uint8_t>> ref;
  std::mt19937 rng(3);
  std::uint8_t tag = 0;
  for (int i = 0; i < 50000; ++i) {
    if (rng() % 2) {
      auto d = bytes(rng() % 1501, ++tag);
      if (q.push(d)) ref.push_back(std::move(d));
    } else if (!ref.empty()) {
      ASSERT_FALSE(q.empty());
      const ByteSpan f = q.front();
      ASSERT_EQ(std::vector<std::uint8_t>(f.begin(), f.end()), ref.front()) << "at step " << i;
      q.pop();
      ref.pop_front();
    }
    ASSERT_EQ(q.size(), ref.size());
  }
}

}  // namespace
}  // namespace tquic::transport
