#include "transport/stream/recv_stream.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace tquic::transport {
namespace {

std::vector<std::uint8_t> pattern(std::size_t n, std::uint32_t seed) {
  std::vector<std::uint8_t> v(n);
  std::mt19937 rng(seed);
  for (auto& b : v) b = static_cast<std::uint8_t>(rng());
  return v;
}

ByteSpan slice(const std::vector<std::uint8_t>& v, std::size_t off, std::size_t len) {
  return ByteSpan(v.data() + off, len);
}

std::vector<std::uint8_t> read_all(RecvStream& s) {
  std::vector<std::uint8_t> out;
  while (s.readable() > 0) {
    ByteSpan b = s.peek();
    out.insert(out.end(), b.begin(), b.end());
    s.consume(b.size());
  }
  return out;
}

TEST(RecvStream, DataFinAndReadAllReachDataRead) {
  ChunkPool pool(8);
  RecvStream s(pool, 10000, 10000);
  const auto data = pattern(3000, 1);
  auto d1 = s.on_stream_frame(1000, slice(data, 1000, 2000), true);
  ASSERT_TRUE(d1.ok());
  EXPECT_EQ(d1->received, 3000u);  // highest offset jumped to 3000
  EXPECT_EQ(s.state(), RecvStreamState::size_known);
  auto d2 = s.on_stream_frame(0, slice(data, 0, 1000), false);
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ(d2->received, 0u);
  EXPECT_EQ(s.state(), RecvStreamState::data_recvd);
  EXPECT_EQ(read_all(s), data);
  EXPECT_EQ(s.state(), RecvStreamState::data_read);
  EXPECT_TRUE(s.fin_read());
  EXPECT_EQ(pool.stats().in_use, 0u);
  EXPECT_FALSE(s.should_send_max_stream_data());
}

TEST(RecvStream, FlowControlViolationLeavesNoTrace) {
  ChunkPool pool(8);
  RecvStream s(pool, 1000, 1000);
  const auto data = pattern(2000, 2);
  auto r = s.on_stream_frame(500, slice(data, 0, 501), false);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().is_transport(TransportErrorCode::FLOW_CONTROL_ERROR));
  EXPECT_EQ(r.error().frame_type, 0x08u);
  EXPECT_EQ(pool.stats().in_use, 0u);
  EXPECT_EQ(s.flow().highest_received(), 0u);
  auto reset = s.on_reset_stream(1, 1001);
  ASSERT_FALSE(reset.ok());
  EXPECT_TRUE(reset.error().is_transport(TransportErrorCode::FLOW_CONTROL_ERROR));
}

TEST(RecvStream, MaxStreamDataAfterHalfWindowReadAndBufferFollowsAutoTuning) {
  ChunkPool pool(64);
  RecvStream s(pool, 8192, 65536);
  const auto data = pattern(200000, 3);
  std::uint64_t offset = 0;
  std::int64_t now_ms = 0;
  int updates = 0;
  // The peer fills every window at once; the application reads at once:
  // updates arrive fast (10 ms apart, RTT 50 ms) so the window grows.
  while (offset < 150000) {
    const std::uint64_t n = std::min<std::uint64_t>(s.max_stream_data() - offset, 1200);
    ASSERT_TRUE(s.on_stream_frame(offset, slice(data, offset, n), false).ok());
    offset += n;
    read_all(s);
    if (s.should_send_max_stream_data()) {
      now_ms += 10;
      const std::uint64_t limit = s.make_max_stream_data(50ms, timestamp_from_ns(now_ms * 1000000));
      EXPECT_EQ(limit, s.max_stream_data());
      ++updates;
    }
  }
  EXPECT_GT(updates, 3);
  EXPECT_EQ(s.flow().window(), 65536u);
  EXPECT_GE(s.buffer().capacity(), s.flow().window());
  // A full window of out-of-order data fits the grown buffer.
  const std::uint64_t limit = s.max_stream_data();
  ASSERT_TRUE(s.on_stream_frame(limit - 1000, slice(data, 0, 1000), false).ok());
}

TEST(RecvStream, ResetStreamFinalSizeChecksAndCreditRelease) {
  ChunkPool pool(8);
  RecvStream s(pool, 10000, 10000);
  const auto data = pattern(4000, 4);
  ASSERT_TRUE(s.on_stream_frame(0, slice(data, 0, 1000), false).ok());
  ASSERT_TRUE(s.on_stream_frame(3000, slice(data, 3000, 1000), false).ok());
  s.consume(400);
  auto bad = s.on_reset_stream(7, 3999);  // below data received
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().is_transport(TransportErrorCode::FINAL_SIZE_ERROR));
  EXPECT_EQ(s.state(), RecvStreamState::recv);
  auto ok = s.on_reset_stream(7, 5000);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->received, 1000u);   // 4000 -> 5000
  EXPECT_EQ(ok->consumed, 4600u);   // everything not read is released
  EXPECT_EQ(s.state(), RecvStreamState::reset_recvd);
  EXPECT_EQ(s.reset_error_code(), std::optional<std::uint64_t>(7));
  EXPECT_EQ(pool.stats().in_use, 0u);
  EXPECT_EQ(s.readable(), 0u);
  // Repeated RESET_STREAM must agree; late data is checked and dropped.
  EXPECT_FALSE(s.on_reset_stream(7, 5001).ok());
  auto again = s.on_reset_stream(7, 5000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->received + again->consumed, 0u);
  auto late = s.on_stream_frame(1000, slice(data, 1000, 2000), false);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->received, 0u);
  EXPECT_FALSE(s.on_stream_frame(4500, slice(data, 0, 501), false).ok());  // beyond final size
  EXPECT_EQ(pool.stats().in_use, 0u);
  ASSERT_TRUE(s.on_app_read_reset().ok());
  EXPECT_EQ(s.state(), RecvStreamState::reset_read);
}

TEST(RecvStream, ResetAfterAllDataIsSuppressedButFinalSizeChecked) {
  ChunkPool pool(8);
  RecvStream s(pool, 10000, 10000);
  const auto data = pattern(100, 5);
  ASSERT_TRUE(s.on_stream_frame(0, slice(data, 0, 100), true).ok());
  EXPECT_EQ(s.state(), RecvStreamState::data_recvd);
  auto bad = s.on_reset_stream(1, 99);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().is_transport(TransportErrorCode::FINAL_SIZE_ERROR));
  ASSERT_TRUE(s.on_reset_stream(1, 100).ok());
  EXPECT_EQ(s.state(), RecvStreamState::data_recvd);
  EXPECT_EQ(read_all(s), data);  // the data is still delivered
  EXPECT_EQ(s.state(), RecvStreamState::data_read);
}

TEST(RecvStream, StopReadingReleasesBufferedAndLaterData) {
  ChunkPool pool(8);
  RecvStream s(pool, 10000, 10000);
  const auto data = pattern(6000, 6);
  ASSERT_TRUE(s.on_stream_frame(0, slice(data, 0, 2000), false).ok());
  ASSERT_TRUE(s.on_stream_frame(3000, slice(data, 3000, 1000), false).ok());
  s.consume(500);
  auto stop = s.stop_reading();
  EXPECT_TRUE(stop.send_stop_sending);
  EXPECT_EQ(stop.flow.consumed, 3500u);  // 4000 received - 500 read
  EXPECT_EQ(pool.stats().in_use, 0u);
  auto again = s.stop_reading();
  EXPECT_FALSE(again.send_stop_sending);
  EXPECT_EQ(again.flow.consumed, 0u);
  // Data still arriving counts as received and consumed at once.
  auto late = s.on_stream_frame(4000, slice(data, 4000, 2000), true);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->received, 2000u);
  EXPECT_EQ(late->consumed, 2000u);
  EXPECT_EQ(pool.stats().in_use, 0u);
  EXPECT_EQ(s.state(), RecvStreamState::data_read);  // settled: nothing will be delivered
}

TEST(RecvStream, EmptyStreamIsReadImmediately) {
  ChunkPool pool(2);
  RecvStream s(pool, 100, 100);
  ASSERT_TRUE(s.on_stream_frame(0, ByteSpan(), true).ok());
  EXPECT_EQ(s.state(), RecvStreamState::data_read);
  EXPECT_TRUE(s.fin_read());
}

}  // namespace
}  // namespace tquic::transport
