#include <gtest/gtest.h>

#include <vector>

#include "transport/recovery/delivery_rate.h"
#include "unit/transport/cc_sim.h"

namespace tquic::transport {
namespace {

using test::at;

struct Sent {
  Timestamp time;
  std::uint64_t bytes;
  DeliveryRateSnapshot snap;
};

// Packets leave every 1 ms and each is acknowledged 50 ms later: the
// delivery rate is 1200 bytes per ms.
TEST(DeliveryRate, SteadyFlowMeasuresItsRate) {
  DeliveryRateSampler s;
  std::vector<Sent> sent;
  std::uint64_t inflight = 0;
  RateSample last{};
  for (int i = 0; i < 200; ++i) {
    const Timestamp now = at(i * 1ms);
    // ACKs due now arrive before the send.
    if (i >= 50) {
      const Sent& p = sent[static_cast<std::size_t>(i - 50)];
      s.begin_ack();
      s.on_packet_acked(now, p.time, p.bytes, p.snap);
      inflight -= p.bytes;
      last = s.end_ack(40ms);
    }
    sent.push_back({now, 1200, s.on_packet_sent(now, 1200, inflight)});
    inflight += 1200;
  }
  ASSERT_TRUE(last.valid);
  EXPECT_NEAR(static_cast<double>(last.delivery_rate), 1'200'000.0, 30'000.0);
  EXPECT_EQ(last.rtt, 50ms);
  EXPECT_EQ(last.newly_acked, 1200u);
  EXPECT_FALSE(last.is_app_limited);
  EXPECT_EQ(last.tx_in_flight, 50u * 1200);  // 49 in flight before it, plus itself
  EXPECT_EQ(s.delivered(), 150u * 1200);
}

TEST(DeliveryRate, UsesTheMostRecentlySentPacket) {
  DeliveryRateSampler s;
  const auto a = s.on_packet_sent(at(0ms), 1000, 0);
  const auto b = s.on_packet_sent(at(10ms), 1000, 1000);
  s.begin_ack();
  s.on_packet_acked(at(100ms), at(10ms), 1000, b);  // order does not matter
  s.on_packet_acked(at(100ms), at(0ms), 1000, a);
  const RateSample& rs = s.end_ack(Duration::zero());
  ASSERT_TRUE(rs.valid);
  EXPECT_EQ(rs.rtt, 90ms);
  EXPECT_EQ(rs.delivered, 2000u);
  EXPECT_EQ(rs.newly_acked, 2000u);
  EXPECT_EQ(rs.send_elapsed, 10ms);
  EXPECT_EQ(rs.ack_elapsed, 100ms);
  EXPECT_EQ(rs.interval, 100ms);
  EXPECT_EQ(rs.delivery_rate, 20'000u);
}

TEST(DeliveryRate, CompressedAcksBelowMinRttAreInvalid) {
  DeliveryRateSampler s;
  const auto a = s.on_packet_sent(at(0ms), 1000, 0);
  s.begin_ack();
  s.on_packet_acked(at(5ms), at(0ms), 1000, a);
  EXPECT_FALSE(s.end_ack(20ms).valid);
  EXPECT_EQ(s.delivered(), 1000u);  // still counted as delivered
  s.begin_ack();
  EXPECT_FALSE(s.end_ack(20ms).has_packet);  // empty ACK: no sample
}

TEST(DeliveryRate, AppLimitedUntilTheFlightIsDelivered) {
  DeliveryRateSampler s;
  const auto a = s.on_packet_sent(at(0ms), 1000, 0);
  s.on_app_limited(1000);  // the sender ran dry with 1000 bytes in flight
  EXPECT_TRUE(s.app_limited());
  const auto b = s.on_packet_sent(at(1ms), 1000, 1000);
  EXPECT_FALSE(a.is_app_limited);
  EXPECT_TRUE(b.is_app_limited);
  s.begin_ack();
  s.on_packet_acked(at(50ms), at(0ms), 1000, a);
  EXPECT_FALSE(s.end_ack(Duration::zero()).is_app_limited);
  EXPECT_TRUE(s.app_limited());  // delivered == mark: not beyond it yet
  s.begin_ack();
  s.on_packet_acked(at(51ms), at(1ms), 1000, b);
  EXPECT_TRUE(s.end_ack(Duration::zero()).is_app_limited);
  EXPECT_FALSE(s.app_limited());  // the app-limited bubble is delivered
  s.on_app_limited(0);  // nothing in flight, nothing delivered beyond: mark stays non-zero
  EXPECT_TRUE(s.app_limited());
}

TEST(DeliveryRate, TracksLossesSinceSend) {
  DeliveryRateSampler s;
  s.on_packets_lost(500);
  const auto a = s.on_packet_sent(at(0ms), 1000, 0);
  EXPECT_EQ(a.lost, 500u);
  s.on_packets_lost(3000);
  s.begin_ack();
  s.on_packet_acked(at(10ms), at(0ms), 1000, a);
  EXPECT_EQ(s.end_ack(Duration::zero()).lost, 3000u);
  EXPECT_EQ(s.lost(), 3500u);
}

TEST(DeliveryRate, TxInFlightSaturates) {
  DeliveryRateSampler s;
  const auto a = s.on_packet_sent(at(0ms), 1000, std::uint64_t{1} << 40);
  EXPECT_EQ(a.tx_in_flight, UINT32_MAX);
}

}  // namespace
}  // namespace tquic::transport
