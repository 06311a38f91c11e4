// Every congestion controller against ECN-CE marks (RFC 9002 §7.1, RFC 3168):
// a bottleneck that marks above a shallow threshold in a deep buffer.
#include <gtest/gtest.h>

#include <memory>

#include "transport/cc/bbr3.h"
#include "transport/cc/cubic.h"
#include "transport/cc/new_reno.h"
#include "unit/transport/cc_sim.h"

namespace tquic::transport {
namespace {

using test::at;
using test::CcDriver;
using test::LinkParams;
using test::LinkSim;

constexpr std::uint64_t kRate = 2'500'000;  // 20 Mbit/s
constexpr Duration kBaseRtt = 40ms;
constexpr std::uint64_t kBdp = 100'000;
constexpr std::uint64_t kMds = 1200;

LinkParams marking_link() {
  LinkParams p;
  p.rate = kRate;
  p.base_rtt = kBaseRtt;
  p.buffer = 10 * kBdp;          // deep: only the marks can stop the queue
  p.ce_threshold = 20 * kMds;    // ~10 ms of queue
  return p;
}

struct Outcome {
  std::uint64_t delivered = 0;
  std::uint64_t lost = 0;
  std::uint64_t marks = 0;
  std::uint64_t max_queue = 0;
  std::uint64_t ecn_events = 0;
};

Outcome run(CongestionControlAlgorithm algorithm, Duration length) {
  auto cc = make_congestion_controller(algorithm, CongestionControlConfig{});
  LinkSim sim(marking_link(), *cc);
  Outcome o;
  sim.set_observer([&](Timestamp, std::uint64_t) { o.max_queue = std::max(o.max_queue, sim.queue_bytes()); });
  EXPECT_TRUE(sim.run_until(at(length)));
  o.delivered = sim.delivered_bytes();
  o.lost = sim.lost_packets();
  o.marks = sim.ce_marks();
  o.ecn_events = cc->stats().ecn_ce_events;
  return o;
}

class CcEcn : public ::testing::TestWithParam<CongestionControlAlgorithm> {};

// The marks keep the queue near the threshold (far below the 10-BDP
// buffer): nothing is lost, and the link stays well used.
TEST_P(CcEcn, MarksBoundTheQueueWithoutLoss) {
  const Outcome o = run(GetParam(), 10s);
  EXPECT_GT(o.marks, 0u);
  EXPECT_GT(o.ecn_events, 0u);
  EXPECT_EQ(o.lost, 0u);
  EXPECT_LT(o.max_queue, 3 * kBdp);
  const double utilisation = static_cast<double>(o.delivered) / (static_cast<double>(kRate) * 10.0);
  EXPECT_GT(utilisation, 0.6);
}

INSTANTIATE_TEST_SUITE_P(AllControllers, CcEcn,
                         ::testing::Values(CongestionControlAlgorithm::new_reno, CongestionControlAlgorithm::cubic,
                                           CongestionControlAlgorithm::bbr3),
                         [](const ::testing::TestParamInfo<CongestionControlAlgorithm>& i) {
                           return std::string(congestion_control_algorithm_name(i.param));
                         });

TEST(CubicEcn, CeIsACongestionEventOncePerRecoveryPeriod) {
  Cubic cc(CongestionControlConfig{});
  CcDriver d(cc);
  auto flight = d.fill_window(at(0ms));
  const std::uint64_t before = cc.congestion_window();
  cc.on_ecn_ce({at(100ms), flight.back().time_sent, 2, d.bytes_in_flight()});
  const std::uint64_t after = cc.congestion_window();
  EXPECT_LT(after, before);
  EXPECT_FALSE(cc.in_slow_start());
  cc.on_ecn_ce({at(110ms), flight.front().time_sent, 1, d.bytes_in_flight()});
  EXPECT_EQ(cc.congestion_window(), after);  // sent before the reduction: same period
  cc.on_spurious_congestion_event(at(120ms));
  EXPECT_EQ(cc.congestion_window(), after);  // CE is never undone
  EXPECT_EQ(cc.stats().ecn_ce_events, 2u);
}

// Startup, driven by hand: one round of acknowledgments with CE reports.
struct StartupRound {
  Bbr3 cc{CongestionControlConfig{}};
  CcDriver d{cc};
  void round(std::uint64_t ce_packets) {
    auto flight = d.fill_window(at(0ms));
    cc.on_ecn_ce({at(40ms), flight.back().time_sent, ce_packets, d.bytes_in_flight()});
    d.ack(at(40ms), flight, kBaseRtt);
  }
};

TEST(Bbr3Ecn, FewMarksDoNotEndStartup) {
  StartupRound s;
  s.round(2);  // below kStartupFullLossCount marked datagrams
  EXPECT_EQ(s.cc.state(), Bbr3::State::startup);
}

TEST(Bbr3Ecn, HeavyMarkingEndsStartupAndBoundsInflight) {
  StartupRound s;
  s.round(0);
  s.round(8);  // 8 of 20 datagrams; the loss round has just begun
  EXPECT_NE(s.cc.state(), Bbr3::State::startup);
  EXPECT_LT(s.cc.model().inflight_hi(), kInfiniteWindow);
}

TEST(Bbr3Ecn, CeCountsAsCongestionForTheShortTermModel) {
  const Outcome o = run(CongestionControlAlgorithm::bbr3, 4s);
  EXPECT_EQ(o.lost, 0u);
  EXPECT_GT(o.marks, 0u);
}

}  // namespace
}  // namespace tquic::transport
