#include <gtest/gtest.h>

#include <vector>

#include "transport/cc/bbr3.h"
#include "transport/cc/cubic.h"
#include "unit/transport/cc_sim.h"

namespace tquic::transport {
namespace {

using test::at;
using test::CcDriver;
using test::LinkParams;
using test::LinkSim;
using State = Bbr3::State;

constexpr std::uint64_t kRate = 2'500'000;  // 20 Mbit/s
constexpr Duration kBaseRtt = 40ms;
constexpr std::uint64_t kBdp = 100'000;  // kRate * kBaseRtt
constexpr std::uint64_t kMds = 1200;

double seconds(Timestamp t) { return static_cast<double>(to_ns(t)) * 1e-9; }

LinkParams link(std::uint64_t buffer, double loss = 0.0, std::uint64_t seed = 7) {
  LinkParams p;
  p.rate = kRate;
  p.base_rtt = kBaseRtt;
  p.buffer = buffer;
  p.loss_rate = loss;
  p.seed = seed;
  return p;
}

// What one 12-second BBR transfer over the link looked like.
struct Trace {
  Timestamp startup_exit = kTimeInfinite;
  std::uint64_t max_bw_at_startup_exit = 0;
  std::uint64_t lost_at_startup_exit = 0;
  Timestamp first_probe_bw = kTimeInfinite;
  std::vector<Timestamp> probe_rtt_entries;
  std::vector<Timestamp> probe_rtt_exits;
  std::uint64_t max_cwnd_in_probe_rtt = 0;
  // Averages over ACKs in ProbeBW_CRUISE after 2 s.
  double cruise_acks = 0, cruise_inflight = 0, cruise_pacing = 0, cruise_queue = 0;
  std::uint64_t delivered_at_2s = 0;
  std::uint64_t delivered = 0;
  std::uint64_t max_bw = 0;
  Duration min_rtt{};
  std::uint64_t final_cwnd = 0;
};

Trace run_bbr(const LinkParams& lp, Duration length = 12s) {
  Bbr3 cc(CongestionControlConfig{});
  LinkSim sim(lp, cc);
  Trace t;
  State prev = State::startup;
  sim.set_observer([&](Timestamp now, std::uint64_t bif) {
    const State s = cc.state();
    if (prev == State::startup && s != State::startup && t.startup_exit == kTimeInfinite) {
      t.startup_exit = now;
      t.max_bw_at_startup_exit = cc.model().max_bw();
      t.lost_at_startup_exit = sim.lost_packets();
    }
    const bool probe_bw = s == State::probe_bw_down || s == State::probe_bw_cruise ||
                          s == State::probe_bw_refill || s == State::probe_bw_up;
    if (probe_bw && t.first_probe_bw == kTimeInfinite) t.first_probe_bw = now;
    if (s == State::probe_rtt && prev != State::probe_rtt) t.probe_rtt_entries.push_back(now);
    if (s != State::probe_rtt && prev == State::probe_rtt) t.probe_rtt_exits.push_back(now);
    if (s == State::probe_rtt)
      t.max_cwnd_in_probe_rtt = std::max(t.max_cwnd_in_probe_rtt, cc.congestion_window());
    if (s == State::probe_bw_cruise && now > at(2s)) {
      t.cruise_acks += 1;
      t.cruise_inflight += static_cast<double>(bif);
      t.cruise_pacing += static_cast<double>(cc.pacing_rate());
      t.cruise_queue += static_cast<double>(sim.queue_bytes());
    }
    if (t.delivered_at_2s == 0 && now >= at(2s)) t.delivered_at_2s = sim.delivered_bytes();
    prev = s;
  });
  EXPECT_TRUE(sim.run_until(at(length)));
  t.delivered = sim.delivered_bytes();
  t.max_bw = cc.model().max_bw();
  t.min_rtt = cc.model().min_rtt();
  t.final_cwnd = cc.congestion_window();
  return t;
}

// One bottleneck with a 1-BDP buffer, shared by several tests.
const Trace& standard_trace() {
  static const Trace t = run_bbr(link(kBdp));
  return t;
}

double goodput_fraction(std::uint64_t bytes, Duration over) {
  return static_cast<double>(bytes) /
         (static_cast<double>(kRate) * static_cast<double>(over.count()) * 1e-9);
}

TEST(Bbr3, StartupExitsWhenBandwidthPlateaus) {
  // Deep buffer: only the bandwidth plateau can end Startup.
  const Trace t = run_bbr(link(10 * kBdp), 3s);
  ASSERT_NE(t.startup_exit, kTimeInfinite);
  EXPECT_EQ(t.lost_at_startup_exit, 0u);
  EXPECT_LT(seconds(t.startup_exit), 1.0);  // ~log2(BDP/IW) + 3 rounds
  EXPECT_NEAR(static_cast<double>(t.max_bw_at_startup_exit), static_cast<double>(kRate),
              0.1 * kRate);
  EXPECT_LT(seconds(t.first_probe_bw), 1.5);  // Drain emptied the Startup queue
}

TEST(Bbr3, EstimatesBottleneckAndPacesNearIt) {
  const Trace& t = standard_trace();
  EXPECT_NEAR(static_cast<double>(t.max_bw), static_cast<double>(kRate), 0.1 * kRate);
  EXPECT_NEAR(static_cast<double>(t.min_rtt.count()), static_cast<double>(kBaseRtt.count()),
              0.05 * static_cast<double>(kBaseRtt.count()));
  ASSERT_GT(t.cruise_acks, 1000);
  const double pacing = t.cruise_pacing / t.cruise_acks;
  EXPECT_NEAR(pacing, static_cast<double>(kRate), 0.1 * kRate);
  // In flight near the BDP, with almost no standing queue.
  const double inflight = t.cruise_inflight / t.cruise_acks;
  EXPECT_GT(inflight, 0.85 * kBdp);
  EXPECT_LT(inflight, 1.25 * kBdp);
  EXPECT_LT(t.cruise_queue / t.cruise_acks, 0.1 * kBdp);
  EXPECT_GT(goodput_fraction(t.delivered - t.delivered_at_2s, 10s), 0.9);
}

TEST(Bbr3, ProbeRttAfterFiveSecondsWithoutNewMinRtt) {
  const Trace& t = standard_trace();
  // The RTT never drops below its first samples (~40.5 ms), so min_rtt is
  // not refreshed and ProbeRTT comes 5 s after it was measured, then 5 s
  // after the previous ProbeRTT ended.
  ASSERT_GE(t.probe_rtt_entries.size(), 2u);
  ASSERT_GE(t.probe_rtt_exits.size(), 1u);
  EXPECT_GE(seconds(t.probe_rtt_entries[0]), 5.0);
  EXPECT_LT(seconds(t.probe_rtt_entries[0]), 5.2);
  const double in_probe_rtt = seconds(t.probe_rtt_exits[0]) - seconds(t.probe_rtt_entries[0]);
  EXPECT_GE(in_probe_rtt, 0.2);  // ProbeRTTDuration
  EXPECT_LT(in_probe_rtt, 0.4);
  const double gap = seconds(t.probe_rtt_entries[1]) - seconds(t.probe_rtt_exits[0]);
  EXPECT_GE(gap, 5.0);
  EXPECT_LT(gap, 5.2);
  EXPECT_LE(t.max_cwnd_in_probe_rtt, kBdp / 2 + 4 * kMds);  // ProbeRTT cwnd: BDP / 2
}

// 2% random loss: BBR keeps the pipe full; CUBIC's loss response collapses.
TEST(Bbr3, RandomLossKeepsGoodputWhereCubicCollapses) {
  const LinkParams lp = link(kBdp, 0.02, 42);
  const Trace t = run_bbr(lp, 10s);
  const double bbr = goodput_fraction(t.delivered, 10s);
  EXPECT_GT(bbr, 0.8);

  Cubic cubic(CongestionControlConfig{});
  LinkSim sim(lp, cubic);
  ASSERT_TRUE(sim.run_until(at(10s)));
  const double cubic_goodput = goodput_fraction(sim.delivered_bytes(), 10s);
  EXPECT_LT(cubic_goodput, 0.4);
  EXPECT_GT(sim.lost_packets(), 20u);
}

// A shallow buffer: Startup ends on loss and inflight_hi bounds the window.
TEST(Bbr3, ShallowBufferBoundsInflight) {
  Bbr3 cc(CongestionControlConfig{});
  LinkSim sim(link(kBdp / 4), cc);
  ASSERT_TRUE(sim.run_until(at(6s)));
  EXPECT_TRUE(cc.full_bw_reached());
  EXPECT_LT(cc.model().inflight_hi(), kInfiniteWindow);
  EXPECT_LT(cc.model().inflight_hi(), 2 * kBdp);
  EXPECT_GT(goodput_fraction(sim.delivered_bytes(), 6s), 0.85);
}

TEST(Bbr3, DeterministicForASeed) {
  const Trace a = run_bbr(link(kBdp, 0.01, 9), 4s);
  const Trace b = run_bbr(link(kBdp, 0.01, 9), 4s);
  EXPECT_EQ(a.delivered, b.delivered);
  EXPECT_EQ(a.final_cwnd, b.final_cwnd);
  EXPECT_EQ(a.startup_exit, b.startup_exit);
}

TEST(Bbr3, LossRecoveryAndPersistentCongestion) {
  Bbr3 cc(CongestionControlConfig{});
  CcDriver d(cc);
  auto f = d.fill_window(at(0ms));
  d.ack(at(40ms), {f.begin(), f.begin() + 5}, 40ms);
  const std::uint64_t before = cc.congestion_window();
  d.lose(at(45ms), {f[5]});
  EXPECT_LT(cc.congestion_window(), before);
  EXPECT_GE(cc.congestion_window(), 4 * kMds);  // BBR's minimum pipe
  cc.on_spurious_congestion_event(at(50ms));
  EXPECT_EQ(cc.congestion_window(), before);
  EXPECT_EQ(cc.stats().spurious_undos, 1u);
  auto g = d.fill_window(at(60ms));
  d.lose(at(2s), g, /*persistent=*/true);
  EXPECT_EQ(cc.congestion_window(), 4 * kMds);
  EXPECT_EQ(cc.stats().persistent_congestion_events, 1u);
  EXPECT_EQ(cc.stats().state, "startup");
  EXPECT_TRUE(cc.in_slow_start());
}

TEST(Bbr3, StateNames) {
  EXPECT_EQ(Bbr3::state_name(State::startup), "startup");
  EXPECT_EQ(Bbr3::state_name(State::probe_bw_down), "probe_bw_down");
  EXPECT_EQ(Bbr3::state_name(State::probe_bw_cruise), "probe_bw_cruise");
  EXPECT_EQ(Bbr3::state_name(State::probe_bw_refill), "probe_bw_refill");
  EXPECT_EQ(Bbr3::state_name(State::probe_bw_up), "probe_bw_up");
  EXPECT_EQ(Bbr3::state_name(State::probe_rtt), "probe_rtt");
  EXPECT_EQ(Bbr3::state_name(State::drain), "drain");
}

TEST(Bbr3Filters, MaxBwKeepsTwoCycles) {
  MaxBwFilter f;
  f.update(100);
  f.update(80);
  EXPECT_EQ(f.get(), 100u);
  f.advance();  // cycle 2: the cycle-1 max still counts
  f.update(50);
  EXPECT_EQ(f.get(), 100u);
  f.advance();  // cycle 3: cycle 1 expired
  EXPECT_EQ(f.get(), 50u);
  f.advance();
  EXPECT_EQ(f.get(), 0u);
}

TEST(Bbr3Filters, WindowedMaxExpires) {
  WindowedMaxFilter f(10);
  f.update(50, 0);
  f.update(40, 3);
  f.update(30, 8);
  EXPECT_EQ(f.get(), 50u);
  EXPECT_EQ(f.update(20, 11), 40u);  // 50 (t=0) left the 10-round window
  EXPECT_EQ(f.update(10, 14), 30u);
  EXPECT_EQ(f.update(60, 15), 60u);  // a new max replaces everything
  EXPECT_EQ(f.update(5, 100), 5u);   // long gap: only the new sample remains
}

TEST(Bbr3Filters, MinRttWindowAndProbeRttSchedule) {
  MinRttFilter f;
  f.init(at(0s));
  EXPECT_FALSE(f.has_min_rtt());
  f.update(at(1s), 50ms, true);
  EXPECT_EQ(f.min_rtt(), 50ms);
  f.update(at(2s), 60ms, true);
  EXPECT_EQ(f.min_rtt(), 50ms);
  EXPECT_FALSE(f.probe_rtt_expired());
  f.update(at(6s) + 1ms, 70ms, true);  // 5 s since the 50 ms sample
  EXPECT_TRUE(f.probe_rtt_expired());
  EXPECT_EQ(f.min_rtt(), 50ms);         // min_rtt itself lasts 10 s
  f.update(at(6s) + 2ms, 65ms, false);  // invalid samples are ignored
  EXPECT_FALSE(f.probe_rtt_expired());
  f.update(at(11s) + 500us, 80ms, true);  // 10 s: min_rtt takes the newer probe value
  EXPECT_EQ(f.min_rtt(), 70ms);
  f.update(at(11s) + 2ms, 80ms, true);  // probe value expired too: 80 ms, min_rtt keeps 70
  EXPECT_TRUE(f.probe_rtt_expired());
  EXPECT_EQ(f.min_rtt(), 70ms);
  f.schedule_next_probe_rtt(at(12s));
  f.update(at(16s), 90ms, true);
  EXPECT_FALSE(f.probe_rtt_expired());
}

}  // namespace
}  // namespace tquic::transport
