#include <gtest/gtest.h>

#include "transport/cc/new_reno.h"
#include "unit/transport/cc_sim.h"

namespace tquic::transport {
namespace {

using test::at;
using test::CcDriver;

constexpr std::uint64_t kMds = 1200;
constexpr Duration kRtt = 100ms;

CongestionControlConfig config(std::uint64_t mds = kMds) {
  CongestionControlConfig c;
  c.max_datagram_size = mds;
  return c;
}

TEST(CcFactory, NamesAndFactory) {
  for (auto a : {CongestionControlAlgorithm::new_reno, CongestionControlAlgorithm::cubic,
                 CongestionControlAlgorithm::bbr3}) {
    auto parsed = parse_congestion_control_algorithm(congestion_control_algorithm_name(a));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, a);
    auto cc = make_congestion_controller(a, config());
    ASSERT_NE(cc, nullptr);
    EXPECT_EQ(cc->algorithm(), a);
    EXPECT_EQ(cc->congestion_window(), 12000u);
    EXPECT_TRUE(cc->in_slow_start());
    EXPECT_GT(cc->pacing_rate(), 0u);
  }
  EXPECT_FALSE(parse_congestion_control_algorithm("vegas").ok());
  EXPECT_FALSE(parse_congestion_control_algorithm("").ok());
  EXPECT_EQ(*parse_congestion_control_algorithm("reno"), CongestionControlAlgorithm::new_reno);
  EXPECT_EQ(*parse_congestion_control_algorithm("bbr"), CongestionControlAlgorithm::bbr3);
}

// RFC 9002 section 7.2: min(10 * mds, max(14720, 2 * mds)).
TEST(CcFactory, InitialWindowFollowsDatagramSize) {
  EXPECT_EQ(CongestionController::initial_window_for(1200), 12000u);
  EXPECT_EQ(CongestionController::initial_window_for(1472), 14720u);
  EXPECT_EQ(CongestionController::initial_window_for(1500), 14720u);
  EXPECT_EQ(CongestionController::initial_window_for(9000), 18000u);
  NewReno cc(config(100));  // below the 1200-byte floor: clamped
  EXPECT_EQ(cc.max_datagram_size(), 1200u);
  EXPECT_EQ(cc.congestion_window(), 12000u);
}

TEST(NewReno, SlowStartDoublesPerRoundTrip) {
  NewReno cc(config());
  CcDriver d(cc);
  Timestamp now = at(0ms);
  std::uint64_t expected = 12000;
  for (int round = 0; round < 4; ++round) {
    auto flight = d.fill_window(now);
    EXPECT_EQ(d.bytes_in_flight(), expected);
    EXPECT_FALSE(cc.can_send(d.bytes_in_flight()));
    now += kRtt;
    d.ack(now, flight, kRtt);
    expected *= 2;
    EXPECT_EQ(cc.congestion_window(), expected);
    EXPECT_TRUE(cc.in_slow_start());
  }
  EXPECT_EQ(cc.stats().state, "slow_start");
  // RFC 9002 7.7 with N = 2 in slow start.
  EXPECT_EQ(cc.pacing_rate(), rate_of(2 * cc.congestion_window(), kRtt));
}

TEST(NewReno, CongestionAvoidanceAddsOneDatagramPerWindow) {
  NewReno cc(config());
  CcDriver d(cc);
  Timestamp now = at(0ms);
  auto flight = d.fill_window(now);  // 10 packets
  now += 10ms;
  d.lose(now, {flight[0]});  // cwnd 12000 -> 6000 (ssthresh 6000)
  EXPECT_EQ(cc.congestion_window(), 6000u);
  EXPECT_EQ(cc.ssthresh(), 6000u);
  // Acks of packets sent before recovery started do not grow the window.
  d.ack(now + kRtt, {flight.begin() + 1, flight.end()}, kRtt);
  EXPECT_EQ(cc.congestion_window(), 6000u);
  now += kRtt;
  for (int round = 0; round < 5; ++round) {
    const std::uint64_t before = cc.congestion_window();
    auto f = d.fill_window(now);
    now += kRtt;
    d.ack(now, f, kRtt);
    EXPECT_EQ(cc.congestion_window(), before + kMds) << "round " << round;
    EXPECT_FALSE(cc.in_slow_start());
  }
  EXPECT_EQ(cc.stats().state, "congestion_avoidance");
  EXPECT_EQ(cc.pacing_rate(), rate_of(cc.congestion_window() * 5 / 4, kRtt));
}

TEST(NewReno, OneReductionPerRecoveryPeriod) {
  NewReno cc(config());
  CcDriver d(cc);
  auto flight = d.fill_window(at(0ms));
  d.lose(at(50ms), {flight[0]});
  EXPECT_EQ(cc.congestion_window(), 6000u);
  EXPECT_TRUE(cc.in_recovery());
  EXPECT_EQ(cc.stats().state, "recovery");
  // Another packet sent before the recovery period began: no new reduction.
  d.lose(at(60ms), {flight[1], flight[2]});
  EXPECT_EQ(cc.congestion_window(), 6000u);
  EXPECT_EQ(cc.ssthresh(), 6000u);
  // A packet sent after recovery started and then acked ends recovery.
  auto later = d.send(at(70ms));
  d.ack_one(at(170ms), later, kRtt);
  EXPECT_FALSE(cc.in_recovery());
  // A loss of a packet sent after the recovery start halves again.
  auto p = d.send(at(180ms));
  d.lose(at(200ms), {p});
  EXPECT_EQ(cc.congestion_window(), 3000u);
  EXPECT_EQ(cc.stats().congestion_events, 3u);
}

TEST(NewReno, WindowNeverBelowMinimum) {
  NewReno cc(config());
  CcDriver d(cc);
  Timestamp now = at(0ms);
  for (int i = 0; i < 10; ++i) {
    auto p = d.send(now);
    now += 1ms;
    d.lose(now, {p});
    now += 1ms;
  }
  EXPECT_EQ(cc.congestion_window(), 2 * kMds);
}

TEST(NewReno, PersistentCongestionCollapsesToMinimumWindow) {
  NewReno cc(config());
  CcDriver d(cc);
  Timestamp now = at(0ms);
  for (int round = 0; round < 3; ++round) {  // grow to 96000
    auto f = d.fill_window(now);
    now += kRtt;
    d.ack(now, f, kRtt);
  }
  ASSERT_EQ(cc.congestion_window(), 96000u);
  auto f = d.fill_window(now);
  now += 1s;
  d.lose(now, f, /*persistent=*/true);
  EXPECT_EQ(cc.congestion_window(), 2 * kMds);
  EXPECT_EQ(cc.ssthresh(), 48000u);
  EXPECT_TRUE(cc.in_slow_start());  // back to slow start below ssthresh
  EXPECT_FALSE(cc.in_recovery());
  EXPECT_EQ(cc.stats().persistent_congestion_events, 1u);
  // Recovery was reset: the next ack grows the window immediately.
  auto p = d.send(now);
  d.ack_one(now + kRtt, p, kRtt);
  EXPECT_EQ(cc.congestion_window(), 3 * kMds);
}

TEST(NewReno, EcnCeIsACongestionEvent) {
  NewReno cc(config());
  CcDriver d(cc);
  auto flight = d.fill_window(at(0ms));
  cc.on_ecn_ce({at(100ms), flight.back().time_sent, 0, d.bytes_in_flight()});
  EXPECT_EQ(cc.congestion_window(), 12000u);  // no increase reported: ignored
  cc.on_ecn_ce({at(100ms), flight.back().time_sent, 2, d.bytes_in_flight()});
  EXPECT_EQ(cc.congestion_window(), 6000u);
  cc.on_ecn_ce({at(110ms), flight.back().time_sent, 1, d.bytes_in_flight()});
  EXPECT_EQ(cc.congestion_window(), 6000u);  // same recovery period
  EXPECT_EQ(cc.stats().ecn_ce_events, 2u);
  cc.on_spurious_congestion_event(at(120ms));  // CE is never undone
  EXPECT_EQ(cc.congestion_window(), 6000u);
}

TEST(NewReno, AppLimitedPacketsDoNotGrowTheWindow) {
  NewReno cc(config());
  CcDriver d(cc);
  cc.on_app_limited(at(0ms), 0);
  auto few = d.send_many(at(0ms), 2);
  d.ack(at(100ms), few, kRtt);
  EXPECT_EQ(cc.congestion_window(), 12000u);
  // Window-limited again: growth resumes.
  auto flight = d.fill_window(at(100ms));
  d.ack(at(200ms), flight, kRtt);
  EXPECT_EQ(cc.congestion_window(), 24000u);
  // on_app_limited is ignored when the window is full.
  auto full = d.fill_window(at(200ms));
  cc.on_app_limited(at(200ms), d.bytes_in_flight());
  EXPECT_FALSE(cc.delivery_rate().app_limited());
}

TEST(NewReno, SpuriousLossIsUndone) {
  NewReno cc(config());
  CcDriver d(cc);
  auto flight = d.fill_window(at(0ms));
  d.ack(at(100ms), flight, kRtt);  // 24000
  auto f2 = d.fill_window(at(100ms));
  d.lose(at(150ms), {f2[0]});
  EXPECT_EQ(cc.congestion_window(), 12000u);
  cc.on_spurious_congestion_event(at(160ms));
  EXPECT_EQ(cc.congestion_window(), 24000u);
  EXPECT_TRUE(cc.in_slow_start());
  EXPECT_EQ(cc.stats().spurious_undos, 1u);
  cc.on_spurious_congestion_event(at(170ms));  // nothing left to undo
  EXPECT_EQ(cc.stats().spurious_undos, 1u);
}

TEST(NewReno, DatagramSizeChange) {
  NewReno cc(config());
  cc.set_max_datagram_size(1472);  // before any ACK: initial window recomputed
  EXPECT_EQ(cc.congestion_window(), 14720u);
  CcDriver d(cc);
  auto f = d.fill_window(at(0ms), 1472);
  d.ack(at(100ms), f, kRtt);
  const std::uint64_t grown = cc.congestion_window();
  cc.set_max_datagram_size(1400);  // after growth: window kept
  EXPECT_EQ(cc.congestion_window(), grown);
  Timestamp now = at(100ms);
  for (int i = 0; i < 20; ++i) {  // one loss per recovery period, down to the floor
    auto p = d.send(now, 1400);
    now += 50ms;
    d.lose(now, {p});
  }
  EXPECT_EQ(cc.congestion_window(), 2800u);  // minimum follows the new size
}

}  // namespace
}  // namespace tquic::transport
