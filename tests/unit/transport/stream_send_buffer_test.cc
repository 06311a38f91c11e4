#include "transport/stream/send_buffer.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <vector>

#include "transport/stream/recv_buffer.h"

namespace tquic::transport {
namespace {

constexpr std::uint64_t C = kStreamChunkSize;
constexpr std::uint64_t kNoLimit = UINT64_MAX;

std::vector<std::uint8_t> pattern(std::size_t n, std::uint32_t seed) {
  std::vector<std::uint8_t> v(n);
  std::mt19937 rng(seed);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng());
  return v;
}

std::vector<std::uint8_t> gather(const SendSpans& s) {
  std::vector<std::uint8_t> out(s.first.begin(), s.first.end());
  out.insert(out.end(), s.second.begin(), s.second.end());
  return out;
}

std::vector<std::uint8_t> sub(const std::vector<std::uint8_t>& v, std::uint64_t off,
                              std::uint64_t len) {
  return std::vector<std::uint8_t>(v.begin() + static_cast<long>(off),
                                   v.begin() + static_cast<long>(off + len));
}

// Sends the next range; returns it.
SendRange send_next(SendBuffer& b, std::uint64_t max_len, std::uint64_t limit = kNoLimit) {
  auto r = b.next_range(max_len, limit);
  EXPECT_TRUE(r.has_value());
  if (!r) return {};
  auto st = b.on_sent(r->offset, r->length, r->fin);
  EXPECT_TRUE(st.ok());
  return *r;
}

TEST(SendBuffer, AppendCopiesIntoChunksWithBackpressure) {
  ChunkPool pool(8);
  SendBuffer b(pool, 10000);
  const auto data = pattern(15000, 1);
  EXPECT_EQ(b.writable(), 10000u);
  EXPECT_EQ(b.append(ByteSpan(data)), 10000u);  // refused beyond the limit
  EXPECT_EQ(b.writable(), 0u);
  EXPECT_EQ(b.append(ByteSpan(data).subspan(10000)), 0u);
  EXPECT_EQ(b.write_offset(), 10000u);
  EXPECT_EQ(pool.stats().in_use, 3u);  // lazily: ceil(10000 / 4096)
  // Sending frees nothing; acknowledging the first chunk does.
  send_next(b, 1200);
  EXPECT_EQ(b.writable(), 0u);
  SendRange r = send_next(b, C);
  b.on_acked(0, r.offset + r.length, false);
  EXPECT_EQ(b.acked_prefix(), 1200 + r.length);
  EXPECT_EQ(b.writable(), 1200 + r.length);
  EXPECT_EQ(pool.stats().in_use, 2u);
}

TEST(SendBuffer, RangesSpanAtMostTwoChunksAndExposeTheBytes) {
  ChunkPool pool(8);
  SendBuffer b(pool, 1 << 20);
  const auto data = pattern(5 * C, 2);
  ASSERT_EQ(b.append(ByteSpan(data)), data.size());
  auto r = b.next_range(1000, kNoLimit);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 0u);
  EXPECT_EQ(r->length, 1000u);
  EXPECT_FALSE(r->fin);
  EXPECT_FALSE(r->retransmission);
  ASSERT_TRUE(b.on_sent(0, 1000, false).ok());
  // A huge packet still gets at most two chunks: up to the end of chunk 1.
  r = b.next_range(100000, kNoLimit);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 1000u);
  EXPECT_EQ(r->length, 2 * C - 1000);
  SendSpans s = b.bytes(r->offset, r->length);
  EXPECT_EQ(s.first.size(), C - 1000);
  EXPECT_EQ(s.second.size(), C);
  EXPECT_EQ(gather(s), sub(data, r->offset, r->length));
  // The spans point into the chunks (no copy): stable across calls.
  EXPECT_EQ(b.bytes(r->offset, r->length).first.data(), s.first.data());
  // Bytes outside what was written are refused.
  EXPECT_EQ(b.bytes(5 * C - 10, 11).size(), 0u);
}

TEST(SendBuffer, LostRangesAreResentBeforeNewDataAndMaySplit) {
  ChunkPool pool(8);
  SendBuffer b(pool, 1 << 20);
  const auto data = pattern(10000, 3);
  ASSERT_EQ(b.append(ByteSpan(data)), data.size());
  for (int i = 0; i < 5; ++i) send_next(b, 1000);  // [0, 5000)
  b.on_acked(0, 1000, false);
  b.on_lost(1000, 1000, false);
  b.on_lost(3000, 1000, false);
  EXPECT_TRUE(b.has_lost());
  // First lost range, split across two packets.
  auto r = b.next_range(600, kNoLimit);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 1000u);
  EXPECT_EQ(r->length, 600u);
  EXPECT_TRUE(r->retransmission);
  EXPECT_EQ(gather(b.bytes(r->offset, r->length)), sub(data, 1000, 600));
  auto fresh = b.on_sent(r->offset, r->length, false);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(*fresh, 0u);  // retransmissions use no new flow-control credit
  r = b.next_range(600, kNoLimit);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 1600u);
  EXPECT_EQ(r->length, 400u);
  ASSERT_TRUE(b.on_sent(r->offset, r->length, false).ok());
  r = b.next_range(5000, kNoLimit);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 3000u);
  EXPECT_EQ(r->length, 1000u);
  ASSERT_TRUE(b.on_sent(r->offset, r->length, false).ok());
  EXPECT_FALSE(b.has_lost());
  // Then new data.
  r = b.next_range(1000, kNoLimit);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 5000u);
  EXPECT_FALSE(r->retransmission);
  auto fresh2 = b.on_sent(r->offset, r->length, false);
  ASSERT_TRUE(fresh2.ok());
  EXPECT_EQ(*fresh2, 1000u);
}

TEST(SendBuffer, LostRangeAckedLaterIsNotResent) {
  ChunkPool pool(8);
  SendBuffer b(pool, 1 << 20);
  const auto data = pattern(3000, 4);
  ASSERT_EQ(b.append(ByteSpan(data)), data.size());
  send_next(b, 1000);
  send_next(b, 1000);
  send_next(b, 1000);
  b.on_lost(0, 3000, false);
  b.on_acked(0, 1000, false);     // spurious loss: the original arrived
  b.on_acked(1500, 1000, false);  // part of the middle too
  auto r = b.next_range(10000, kNoLimit);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 1000u);
  EXPECT_EQ(r->length, 500u);
  ASSERT_TRUE(b.on_sent(r->offset, r->length, false).ok());
  r = b.next_range(10000, kNoLimit);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 2500u);
  EXPECT_EQ(r->length, 500u);
  ASSERT_TRUE(b.on_sent(r->offset, r->length, false).ok());
  EXPECT_FALSE(b.next_range(10000, kNoLimit));
  // Losing bytes that are already acknowledged queues nothing.
  b.on_lost(0, 1000, false);
  EXPECT_FALSE(b.has_lost());
}

TEST(SendBuffer, ChunksAreFreedOnceEverythingInThemIsAcked) {
  ChunkPool pool(8);
  SendBuffer b(pool, 1 << 20);
  const auto data = pattern(3 * C + 10, 5);
  ASSERT_EQ(b.append(ByteSpan(data)), data.size());
  EXPECT_EQ(pool.stats().in_use, 4u);
  while (b.next_range(1000, kNoLimit)) send_next(b, 1000);
  // Middle chunk acknowledged out of order: freed although chunk 0 is not.
  b.on_acked(C - 100, C + 200, false);
  EXPECT_EQ(pool.stats().in_use, 3u);
  EXPECT_EQ(b.acked_prefix(), 0u);
  b.on_acked(0, C - 100, false);
  EXPECT_EQ(b.acked_prefix(), 2 * C + 100);
  EXPECT_EQ(pool.stats().in_use, 2u);  // chunk 2 still holds unacked bytes
  b.on_acked(2 * C + 100, C - 100, false);
  EXPECT_EQ(pool.stats().in_use, 1u);
  // The tail chunk goes too once its bytes are acked; a later append takes a new one.
  b.on_acked(3 * C, 10, false);
  EXPECT_EQ(pool.stats().in_use, 0u);
  const auto more = pattern(100, 6);
  ASSERT_EQ(b.append(ByteSpan(more)), 100u);
  EXPECT_EQ(pool.stats().in_use, 1u);
  auto r = b.next_range(1000, kNoLimit);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 3 * C + 10);
  EXPECT_EQ(gather(b.bytes(r->offset, r->length)), more);
}

TEST(SendBuffer, FinOnlyFinWithDataFinLossAndAllAcked) {
  ChunkPool pool(4);
  {
    SendBuffer b(pool, 1 << 16);
    const auto data = pattern(500, 7);
    ASSERT_EQ(b.append(ByteSpan(data)), 500u);
    b.finish();
    EXPECT_EQ(b.append(ByteSpan(data)), 0u);  // nothing after FIN
    auto r = b.next_range(1000, kNoLimit);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->length, 500u);
    EXPECT_TRUE(r->fin);
    ASSERT_TRUE(b.on_sent(0, 500, true).ok());
    EXPECT_TRUE(b.fin_sent());
    EXPECT_FALSE(b.has_pending());
    b.on_lost(0, 500, true);
    r = b.next_range(200, kNoLimit);  // split: FIN only on the last piece
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->fin);
    ASSERT_TRUE(b.on_sent(r->offset, r->length, r->fin).ok());
    r = b.next_range(1000, kNoLimit);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->offset, 200u);
    EXPECT_EQ(r->length, 300u);
    EXPECT_TRUE(r->fin);
    ASSERT_TRUE(b.on_sent(r->offset, r->length, r->fin).ok());
    b.on_acked(0, 500, true);
    EXPECT_TRUE(b.all_acked());
    EXPECT_EQ(pool.stats().in_use, 0u);
  }
  {
    SendBuffer b(pool, 1 << 16);
    const auto data = pattern(300, 8);
    ASSERT_EQ(b.append(ByteSpan(data)), 300u);
    send_next(b, 1000);
    b.finish();
    auto r = b.next_range(0, kNoLimit);  // FIN-only frame needs no room for data
    ASSERT_TRUE(r);
    EXPECT_EQ(r->offset, 300u);
    EXPECT_EQ(r->length, 0u);
    EXPECT_TRUE(r->fin);
    ASSERT_TRUE(b.on_sent(300, 0, true).ok());
    b.on_acked(0, 300, false);
    EXPECT_FALSE(b.all_acked());
    b.on_lost(300, 0, true);
    r = b.next_range(1000, kNoLimit);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->length, 0u);
    EXPECT_TRUE(r->fin);
    EXPECT_TRUE(r->retransmission);
    ASSERT_TRUE(b.on_sent(300, 0, true).ok());
    b.on_acked(300, 0, true);
    EXPECT_TRUE(b.all_acked());
  }
  EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST(SendBuffer, NewDataRespectsFlowControlRetransmissionsDoNot) {
  ChunkPool pool(4);
  SendBuffer b(pool, 1 << 16);
  const auto data = pattern(3000, 9);
  ASSERT_EQ(b.append(ByteSpan(data)), data.size());
  b.finish();
  auto r = b.next_range(5000, 1000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->length, 1000u);
  EXPECT_FALSE(r->fin);
  ASSERT_TRUE(b.on_sent(0, 1000, false).ok());
  EXPECT_FALSE(b.next_range(5000, 1000));  // blocked
  EXPECT_TRUE(b.has_pending());
  b.on_lost(0, 1000, false);
  r = b.next_range(5000, 1000);  // the lost bytes go even while blocked
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->retransmission);
  ASSERT_TRUE(b.on_sent(r->offset, r->length, false).ok());
  r = b.next_range(5000, 3000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 1000u);
  EXPECT_EQ(r->length, 2000u);
  EXPECT_TRUE(r->fin);  // FIN rides on the last bytes
}

TEST(SendBuffer, SentRangeMisuseIsLocalError) {
  ChunkPool pool(4);
  SendBuffer b(pool, 1 << 16);
  const auto data = pattern(100, 10);
  ASSERT_EQ(b.append(ByteSpan(data)), 100u);
  EXPECT_FALSE(b.on_sent(0, 101, false).ok());        // beyond written data
  EXPECT_FALSE(b.on_sent(50, 10, false).ok());        // hole in new data
  EXPECT_FALSE(b.on_sent(0, 100, true).ok());         // FIN before finish()
  EXPECT_FALSE(b.on_sent(UINT64_MAX, 1, false).ok());
  ASSERT_TRUE(b.on_sent(0, 100, false).ok());
  b.finish();
  EXPECT_FALSE(b.on_sent(0, 50, true).ok());  // FIN away from the final size
  EXPECT_EQ(b.on_sent(0, 100, false).ok(), true);
  // Absurd ack/loss input is clipped, never overflows.
  b.on_acked(UINT64_MAX - 1, 10, false);
  b.on_lost(UINT64_MAX - 1, 10, false);
  EXPECT_EQ(b.acked_prefix(), 0u);
}

TEST(SendBuffer, FullAckSetFallsBackToResending) {
  ChunkPool pool(64);
  SendBuffer b(pool, 1 << 20);
  const auto data = pattern(100 * 100, 11);
  ASSERT_EQ(b.append(ByteSpan(data)), data.size());
  for (int i = 0; i < 100; ++i) send_next(b, 100);
  // Acknowledge every other 100-byte packet except the first: 33 islands.
  for (std::uint64_t i = 1; i <= SendBuffer::kMaxAckedRanges + 1; ++i) b.on_acked(i * 200, 100, false);
  // The last acknowledgment had no room: it is queued for resending instead.
  const std::uint64_t last = (SendBuffer::kMaxAckedRanges + 1) * 200;
  auto r = b.next_range(1000, kNoLimit);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->retransmission);
  EXPECT_EQ(r->offset, last);
  EXPECT_EQ(r->length, 100u);
  ASSERT_TRUE(b.on_sent(r->offset, r->length, false).ok());
  // Acking everything still completes and frees all memory.
  b.on_acked(0, 10000, false);
  b.finish();
  auto fin = b.next_range(100, kNoLimit);
  ASSERT_TRUE(fin);
  ASSERT_TRUE(b.on_sent(fin->offset, fin->length, fin->fin).ok());
  b.on_acked(fin->offset, fin->length, true);
  EXPECT_TRUE(b.all_acked());
  EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST(SendBuffer, DiscardReleasesEverything) {
  ChunkPool pool(8);
  SendBuffer b(pool, 1 << 16);
  const auto data = pattern(10000, 12);
  ASSERT_EQ(b.append(ByteSpan(data)), data.size());
  send_next(b, 3000);
  b.discard();
  EXPECT_EQ(pool.stats().in_use, 0u);
  EXPECT_FALSE(b.next_range(1000, kNoLimit));
  EXPECT_FALSE(b.has_pending());
  EXPECT_EQ(b.max_sent_offset(), 3000u);  // the RESET_STREAM final size
  EXPECT_EQ(b.append(ByteSpan(data)), 0u);
  EXPECT_FALSE(b.on_sent(3000, 10, false).ok());
}

// Seeded simulation: packets carrying ranges are lost, reordered and
// acknowledged at random; the receiver (a RecvBuffer) must reconstruct the
// stream exactly, and both sides must give back every chunk.
TEST(SendBuffer, LossyTransferReconstructsExactlyAndFreesAllChunks) {
  for (std::uint32_t seed : {3u, 17u, 4242u}) {
    ChunkPool pool(64);
    std::mt19937 rng(seed);
    const auto data = pattern(300000, seed);
    SendBuffer tx(pool, 64 * 1024);
    RecvBuffer rx(pool, 1 << 20);
    std::vector<std::uint8_t> out;
    struct Packet {
      SendRange range;
      bool lost;
    };
    std::deque<Packet> in_flight;
    std::size_t written = 0;
    int steps = 0;
    while (!tx.all_acked() && steps++ < 200000) {
      if (written < data.size()) {
        written += tx.append(ByteSpan(data).subspan(written, std::min<std::size_t>(
                                                               data.size() - written, 5000)));
        if (written == data.size()) tx.finish();
      }
      const std::uint64_t mtu = 900 + rng() % 600;
      if (auto r = tx.next_range(mtu, kNoLimit)) {
        const SendSpans s = tx.bytes(r->offset, r->length);
        ASSERT_EQ(s.size(), r->length);
        // The receiver gets a copy only if the packet survives.
        bool delivered = false;
        if (rng() % 10 != 0) {
          const auto bytes = gather(s);
          auto st = rx.on_data(r->offset, ByteSpan(bytes), r->fin);
          // A `blocked` refusal means "drop the packet unacknowledged".
          ASSERT_TRUE(st.ok() || st.error().kind == ErrorKind::blocked) << "seed " << seed;
          delivered = st.ok();
        }
        in_flight.push_back(Packet{*r, !delivered});
        ASSERT_TRUE(tx.on_sent(r->offset, r->length, r->fin).ok());
      }
      // Resolve a random in-flight packet (reordered acks).
      if (!in_flight.empty() && (rng() % 2 == 0 || !tx.has_pending())) {
        const std::size_t i = rng() % std::min<std::size_t>(in_flight.size(), 8);
        const Packet p = in_flight[i];
        in_flight.erase(in_flight.begin() + static_cast<long>(i));
        if (p.lost) tx.on_lost(p.range.offset, p.range.length, p.range.fin);
        else tx.on_acked(p.range.offset, p.range.length, p.range.fin);
      }
      while (rx.readable() > 0) {
        ByteSpan s = rx.peek();
        out.insert(out.end(), s.begin(), s.end());
        rx.consume(s.size());
      }
    }
    ASSERT_TRUE(tx.all_acked()) << "seed " << seed << " steps " << steps << " written " << written
                                << " prefix " << tx.acked_prefix() << " sent " << tx.max_sent_offset()
                                << " fin_sent " << tx.fin_sent() << " fin_acked " << tx.fin_acked()
                                << " pending " << tx.has_pending() << " in_flight " << in_flight.size()
                                << " out " << out.size();
    EXPECT_EQ(out, data) << "seed " << seed;
    EXPECT_TRUE(rx.all_read());
    EXPECT_EQ(tx.chunks_held(), 0u);
    EXPECT_EQ(pool.stats().in_use, 0u) << "seed " << seed;
  }
}

}  // namespace
}  // namespace tquic::transport
