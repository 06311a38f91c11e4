#include <gtest/gtest.h>

#include <cmath>

#include "transport/cc/cubic.h"
#include "unit/transport/cc_sim.h"

namespace tquic::transport {
namespace {

using test::at;
using test::CcDriver;
using test::LinkParams;
using test::LinkSim;

constexpr std::uint64_t kMds = 1200;

CongestionControlConfig config(bool hystart = false, bool fast_convergence = true) {
  CongestionControlConfig c;
  c.max_datagram_size = kMds;
  c.hystart = hystart;
  c.fast_convergence = fast_convergence;
  return c;
}

// Slow start to 160 datagrams (192000 bytes) with a 1 ms RTT, then one loss.
// Returns the time of the loss.
Timestamp grow_then_lose(Cubic& cc, CcDriver& d, Duration rtt) {
  Timestamp now = at(0ms);
  for (int round = 0; round < 4; ++round) {
    auto f = d.fill_window(now);
    now += rtt;
    d.ack(now, f, rtt);
  }
  EXPECT_EQ(cc.congestion_window(), 192000u);
  auto f = d.fill_window(now);
  now += rtt / 2;
  d.lose(now, {f[0]});
  d.ack(now + rtt / 2, {f.begin() + 1, f.end()}, rtt);  // sent before recovery: no growth
  return now + rtt / 2;
}

TEST(Cubic, MultiplicativeDecreaseAndK) {
  Cubic cc(config());
  CcDriver d(cc);
  grow_then_lose(cc, d, 1ms);
  EXPECT_DOUBLE_EQ(cc.w_max(), 192000.0);
  EXPECT_EQ(cc.congestion_window(), 134400u);  // beta_cubic = 0.7
  EXPECT_EQ(cc.ssthresh(), 134400u);
  EXPECT_TRUE(cc.in_recovery());
  // K = cbrt((W_max - cwnd_epoch) / C) in datagrams: cbrt(48 / 0.4).
  auto p = d.send(at(10ms));
  d.ack_one(at(11ms), p, 1ms);
  EXPECT_TRUE(cc.epoch_started());
  EXPECT_NEAR(cc.k_seconds(), std::cbrt(48.0 / 0.4), 1e-9);
  EXPECT_FALSE(cc.in_recovery());
  EXPECT_EQ(cc.stats().state, "congestion_avoidance");
}

// After a loss with a long RTT the window follows W_cubic(t): concave up to
// W_max, W(K) = W_max, convex beyond.
TEST(Cubic, WindowFollowsTheCubicCurve) {
  Cubic cc(config());
  LinkParams lp;
  lp.rate = 0;  // no bottleneck: only the induced loss
  lp.base_rtt = 100ms;
  lp.paced = false;
  LinkSim sim(lp, cc);
  bool dropped = false;
  sim.set_drop_filter([&](std::uint64_t, Timestamp) {
    if (dropped || cc.congestion_window() < 100 * kMds) return false;
    dropped = true;
    return true;
  });
  double w_max = 0, k = 0, at_half_k = 0, at_k = 0, at_1_5k = 0, cwnd_epoch = 0;
  Timestamp epoch{};
  sim.set_observer([&](Timestamp now, std::uint64_t) {
    if (!cc.epoch_started()) return;
    if (w_max == 0) {
      w_max = cc.w_max();
      k = cc.k_seconds();
      epoch = cc.epoch_start();
      cwnd_epoch = static_cast<double>(cc.congestion_window());
    }
    const double t = static_cast<double>((now - epoch).count()) * 1e-9;
    const auto w = static_cast<double>(cc.congestion_window());
    if (at_half_k == 0 && t >= k / 2) at_half_k = w;
    if (at_k == 0 && t >= k) at_k = w;
    if (at_1_5k == 0 && t >= 1.5 * k) at_1_5k = w;
  });
  ASSERT_TRUE(sim.run_until(at(12s)));
  ASSERT_GT(w_max, 0);
  EXPECT_EQ(cc.stats().congestion_events, 1u);
  EXPECT_GT(k, 3.0);
  EXPECT_NEAR(at_k, w_max, 0.03 * w_max);
  // Concave: at K/2 the window has recovered most (7/8 of C K^3 region) of the way.
  const double expect_half = w_max - Cubic::kC * kMds * std::pow(k / 2, 3);
  EXPECT_NEAR(at_half_k, expect_half, 0.03 * w_max);
  EXPECT_GT(at_half_k, cwnd_epoch);
  EXPECT_LT(at_half_k, w_max);
  // Convex beyond K.
  const double expect_1_5 = w_max + Cubic::kC * kMds * std::pow(k / 2, 3);
  EXPECT_NEAR(at_1_5k, expect_1_5, 0.03 * w_max);
  EXPECT_GT(at_1_5k, w_max);
}

// With a 1 ms RTT Reno would out-grow the cubic curve: CUBIC uses W_est,
// which grows by alpha_cubic = 0.529 datagrams per RTT until it reaches
// cwnd_prior, then by 1 datagram per RTT (RFC 9438 section 4.3).
TEST(Cubic, RenoFriendlyRegionAtSmallRtt) {
  Cubic cc(config());
  CcDriver d(cc);
  Timestamp now = grow_then_lose(cc, d, 1ms);
  std::uint64_t prev = cc.congestion_window();
  int round = 0;
  int early_rounds = 0, late_rounds = 0;
  for (; round < 150; ++round) {
    auto f = d.fill_window(now);
    now += 1ms;
    d.ack(now, f, 1ms);
    const std::uint64_t w = cc.congestion_window();
    const double delta = static_cast<double>(w - prev);
    prev = w;
    if (round == 0) continue;  // the epoch starts on this round
    EXPECT_LT(cc.w_cubic(now - cc.epoch_start()), cc.w_est());
    EXPECT_NEAR(static_cast<double>(w), cc.w_est(), 1.0);
    if (cc.w_est() < 192000.0 - 1200.0) {
      EXPECT_NEAR(delta, Cubic::kAlpha * kMds, 0.01 * kMds) << round;  // acked ~ cwnd
      ++early_rounds;
    } else if (cc.w_est() > 192000.0 + 1200.0) {
      EXPECT_NEAR(delta, 1.0 * kMds, 0.01 * kMds) << round;
      ++late_rounds;
    }
  }
  EXPECT_GT(early_rounds, 50);
  EXPECT_GT(late_rounds, 20);
}

TEST(Cubic, FastConvergenceLowersWmax) {
  for (bool fast : {true, false}) {
    Cubic cc(config(false, fast));
    CcDriver d(cc);
    Timestamp now = grow_then_lose(cc, d, 1ms);
    EXPECT_DOUBLE_EQ(cc.w_max(), 192000.0);
    auto p = d.send(now);
    now += 1ms;
    d.ack_one(now, p, 1ms);  // leaves recovery
    const double before = static_cast<double>(cc.congestion_window());
    ASSERT_LT(before, 192000.0);
    auto q = d.send(now);
    d.lose(now + 1ms, {q});
    const double expected = fast ? before * (1.0 + Cubic::kBeta) / 2.0 : before;
    EXPECT_NEAR(cc.w_max(), expected, 1.0) << "fast_convergence=" << fast;
    EXPECT_NEAR(static_cast<double>(cc.congestion_window()), before * Cubic::kBeta, 1.0);
  }
}

TEST(Cubic, SpuriousCongestionEventIsUndone) {
  Cubic cc(config());
  CcDriver d(cc);
  Timestamp now = grow_then_lose(cc, d, 1ms);
  EXPECT_EQ(cc.congestion_window(), 134400u);
  cc.on_spurious_congestion_event(now);
  EXPECT_EQ(cc.congestion_window(), 192000u);
  EXPECT_EQ(cc.ssthresh(), kInfiniteWindow);
  EXPECT_TRUE(cc.in_slow_start());
  EXPECT_EQ(cc.stats().spurious_undos, 1u);
}

// RFC 9438 section 5.8: idle time is not growth time.
TEST(Cubic, IdlePeriodDoesNotInflateTheWindow) {
  Cubic cc(config());
  CcDriver d(cc);
  Timestamp now = grow_then_lose(cc, d, 1ms);
  auto f = d.fill_window(now);
  now += 1ms;
  d.ack(now, f, 1ms);  // epoch started, nothing in flight
  ASSERT_EQ(d.bytes_in_flight(), 0u);
  const std::uint64_t before = cc.congestion_window();
  now += 3s;  // idle: W_cubic(3 s) would be far above the window
  auto g = d.send_many(now, 10);
  now += 1ms;
  d.ack(now, g, 1ms);
  EXPECT_LT(cc.congestion_window(), before + 2 * kMds);
  EXPECT_LT(now - cc.epoch_start(), 100ms);
}

TEST(Cubic, PersistentCongestion) {
  Cubic cc(config());
  CcDriver d(cc);
  Timestamp now = grow_then_lose(cc, d, 1ms);
  auto f = d.fill_window(now);
  d.lose(now + 1s, f, true);
  EXPECT_EQ(cc.congestion_window(), 2 * kMds);
  EXPECT_TRUE(cc.in_slow_start());
  EXPECT_EQ(cc.stats().persistent_congestion_events, 1u);
}

// HyStart++ leaves slow start on the RTT increase of a filling queue, before
// the buffer overflows; without it slow start ends with losses.
TEST(Cubic, HyStartExitsSlowStartWithoutLoss) {
  for (bool hystart : {true, false}) {
    Cubic cc(config(hystart));
    LinkParams lp;
    lp.rate = 1'250'000;  // 10 Mbit/s
    lp.base_rtt = 40ms;   // BDP 50 KB
    lp.buffer = 400'000;
    LinkSim sim(lp, cc);
    std::uint64_t lost_at_exit = UINT64_MAX;
    bool saw_css = false;
    sim.set_observer([&](Timestamp, std::uint64_t) {
      saw_css = saw_css || cc.in_css();
      if (lost_at_exit == UINT64_MAX && !cc.in_slow_start()) lost_at_exit = sim.lost_packets();
    });
    ASSERT_TRUE(sim.run_until(at(4s)));
    ASSERT_NE(lost_at_exit, UINT64_MAX) << "hystart=" << hystart;
    if (hystart) {
      EXPECT_TRUE(saw_css);
      EXPECT_EQ(lost_at_exit, 0u);
      EXPECT_LT(cc.ssthresh(), kInfiniteWindow);
    } else {
      EXPECT_GT(lost_at_exit, 0u);
    }
  }
}

}  // namespace
}  // namespace tquic::transport
