// Transfers over links without impairments other than a bottleneck: the
// stack must approach the link rate.
#include <gtest/gtest.h>

#include "sim/bulk_transfer_helpers.h"

namespace tquic::sim {
namespace {

class CleanLink : public ::testing::TestWithParam<std::uint64_t> {};

// 10 MB over 100 Mbit/s with 10 ms one-way delay (20 ms RTT), queue = 1 BDP.
TEST_P(CleanLink, TenMegabytesAt100MbitArriveIntactNearLinkRate) {
  const std::uint64_t seed = GetParam();
  SCOPED_TRACE(replay_note(seed));
  constexpr std::uint64_t kRate = 100'000'000;
  constexpr Duration kDelay = 10ms;
  constexpr std::uint64_t kBytes = 10'000'000;
  ScenarioSetup setup;
  setup.seed = seed;
  setup.up = make_link(kRate, kDelay);
  setup.down = make_link(kRate, kDelay);
  BulkTransfer t(setup, {{seed, kBytes}});
  ASSERT_TRUE(t.run(30s));
  t.expect_intact();
  expect_sane(t.scenario());
  report("clean_100mbit_10ms", seed, t.summary());
  // Bound: the payload alone needs kBytes*8/kRate = 0.8 s on the wire; QUIC
  // framing (~3% at 1452-byte datagrams) and slow start cost time, so allow
  // 1.3x of that, plus 1 RTT of handshake, ~8 RTTs of slow start
  // (10 packets -> BDP of 172 packets doubles ~5 times, with some margin)
  // and 1 RTT for the last ACK-clocked flight: 10 RTTs in all.
  const double rtt = 2 * seconds(kDelay);
  const double bound = 1.3 * transfer_seconds(kBytes, kRate) + 10 * rtt;
  EXPECT_LE(t.completion_seconds(), bound) << t.summary();
  ASSERT_TRUE(t.scenario().close_both(5s));
  expect_sane(t.scenario(), {.allow_unroutable = false, .allow_closed = true});
}

INSTANTIATE_TEST_SUITE_P(Seeds, CleanLink, ::testing::ValuesIn(sim_seeds({1, 2, 3})), seed_name);

}  // namespace
}  // namespace tquic::sim
