#include "transport/stream/recv_buffer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <vector>

#include "transport/stream/stream_id.h"

namespace tquic::transport {
namespace {

constexpr std::size_t C = kStreamChunkSize;

std::vector<std::uint8_t> pattern(std::size_t n, std::uint32_t seed) {
  std::vector<std::uint8_t> v(n);
  std::mt19937 rng(seed);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng());
  return v;
}

ByteSpan slice(const std::vector<std::uint8_t>& v, std::size_t off, std::size_t len) {
  return ByteSpan(v.data() + off, len);
}

// Reads everything readable, appending to `out`.
void drain(RecvBuffer& b, std::vector<std::uint8_t>& out) {
  while (b.readable() > 0) {
    ByteSpan s = b.peek();
    ASSERT_FALSE(s.empty());
    ASSERT_LE(s.size(), C);
    out.insert(out.end(), s.begin(), s.end());
    EXPECT_EQ(b.consume(s.size()), s.size());
  }
}

TEST(RecvBuffer, InOrderDeliveryAsViewsAndChunksReturned) {
  ChunkPool pool(16);
  const auto data = pattern(3 * C + 100, 1);
  {
    RecvBuffer b(pool, 64 * 1024);
    ASSERT_TRUE(b.on_data(0, slice(data, 0, 1000), false).ok());
    EXPECT_EQ(b.readable(), 1000u);
    EXPECT_EQ(pool.stats().in_use, 1u);
    ASSERT_TRUE(b.on_data(1000, slice(data, 1000, data.size() - 1000), true).ok());
    EXPECT_TRUE(b.all_received());
    EXPECT_EQ(pool.stats().in_use, 4u);
    // peek stops at the chunk boundary
    EXPECT_EQ(b.peek().size(), C);
    std::vector<std::uint8_t> out;
    drain(b, out);
    EXPECT_EQ(out, data);
    EXPECT_TRUE(b.all_read());
    EXPECT_EQ(b.chunks_held(), 0u);
    EXPECT_EQ(pool.stats().in_use, 0u);
  }
  EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST(RecvBuffer, ChunkReturnedAsSoonAsConsumed) {
  ChunkPool pool(16);
  RecvBuffer b(pool, 64 * 1024);
  const auto data = pattern(2 * C, 2);
  ASSERT_TRUE(b.on_data(0, slice(data, 0, data.size()), false).ok());
  EXPECT_EQ(pool.stats().in_use, 2u);
  b.consume(C - 1);
  EXPECT_EQ(pool.stats().in_use, 2u);
  b.consume(1);
  EXPECT_EQ(pool.stats().in_use, 1u);
  EXPECT_EQ(b.peek()[0], data[C]);
  b.consume(C);
  EXPECT_EQ(pool.stats().in_use, 0u);  // the next chunk is taken only when data arrives
  EXPECT_TRUE(b.peek().empty());
}

TEST(RecvBuffer, ConsumeIsClampedToReadable) {
  ChunkPool pool(4);
  RecvBuffer b(pool, 8192);
  const auto data = pattern(10, 3);
  ASSERT_TRUE(b.on_data(0, slice(data, 0, 10), false).ok());
  EXPECT_EQ(b.consume(100), 10u);
  EXPECT_EQ(b.read_offset(), 10u);
  EXPECT_EQ(b.consume(1), 0u);
}

TEST(RecvBuffer, OutOfOrderDuplicatesAndOverlaps) {
  ChunkPool pool(16);
  RecvBuffer b(pool, 64 * 1024);
  const auto data = pattern(6000, 4);
  ASSERT_TRUE(b.on_data(3000, slice(data, 3000, 1000), false).ok());
  EXPECT_EQ(b.readable(), 0u);
  EXPECT_EQ(b.gap_count(), 1u);
  ASSERT_TRUE(b.on_data(5000, slice(data, 5000, 1000), true).ok());
  EXPECT_EQ(b.gap_count(), 2u);
  ASSERT_TRUE(b.on_data(3500, slice(data, 3500, 1000), false).ok());  // overlaps, bridges nothing
  EXPECT_EQ(b.gap_count(), 2u);
  ASSERT_TRUE(b.on_data(0, slice(data, 0, 2000), false).ok());
  EXPECT_EQ(b.readable(), 2000u);
  ASSERT_TRUE(b.on_data(0, slice(data, 0, 3200), false).ok());  // overlaps prefix and a range
  EXPECT_EQ(b.readable(), 4500u);
  EXPECT_EQ(b.gap_count(), 1u);
  ASSERT_TRUE(b.on_data(4400, slice(data, 4400, 700), false).ok());
  EXPECT_TRUE(b.all_received());
  EXPECT_EQ(b.gap_count(), 0u);
  std::vector<std::uint8_t> out;
  drain(b, out);
  EXPECT_EQ(out, data);
  EXPECT_TRUE(b.all_read());
  EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST(RecvBuffer, AlreadyReceivedBytesAreNotOverwritten) {
  // The RFC lets us ignore changed data; we keep the first copy.
  ChunkPool pool(4);
  RecvBuffer b(pool, 8192);
  const std::vector<std::uint8_t> first(100, 0xaa), second(300, 0xbb);
  ASSERT_TRUE(b.on_data(100, ByteSpan(first), false).ok());
  ASSERT_TRUE(b.on_data(0, ByteSpan(second), false).ok());
  std::vector<std::uint8_t> out;
  drain(b, out);
  ASSERT_EQ(out.size(), 300u);
  EXPECT_EQ(out[99], 0xbb);
  EXPECT_EQ(out[100], 0xaa);
  EXPECT_EQ(out[199], 0xaa);
  EXPECT_EQ(out[200], 0xbb);
}

// Seeded random-order delivery of a large buffer with overlapping and
// duplicated frames reconstructs it exactly, reading as data becomes
// contiguous, and gives every chunk back.
TEST(RecvBuffer, RandomOrderDeliveryReconstructsExactly) {
  for (std::uint32_t seed : {7u, 99u, 2024u}) {
    ChunkPool pool(32);
    const std::size_t total = 1 << 20;
    const auto data = pattern(total, seed);
    struct Frame {
      std::size_t off, len;
    };
    std::vector<Frame> frames;
    std::mt19937 rng(seed);
    for (std::size_t off = 0; off < total;) {
      const std::size_t len = std::min<std::size_t>(1 + rng() % 1400, total - off);
      frames.push_back({off, len});
      if (rng() % 4 == 0) frames.push_back({off, len});  // duplicate
      if (rng() % 4 == 0 && off > 500) frames.push_back({off - 500, len + 300 > total - off + 500 ? total - off + 500 : len + 300});  // overlap
      off += len;
    }
    std::vector<std::uint8_t> out;
    RecvBuffer b(pool, total);
    // Shuffle within windows so that the number of gaps stays under the cap.
    const std::size_t window = 24;
    for (std::size_t i = 0; i < frames.size(); i += window) {
      std::shuffle(frames.begin() + static_cast<long>(i),
                   frames.begin() + static_cast<long>(std::min(i + window, frames.size())), rng);
    }
    for (const Frame& f : frames) {
      const bool fin = f.off + f.len == total;
      auto st = b.on_data(f.off, slice(data, f.off, f.len), fin);
      ASSERT_TRUE(st.ok()) << "seed " << seed << ": " << st.error().reason;
      ASSERT_LE(b.gap_count(), RecvBuffer::kMaxGaps);
      if (rng() % 3 == 0) drain(b, out);
    }
    drain(b, out);
    ASSERT_TRUE(b.all_received()) << "seed " << seed;
    EXPECT_TRUE(b.all_read());
    EXPECT_EQ(out, data) << "seed " << seed;
    EXPECT_EQ(pool.stats().in_use, 0u) << "seed " << seed;
  }
}

TEST(RecvBuffer, MemoryFollowsTheDataNotTheWindow) {
  ChunkPool pool(64);
  {
    RecvBuffer b(pool, 1 << 20);
    const auto data = pattern(100, 5);
    // Two small islands far apart take two chunks, not the 1 MiB window.
    ASSERT_TRUE(b.on_data(500000, slice(data, 0, 100), false).ok());
    ASSERT_TRUE(b.on_data(900000, slice(data, 0, 100), false).ok());
    EXPECT_EQ(b.chunks_held(), 2u);
    EXPECT_EQ(pool.stats().in_use, 2u);
  }
  EXPECT_EQ(pool.stats().in_use, 0u);  // teardown with unread data gives them back
}

// Fully shuffled delivery carves more holes than the range set holds: refused
// frames are "retransmitted" later (the packet was not acknowledged), and the
// stream is still reconstructed exactly with bounded bookkeeping.
TEST(RecvBuffer, RefusedFramesRetriedLaterStillReconstruct) {
  ChunkPool pool(64);
  const std::size_t total = 256 * 1024;
  const auto data = pattern(total, 77);
  struct Frame {
    std::size_t off, len;
  };
  std::deque<Frame> queue;
  std::mt19937 rng(77);
  for (std::size_t off = 0; off < total;) {
    const std::size_t len = std::min<std::size_t>(50 + rng() % 200, total - off);  // many small frames: more holes than kMaxGaps
    queue.push_back({off, len});
    off += len;
  }
  std::shuffle(queue.begin(), queue.end(), rng);
  RecvBuffer b(pool, total);
  std::vector<std::uint8_t> out;
  std::size_t refused = 0;
  for (std::size_t steps = 0; !queue.empty(); ++steps) {
    ASSERT_LT(steps, 100000u);
    const Frame f = queue.front();
    queue.pop_front();
    auto st = b.on_data(f.off, slice(data, f.off, f.len), f.off + f.len == total);
    if (!st.ok()) {
      ASSERT_EQ(st.error().kind, ErrorKind::blocked);
      ++refused;
      queue.push_back(f);
    }
    ASSERT_LE(b.gap_count(), RecvBuffer::kMaxGaps);
    drain(b, out);
  }
  EXPECT_GT(refused, 0u);
  EXPECT_EQ(out, data);
  EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST(RecvBuffer, FinalSizeViolations) {
  ChunkPool pool(8);
  const auto data = pattern(2000, 6);
  auto expect_final_size_error = [](const Status& st) {
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(st.error().is_transport(TransportErrorCode::FINAL_SIZE_ERROR)) << st.error().reason;
  };
  {  // FIN changes the final size
    RecvBuffer b(pool, 8192);
    ASSERT_TRUE(b.on_data(0, slice(data, 0, 1000), true).ok());
    expect_final_size_error(b.on_data(0, slice(data, 0, 999), true));
    expect_final_size_error(b.on_data(0, slice(data, 0, 1001), true));
    EXPECT_TRUE(b.on_data(500, slice(data, 500, 500), true).ok());  // same final size again
  }
  {  // data beyond a known final size
    RecvBuffer b(pool, 8192);
    ASSERT_TRUE(b.on_data(500, slice(data, 500, 500), true).ok());
    expect_final_size_error(b.on_data(900, slice(data, 900, 101), false));
    EXPECT_TRUE(b.on_data(1000, slice(data, 0, 0), false).ok());  // empty, at the end: fine
    EXPECT_EQ(b.highest_received(), 1000u);
  }
  {  // final size below data already received
    RecvBuffer b(pool, 8192);
    ASSERT_TRUE(b.on_data(1000, slice(data, 1000, 500), false).ok());
    expect_final_size_error(b.on_data(0, slice(data, 0, 1200), true));
    EXPECT_FALSE(b.final_size());  // unchanged on error
    EXPECT_EQ(b.contiguous_end(), 0u);
  }
  {  // RESET_STREAM final size rules
    RecvBuffer b(pool, 8192);
    ASSERT_TRUE(b.on_data(0, slice(data, 0, 700), false).ok());
    expect_final_size_error(b.on_reset(600));
    EXPECT_EQ(b.chunks_held(), 1u);  // nothing dropped on error
    ASSERT_TRUE(b.on_reset(800).ok());
    EXPECT_EQ(b.chunks_held(), 0u);
    EXPECT_EQ(b.readable(), 0u);
    expect_final_size_error(b.on_reset(801));
    expect_final_size_error(b.on_data(790, slice(data, 0, 20), false));
    EXPECT_TRUE(b.on_data(700, slice(data, 700, 100), true).ok());  // late data: checked, dropped
    EXPECT_EQ(b.chunks_held(), 0u);
  }
  EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST(RecvBuffer, DataBeyondCapacityIsRejectedWithConfiguredError) {
  ChunkPool pool(8);
  const auto data = pattern(100, 7);
  RecvBuffer stream(pool, 1000);
  auto st = stream.on_data(950, slice(data, 0, 51), false);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.error().is_transport(TransportErrorCode::FLOW_CONTROL_ERROR));
  EXPECT_EQ(pool.stats().in_use, 0u);
  EXPECT_TRUE(stream.on_data(950, slice(data, 0, 50), false).ok());

  RecvBuffer crypto(pool, 1000, TransportErrorCode::CRYPTO_BUFFER_EXCEEDED);
  auto c = crypto.on_data(1000, slice(data, 0, 1), false);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.error().is_transport(TransportErrorCode::CRYPTO_BUFFER_EXCEEDED));

  // The window slides with the read offset.
  ASSERT_TRUE(crypto.on_data(0, slice(data, 0, 100), false).ok());
  crypto.consume(100);
  EXPECT_TRUE(crypto.on_data(1000, slice(data, 0, 100), false).ok());
}

TEST(RecvBuffer, OffsetsBeyond2To62AreFrameEncodingErrors) {
  ChunkPool pool(2);
  RecvBuffer b(pool, 1000);
  const auto data = pattern(10, 8);
  auto st = b.on_data(kMaxStreamOffset - 5, slice(data, 0, 10), false);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.error().is_transport(TransportErrorCode::FRAME_ENCODING_ERROR));
  auto st2 = b.on_data(UINT64_MAX, slice(data, 0, 10), false);
  ASSERT_FALSE(st2.ok());
  EXPECT_TRUE(st2.error().is_transport(TransportErrorCode::FRAME_ENCODING_ERROR));
  auto r = b.on_reset(kMaxStreamOffset + 1);
  ASSERT_FALSE(r.ok());
}

TEST(RecvBuffer, TooManyGapsRefusesFrameWithoutStateChange) {
  ChunkPool pool(64);
  RecvBuffer b(pool, 1 << 20);
  const auto data = pattern(1 << 16, 9);
  for (std::size_t i = 0; i < RecvBuffer::kMaxGaps; ++i) {
    const std::size_t off = 100 + i * 200;
    ASSERT_TRUE(b.on_data(off, slice(data, off, 100), false).ok());
  }
  EXPECT_EQ(b.gap_count(), RecvBuffer::kMaxGaps);
  const std::size_t held = b.chunks_held();
  const std::size_t off = 100 + RecvBuffer::kMaxGaps * 200;
  auto st = b.on_data(off, slice(data, off, 100), true);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::blocked);  // drop the packet, do not ACK it
  EXPECT_EQ(b.gap_count(), RecvBuffer::kMaxGaps);
  EXPECT_EQ(b.chunks_held(), held);
  EXPECT_FALSE(b.final_size());
  EXPECT_EQ(b.highest_received(), off - 100);
  // Frames that merge with existing ranges or extend the prefix still work.
  ASSERT_TRUE(b.on_data(150, slice(data, 150, 200), false).ok());  // bridges two ranges
  EXPECT_EQ(b.gap_count(), RecvBuffer::kMaxGaps - 1);
  ASSERT_TRUE(b.on_data(0, slice(data, 0, 100), false).ok());  // prefix absorbs the first range
  EXPECT_EQ(b.readable(), 400u);
  // Now there is room again.
  EXPECT_TRUE(b.on_data(off, slice(data, off, 100), true).ok());
}

TEST(RecvBuffer, PoolExhaustionIsBlockedAndLeavesNoData) {
  ChunkPool pool(1, 2);  // at most two chunks
  RecvBuffer b(pool, 1 << 16);
  const auto data = pattern(3 * C, 10);
  auto st = b.on_data(0, slice(data, 0, 3 * C), false);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::blocked);
  EXPECT_EQ(b.readable(), 0u);
  EXPECT_EQ(b.highest_received(), 0u);
  ASSERT_TRUE(b.on_data(0, slice(data, 0, 2 * C), false).ok());
  b.consume(2 * C);
  EXPECT_EQ(pool.stats().in_use, 0u);
  EXPECT_TRUE(b.on_data(2 * C, slice(data, 2 * C, C), false).ok());
}

TEST(RecvBuffer, DiscardDropsDataButKeepsFinalSizeRules) {
  ChunkPool pool(8);
  RecvBuffer b(pool, 1 << 16);
  const auto data = pattern(10000, 11);
  ASSERT_TRUE(b.on_data(0, slice(data, 0, 5000), false).ok());
  ASSERT_TRUE(b.on_data(8000, slice(data, 8000, 1000), false).ok());
  EXPECT_GT(pool.stats().in_use, 0u);
  b.discard();
  EXPECT_EQ(pool.stats().in_use, 0u);
  EXPECT_EQ(b.readable(), 0u);
  EXPECT_TRUE(b.peek().empty());
  ASSERT_TRUE(b.on_data(5000, slice(data, 5000, 5000), true).ok());
  EXPECT_EQ(pool.stats().in_use, 0u);
  EXPECT_EQ(b.final_size(), std::optional<std::uint64_t>(10000));
  EXPECT_FALSE(b.on_data(9000, slice(data, 0, 1001), false).ok());
}

TEST(RecvBuffer, GrowCapacityKeepsBufferedData) {
  ChunkPool pool(32);
  RecvBuffer b(pool, 2 * C);
  const auto data = pattern(20 * C, 12);
  ASSERT_TRUE(b.on_data(100, slice(data, 100, C), false).ok());
  ASSERT_TRUE(b.on_data(0, slice(data, 0, 50), false).ok());
  b.consume(20);
  EXPECT_FALSE(b.on_data(2 * C + 100, slice(data, 2 * C + 100, 1), false).ok());
  b.grow_capacity(10 * C);
  EXPECT_EQ(b.capacity(), 10 * C);
  b.grow_capacity(C);  // never shrinks
  EXPECT_EQ(b.capacity(), 10 * C);
  ASSERT_TRUE(b.on_data(2 * C + 100, slice(data, 2 * C + 100, 7 * C), false).ok());
  ASSERT_TRUE(b.on_data(50, slice(data, 50, 2 * C + 50), false).ok());
  std::vector<std::uint8_t> out(data.begin(), data.begin() + 20);
  drain(b, out);
  EXPECT_EQ(out, std::vector<std::uint8_t>(data.begin(), data.begin() + 9 * C + 100));
  EXPECT_EQ(pool.stats().in_use, 1u);  // the partly read last chunk
}

TEST(RecvBuffer, EmptyStreamWithFinOnly) {
  ChunkPool pool(2);
  RecvBuffer b(pool, 100);
  ASSERT_TRUE(b.on_data(0, ByteSpan(), true).ok());
  EXPECT_TRUE(b.all_received());
  EXPECT_TRUE(b.all_read());
  EXPECT_EQ(pool.stats().in_use, 0u);
}

}  // namespace
}  // namespace tquic::transport
