// A long fat pipe: 1 Gbit/s with 100 ms RTT (BDP 12.5 MB). Flow control
// starts at 1 MB per stream / 4 MB per connection and must auto-tune
// towards the BDP, or the transfer is window-limited.
#include <gtest/gtest.h>

#include "sim/bulk_transfer_helpers.h"

namespace tquic::sim {
namespace {

constexpr std::uint64_t kRate = 1'000'000'000;
constexpr Duration kOneWay = 50ms;
constexpr std::uint64_t kBytes = 50'000'000;

double rtt() { return 2 * seconds(kOneWay); }

class HighBdp : public ::testing::TestWithParam<std::uint64_t> {
 protected:
  // Runs the 50 MB upload; returns the completion time in seconds.
  double run_transfer() {
    const std::uint64_t seed = GetParam();
    ScenarioSetup setup;
    setup.seed = seed;
    setup.up = make_link(kRate, kOneWay);
    setup.down = make_link(kRate, kOneWay);
    BulkTransfer t(setup, {{seed, kBytes}});
    EXPECT_TRUE(t.run(120s));
    t.expect_intact();
    expect_sane(t.scenario());
    report("high_bdp_1gbit_100ms_50MB", seed, t.summary());
    EXPECT_TRUE(t.scenario().close_both(5s));
    return t.completion_seconds();
  }
};

// Without auto-tuning the initial 1 MB stream window allows at most one
// window per RTT: 1 MB / 100 ms = 80 Mbit/s, i.e. 4.8 s for 50 MB. Finishing
// in under 60% of that proves the windows grew well past their start.
TEST_P(HighBdp, FlowControlWindowsAutoTune) {
  SCOPED_TRACE(replay_note(GetParam()));
  const double untuned =
      static_cast<double>(kBytes) / static_cast<double>(transport::ConnectionConfig{}.initial_max_stream_data) * rtt();
  EXPECT_LE(run_transfer(), 0.6 * untuned);
}

// With windows that may grow to 16 MB (stream) / 64 MB (connection), above
// the 12.5 MB BDP, the transfer should be limited by the link: slow start
// from 10 packets to the BDP takes log2(12.5 MB / 14.5 kB) = ~10 RTTs
// (1 s, moving ~25 MB), then the rest goes at the link rate; bound: 1 s +
// 50 MB at 50% of the link (0.8 s) + 2 RTTs = 2.0 s.
//
// DISABLED (engine bug, see docs/SIMULATOR.md "Known engine failures"):
// 2.64 s / 151 Mbit/s. The receiver's MAX_STREAM_DATA / MAX_DATA wait
// ~100 ms each time behind its own pacer (write_train charges its stream
// of ACK-only datagrams to Pacer::on_sent, far above the receiver's
// cwnd/srtt pacing rate), so updates come every ~300 ms; auto-tuning then
// sees an interval above 2 smoothed RTTs and stops doubling at 8 MB, and
// the sender moves 4 MB per update in one burst (CUBIC's cwnd grew to 47 MB
// while never cwnd-limited, RFC 9002 §7.8, so the pacer allows 7 Gbit/s
// and the bottleneck queue takes 3.4 MB at once).
TEST_P(HighBdp, DISABLED_ReachesLinkRateAfterSlowStart) {
  SCOPED_TRACE(replay_note(GetParam()));
  EXPECT_LE(run_transfer(), 1.0 + transfer_seconds(kBytes, kRate) / 0.5 + 2 * rtt());
}

INSTANTIATE_TEST_SUITE_P(Seeds, HighBdp, ::testing::ValuesIn(sim_seeds({1})), seed_name);

}  // namespace
}  // namespace tquic::sim
