// Transfers over links that reorder, jitter, duplicate, corrupt, lose in
// bursts or tail-drop at a shallow queue: every byte must arrive intact,
// within a bound derived from the link.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "sim/bulk_transfer_helpers.h"

namespace tquic::sim {
namespace {

// Common path: 50 Mbit/s, 15 ms one way (30 ms RTT), queue = 1 BDP; 4 MB.
constexpr std::uint64_t kRate = 50'000'000;
constexpr Duration kOneWay = 15ms;
constexpr std::uint64_t kBytes = 4'000'000;

double rtt() { return 2 * seconds(kOneWay); }

// Handshake (1 RTT), slow start (~5 RTTs to the 129-packet BDP) and one
// lost-handshake-packet PTO (1 s before the first RTT sample).
double allowance() { return 6 * rtt() + 1.0; }

// Steady-state rate of a loss-based controller that sees a fraction `p` of
// its packets as lost (Mathis et al.): MSS/RTT * sqrt(3/2) / sqrt(p).
double loss_response_bps(double p, double rtt_s) { return 1400.0 * 8 / rtt_s * std::sqrt(1.5) / std::sqrt(p); }

struct Impaired {
  LinkConfig up = make_link(kRate, kOneWay);
  LinkConfig down = make_link(kRate, kOneWay);
};

class Impairment : public ::testing::TestWithParam<std::uint64_t> {
 protected:
  // Runs the 4 MB upload; fails if it is not intact or takes longer than
  // size*8/goodput_floor + allowance().
  void transfer(const Impaired& links, const char* name, double goodput_floor_bps) {
    const std::uint64_t seed = GetParam();
    SCOPED_TRACE(replay_note(seed));
    ScenarioSetup setup;
    setup.seed = seed;
    setup.up = links.up;
    setup.down = links.down;
    t_ = std::make_unique<BulkTransfer>(setup, std::vector<StreamPlan>{{seed, kBytes}});
    ASSERT_TRUE(t_->run(120s));
    t_->expect_intact();
    expect_sane(t_->scenario());
    report(name, seed, t_->summary());
    const double bound = transfer_seconds(kBytes, static_cast<std::uint64_t>(goodput_floor_bps)) + allowance();
    EXPECT_LE(t_->completion_seconds(), bound) << t_->summary();
    ASSERT_TRUE(t_->scenario().close_both(5s));
  }
  transport::ConnectionStats client_stats() { return t_->scenario().client().connection()->stats(); }
  transport::ConnectionStats server_stats() { return t_->scenario().server().connection()->stats(); }

  std::unique_ptr<BulkTransfer> t_;
};

// Jitter of up to 4 ms lets datagrams overtake each other (they leave the
// bottleneck 0.23 ms apart, so 4 ms reorders them by up to ~17 packets),
// and 2% are held back another 10 ms. Both exceed RFC 9002's thresholds
// (3 packets; RTT/8 = 3.75 ms), so the sender declares losses spuriously
// and, without adaptive thresholds, enters recovery about once per round
// trip. Floor: a congestion event every RTT pins the window at its minimum
// of 2 datagrams (RFC 9002 §7.2), i.e. 2 * 1452 B * 8 / 30 ms = 0.77 Mbit/s.
TEST_P(Impairment, ReorderingAndJitter) {
  Impaired l;
  for (LinkConfig* c : {&l.up, &l.down}) {
    c->jitter = 4ms;
    c->reorder = 0.02;
    c->reorder_delay = 10ms;
  }
  transfer(l, "reorder_jitter", 2 * 1452 * 8 / rtt());
  if (HasFatalFailure()) return;
  EXPECT_GT(t_->scenario().up_link().stats().reordered, 0u);
}

// 5% of datagrams arrive twice: duplicates are dropped by packet number, and
// nothing else changes: floor 50% of the link rate.
TEST_P(Impairment, Duplication) {
  Impaired l;
  l.up.duplicate = 0.05;
  l.down.duplicate = 0.05;
  transfer(l, "duplicate_5pct", 0.5 * kRate);
  if (HasFatalFailure()) return;
  EXPECT_GT(t_->scenario().up_link().stats().duplicated, 0u);
  EXPECT_GT(server_stats().packets_dropped, 0u);
  EXPECT_GT(client_stats().packets_dropped, 0u);
}

// 2% of datagrams get one byte changed: AEAD (or header parsing) must drop
// every one of them, and their data is retransmitted: the digest proves no
// corrupted byte reached the application. Floor: loss response at p = 2%.
TEST_P(Impairment, CorruptionIsDroppedAndRetransmitted) {
  Impaired l;
  l.up.corrupt = 0.02;
  l.down.corrupt = 0.02;
  transfer(l, "corrupt_2pct", 0.7 * loss_response_bps(0.02, rtt()));
  if (HasFatalFailure()) return;
  const std::uint64_t up_corrupted = t_->scenario().up_link().stats().corrupted;
  EXPECT_GT(up_corrupted, 0u);
  // Each corrupted datagram makes at least one packet undecryptable.
  EXPECT_GE(server_stats().packets_dropped, up_corrupted);
  EXPECT_GE(client_stats().packets_dropped, t_->scenario().down_link().stats().corrupted);
  EXPECT_GT(client_stats().packets_lost, 0u);
}

// Gilbert-Elliott: good->bad 0.5%, bad->good 25% (mean burst 4 datagrams),
// everything lost in the bad state: long-run loss 0.005 / 0.255 = ~2%, in
// bursts that count as one congestion event each (~0.5% of packets).
// Floor: 70% of the loss response at the burst rate (0.5%).
TEST_P(Impairment, BurstyGilbertElliottLoss) {
  Impaired l;
  for (LinkConfig* c : {&l.up, &l.down}) {
    c->burst_loss.p_good_to_bad = 0.005;
    c->burst_loss.p_bad_to_good = 0.25;
    c->burst_loss.loss_in_bad = 1.0;
  }
  transfer(l, "gilbert_elliott_2pct_burst4", 0.7 * loss_response_bps(0.005, rtt()));
  if (HasFatalFailure()) return;
  EXPECT_GT(t_->scenario().up_link().stats().drops(DropReason::burst_loss), 0u);
}

// A bottleneck queue of 10 datagrams (~8% of the BDP) tail-drops whenever
// the window exceeds BDP + 10 packets. Reno/CUBIC on a shallow buffer keep
// the link busy between cuts only part of the time: with beta = 0.7 and a
// buffer b << BDP, utilisation is about (beta*(BDP+b))/BDP averaged up to
// 1 over each cycle, i.e. >= ~75%; floor 40% of the link rate to leave
// room for slow-start overshoot losses.
TEST_P(Impairment, ShallowQueueTailDrop) {
  Impaired l;
  l.up.queue_limit_bytes = 10 * 1500;
  transfer(l, "shallow_queue_10pkts", 0.4 * kRate);
  if (HasFatalFailure()) return;
  EXPECT_GT(t_->scenario().up_link().stats().drops(DropReason::queue_full), 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, Impairment, ::testing::ValuesIn(sim_seeds({1, 2, 3})), seed_name);

}  // namespace
}  // namespace tquic::sim
