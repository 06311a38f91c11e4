#include "transport/stream/send_stream.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace tquic::transport {
namespace {

constexpr std::uint64_t kNoLimit = UINT64_MAX;

std::vector<std::uint8_t> pattern(std::size_t n, std::uint32_t seed) {
  std::vector<std::uint8_t> v(n);
  std::mt19937 rng(seed);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng());
  return v;
}

TEST(SendStream, WriteFinishSendAckReachesDataRecvd) {
  ChunkPool pool(8);
  SendStream s(pool, 1 << 16, 1 << 16);
  const auto data = pattern(2000, 1);
  auto w = s.write(ByteSpan(data));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, 2000u);
  ASSERT_TRUE(s.finish().ok());
  EXPECT_FALSE(s.write(ByteSpan(data)).ok());
  EXPECT_FALSE(s.finish().ok());
  EXPECT_EQ(s.state(), SendStreamState::ready);
  auto r = s.next_range(1200, kNoLimit);
  ASSERT_TRUE(r);
  auto fresh = s.on_sent(r->offset, r->length, r->fin);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(*fresh, 1200u);
  EXPECT_EQ(s.state(), SendStreamState::send);
  r = s.next_range(1200, kNoLimit);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->fin);
  ASSERT_TRUE(s.on_sent(r->offset, r->length, r->fin).ok());
  EXPECT_EQ(s.state(), SendStreamState::data_sent);
  s.on_acked(1200, 800, true);
  EXPECT_EQ(s.state(), SendStreamState::data_sent);
  s.on_lost(0, 1200, false);
  r = s.next_range(1200, 0);  // retransmission needs no connection credit
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->retransmission);
  ASSERT_TRUE(s.on_sent(r->offset, r->length, r->fin).ok());
  EXPECT_EQ(s.state(), SendStreamState::data_sent);
  s.on_acked(0, 1200, false);
  EXPECT_EQ(s.state(), SendStreamState::data_recvd);
  EXPECT_TRUE(s.is_terminal());
  EXPECT_EQ(pool.stats().in_use, 0u);
  EXPECT_FALSE(s.next_range(1200, kNoLimit));
}

TEST(SendStream, StreamAndConnectionCreditLimitNewData) {
  ChunkPool pool(8);
  SendStream s(pool, 1 << 16, 1000);
  const auto data = pattern(3000, 2);
  ASSERT_TRUE(s.write(ByteSpan(data)).ok());
  auto r = s.next_range(5000, 600);  // connection allows 600
  ASSERT_TRUE(r);
  EXPECT_EQ(r->length, 600u);
  ASSERT_TRUE(s.on_sent(r->offset, r->length, r->fin).ok());
  r = s.next_range(5000, kNoLimit);  // stream allows up to 1000
  ASSERT_TRUE(r);
  EXPECT_EQ(r->length, 400u);
  ASSERT_TRUE(s.on_sent(r->offset, r->length, r->fin).ok());
  EXPECT_FALSE(s.next_range(5000, kNoLimit));
  EXPECT_FALSE(s.on_sent(1000, 10, false).ok());  // beyond stream credit
  // Blocked: STREAM_DATA_BLOCKED once per limit.
  ASSERT_EQ(s.stream_data_blocked_pending(), std::optional<std::uint64_t>(1000));
  ASSERT_TRUE(s.on_stream_data_blocked_sent(1000).ok());
  EXPECT_FALSE(s.stream_data_blocked_pending());
  EXPECT_FALSE(s.on_max_stream_data(900));
  EXPECT_TRUE(s.on_max_stream_data(2000));
  EXPECT_FALSE(s.stream_data_blocked_pending());
  r = s.next_range(5000, kNoLimit);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->offset, 1000u);
  EXPECT_EQ(r->length, 1000u);
}

TEST(SendStream, NoBlockedSignalWithoutWaitingData) {
  ChunkPool pool(4);
  SendStream s(pool, 1 << 16, 100);
  const auto data = pattern(100, 3);
  ASSERT_TRUE(s.write(ByteSpan(data)).ok());
  auto r = s.next_range(1000, kNoLimit);
  ASSERT_TRUE(r);
  ASSERT_TRUE(s.on_sent(r->offset, r->length, r->fin).ok());
  EXPECT_TRUE(s.flow().is_blocked());
  EXPECT_FALSE(s.stream_data_blocked_pending());  // nothing waits for credit
}

TEST(SendStream, StopSendingResetsWithPeersCodeAndFreesMemory) {
  ChunkPool pool(8);
  SendStream s(pool, 1 << 16, 1 << 16);
  const auto data = pattern(10000, 4);
  ASSERT_TRUE(s.write(ByteSpan(data)).ok());
  auto r = s.next_range(3000, kNoLimit);
  ASSERT_TRUE(r);
  ASSERT_TRUE(s.on_sent(r->offset, r->length, r->fin).ok());
  s.on_stop_sending(0x1234);
  EXPECT_TRUE(s.reset_pending());
  EXPECT_EQ(s.reset_error_code(), 0x1234u);
  EXPECT_EQ(s.final_size(), r->length);
  EXPECT_EQ(pool.stats().in_use, 0u);
  EXPECT_FALSE(s.next_range(3000, kNoLimit));
  EXPECT_FALSE(s.write(ByteSpan(data)).ok());
  EXPECT_EQ(s.writable(), 0u);
  EXPECT_FALSE(s.stream_data_blocked_pending());
  ASSERT_TRUE(s.on_reset_sent().ok());
  EXPECT_EQ(s.state(), SendStreamState::reset_sent);
  EXPECT_FALSE(s.reset_pending());
  EXPECT_FALSE(s.on_reset_sent().ok());  // nothing pending
  s.on_reset_lost();
  EXPECT_TRUE(s.reset_pending());  // resend RESET_STREAM
  ASSERT_TRUE(s.on_reset_sent().ok());
  s.on_acked(0, 3000, false);  // late ACK of data: harmless
  s.on_reset_acked();
  EXPECT_EQ(s.state(), SendStreamState::reset_recvd);
  EXPECT_TRUE(s.is_terminal());
  s.on_reset_lost();  // a stale loss after the ACK changes nothing
  EXPECT_FALSE(s.reset_pending());
}

TEST(SendStream, AppResetFromReadyAndIgnoredAfterAllAcked) {
  ChunkPool pool(4);
  SendStream a(pool, 1 << 16, 1 << 16);
  a.reset(5);
  EXPECT_TRUE(a.reset_pending());
  EXPECT_EQ(a.final_size(), 0u);
  ASSERT_TRUE(a.on_reset_sent().ok());
  EXPECT_EQ(a.state(), SendStreamState::reset_sent);

  SendStream b(pool, 1 << 16, 1 << 16);
  ASSERT_TRUE(b.finish().ok());
  auto r = b.next_range(100, kNoLimit);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->fin);
  EXPECT_EQ(r->length, 0u);
  ASSERT_TRUE(b.on_sent(r->offset, r->length, r->fin).ok());
  b.on_acked(0, 0, true);
  EXPECT_EQ(b.state(), SendStreamState::data_recvd);
  b.reset(9);
  b.on_stop_sending(9);
  EXPECT_FALSE(b.reset_pending());
  EXPECT_EQ(pool.stats().in_use, 0u);
}

TEST(SendStream, BackpressureReportsAcceptedBytes) {
  ChunkPool pool(8);
  SendStream s(pool, 5000, 1 << 16);
  const auto data = pattern(8000, 5);
  auto w = s.write(ByteSpan(data));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, 5000u);
  EXPECT_EQ(s.writable(), 0u);
  auto r = s.next_range(2000, kNoLimit);
  ASSERT_TRUE(r);
  ASSERT_TRUE(s.on_sent(r->offset, r->length, r->fin).ok());
  s.on_acked(0, 2000, false);
  EXPECT_EQ(s.writable(), 2000u);
  auto w2 = s.write(ByteSpan(data).subspan(5000));
  ASSERT_TRUE(w2.ok());
  EXPECT_EQ(*w2, 2000u);
}

}  // namespace
}  // namespace tquic::transport
