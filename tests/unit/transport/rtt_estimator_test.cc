#include "transport/recovery/rtt_estimator.h"

#include <gtest/gtest.h>

namespace tquic::transport {
namespace {

Timestamp at_ms(std::int64_t v) { return kTimeZero + std::chrono::milliseconds(v); }

RttSample make_sample(Duration latest, Duration ack_delay = 0ms, bool confirmed = true,
                 Duration max_ack_delay = 25ms, std::uint64_t ack_path = 0) {
  RttSample s;
  s.latest_rtt = latest;
  s.ack_delay = ack_delay;
  s.max_ack_delay = max_ack_delay;
  s.handshake_confirmed = confirmed;
  s.now = at_ms(1000);
  s.ack_path_id = ack_path;
  return s;
}

TEST(RttEstimator, StartsFromInitialRtt) {
  RttEstimator rtt;
  EXPECT_FALSE(rtt.has_sample());
  EXPECT_EQ(rtt.smoothed_rtt(), 333ms);
  EXPECT_EQ(rtt.rttvar(), Duration(166'500'000));
  EXPECT_EQ(rtt.min_rtt(), 0ms);
  EXPECT_EQ(rtt.latest_rtt(), 0ms);
  EXPECT_EQ(rtt.pto_base(), 999ms);  // "handshakes starting with a PTO of 1 second"
}

TEST(RttEstimator, InitialRttIsConfigurable) {
  RttEstimator rtt(100ms);
  EXPECT_EQ(rtt.smoothed_rtt(), 100ms);
  EXPECT_EQ(rtt.rttvar(), 50ms);
  rtt.set_initial_rtt(40ms);
  EXPECT_EQ(rtt.smoothed_rtt(), 40ms);
  rtt.on_sample(make_sample(80ms));
  rtt.set_initial_rtt(10ms);  // no effect once a sample exists
  EXPECT_EQ(rtt.smoothed_rtt(), 80ms);
}

TEST(RttEstimator, FirstSampleResetsEstimatorAndIgnoresAckDelay) {
  RttEstimator rtt;
  auto s = make_sample(100ms, 50ms);
  s.now = at_ms(7);
  rtt.on_sample(s);
  EXPECT_TRUE(rtt.has_sample());
  EXPECT_EQ(rtt.first_rtt_sample(), at_ms(7));
  EXPECT_EQ(rtt.latest_rtt(), 100ms);
  EXPECT_EQ(rtt.min_rtt(), 100ms);
  EXPECT_EQ(rtt.smoothed_rtt(), 100ms);
  EXPECT_EQ(rtt.rttvar(), 50ms);
}

TEST(RttEstimator, SubsequentSampleSubtractsPlausibleAckDelay) {
  RttEstimator rtt;
  rtt.on_sample(make_sample(100ms));
  rtt.on_sample(make_sample(200ms, 50ms, true, 100ms));
  // adjusted_rtt = 150; rttvar = 3/4*50 + 1/4*|100-150|; srtt = 7/8*100 + 1/8*150
  EXPECT_EQ(rtt.rttvar(), 50ms);
  EXPECT_EQ(rtt.smoothed_rtt(), Duration(106'250'000));
  EXPECT_EQ(rtt.min_rtt(), 100ms);  // min_rtt never adjusted by ack delay
  EXPECT_EQ(rtt.latest_rtt(), 200ms);
}

TEST(RttEstimator, AckDelayNotSubtractedBelowMinRtt) {
  RttEstimator rtt;
  rtt.on_sample(make_sample(100ms));
  rtt.on_sample(make_sample(120ms, 50ms, true, 100ms));  // 120 < 100 + 50: use 120
  EXPECT_EQ(rtt.smoothed_rtt(), Duration(102'500'000));  // 7/8*100 + 1/8*120
  EXPECT_EQ(rtt.rttvar(), Duration(42'500'000));         // 3/4*50 + 1/4*20
}

TEST(RttEstimator, AckDelayExactlyAtBoundaryIsSubtracted) {
  RttEstimator rtt;
  rtt.on_sample(make_sample(100ms));
  rtt.on_sample(make_sample(150ms, 50ms, true, 100ms));  // 150 >= 100 + 50: adjusted 100
  EXPECT_EQ(rtt.smoothed_rtt(), 100ms);
  EXPECT_EQ(rtt.rttvar(), Duration(37'500'000));
}

TEST(RttEstimator, AckDelayCappedByMaxAckDelayOnlyAfterConfirmation) {
  RttEstimator confirmed;
  confirmed.on_sample(make_sample(100ms));
  confirmed.on_sample(make_sample(200ms, 80ms, /*confirmed=*/true, 25ms));  // uses 25 -> adjusted 175
  EXPECT_EQ(confirmed.smoothed_rtt(), Duration(109'375'000));

  RttEstimator handshake;
  handshake.on_sample(make_sample(100ms));
  handshake.on_sample(make_sample(200ms, 80ms, /*confirmed=*/false, 25ms));  // uses 80 -> adjusted 120
  EXPECT_EQ(handshake.smoothed_rtt(), Duration(102'500'000));
}

TEST(RttEstimator, MinRttTracksLowestRawSample) {
  RttEstimator rtt;
  rtt.on_sample(make_sample(100ms));
  rtt.on_sample(make_sample(60ms, 30ms));
  EXPECT_EQ(rtt.min_rtt(), 60ms);
  rtt.on_sample(make_sample(90ms));
  EXPECT_EQ(rtt.min_rtt(), 60ms);
}

TEST(RttEstimator, ResetForgetsSamples) {
  RttEstimator rtt(200ms);
  rtt.on_sample(make_sample(50ms));
  rtt.reset();
  EXPECT_FALSE(rtt.has_sample());
  EXPECT_EQ(rtt.smoothed_rtt(), 200ms);
  EXPECT_EQ(rtt.rttvar(), 100ms);
  EXPECT_EQ(rtt.min_rtt(), 0ms);
  rtt.on_sample(make_sample(70ms, 20ms));  // first sample again
  EXPECT_EQ(rtt.smoothed_rtt(), 70ms);
}

TEST(RttEstimator, PersistentCongestionResetsMinRttToLatest) {
  RttEstimator rtt;
  rtt.on_sample(make_sample(50ms));
  rtt.on_sample(make_sample(300ms));
  EXPECT_EQ(rtt.min_rtt(), 50ms);
  rtt.on_persistent_congestion();
  EXPECT_EQ(rtt.min_rtt(), 300ms);
}

// draft-ietf-quic-multipath "Computing Path RTT": min_rtt restarts when the
// ACKs arrive over another path, or when that path is abandoned.
TEST(RttEstimator, MinRttRestartsWhenAckPathChanges) {
  RttEstimator rtt;
  rtt.on_sample(make_sample(100ms, 0ms, true, 25ms, /*ack_path=*/0));
  rtt.on_sample(make_sample(350ms, 0ms, true, 25ms, /*ack_path=*/1));
  EXPECT_EQ(rtt.min_rtt(), 350ms);
  rtt.on_sample(make_sample(400ms, 0ms, true, 25ms, 1));
  EXPECT_EQ(rtt.min_rtt(), 350ms);
  rtt.on_ack_path_abandoned(0);  // not the min_rtt path: no effect
  rtt.on_sample(make_sample(500ms, 0ms, true, 25ms, 1));
  EXPECT_EQ(rtt.min_rtt(), 350ms);
  rtt.on_ack_path_abandoned(1);
  rtt.on_sample(make_sample(450ms, 0ms, true, 25ms, 1));
  EXPECT_EQ(rtt.min_rtt(), 450ms);
}

TEST(RttEstimator, HostileValuesNeitherOverflowNorGoNegative) {
  RttEstimator rtt;
  rtt.on_sample(make_sample(-5ms));
  EXPECT_EQ(rtt.latest_rtt(), 0ms);
  rtt.on_sample(make_sample(100ms, kDurationInfinite, /*confirmed=*/false));
  EXPECT_EQ(rtt.latest_rtt(), 100ms);  // ack delay implausible: not subtracted
  EXPECT_GE(rtt.smoothed_rtt(), 0ms);
  rtt.on_sample(make_sample(kDurationInfinite / 2));
  EXPECT_GT(rtt.pto_base(), 0ms);
  // initial_rtt is floored at kGranularity: 1 + max(4 * 0.5, 1) ms.
  EXPECT_EQ(RttEstimator(0ms).pto_base(), 3ms);
}

}  // namespace
}  // namespace tquic::transport
