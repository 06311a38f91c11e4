// Several concurrent streams on one connection: each arrives intact, and
// the scheduler interleaves incremental streams (RFC 9218) / serialises
// non-incremental ones of equal urgency.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "sim/bulk_transfer_helpers.h"

namespace tquic::sim {
namespace {

constexpr std::uint64_t kRate = 50'000'000;
constexpr Duration kOneWay = 15ms;
constexpr std::size_t kStreams = 8;
constexpr std::uint64_t kStreamBytes = 1'000'000;

std::vector<StreamPlan> plans(std::uint64_t seed) {
  std::vector<StreamPlan> p;
  for (std::size_t i = 0; i < kStreams; ++i) p.push_back({seed * 100 + i, kStreamBytes});
  return p;
}

ScenarioSetup setup_for(std::uint64_t seed) {
  ScenarioSetup s;
  s.seed = seed;
  s.up = make_link(kRate, kOneWay);
  s.down = make_link(kRate, kOneWay);
  s.up.loss = 0.005;  // a little loss so retransmissions mix into the schedule
  return s;
}

// Bound for all streams together. With 0.5% random loss a loss-based
// controller runs at the Mathis et al. response MSS/RTT * sqrt(3/2) /
// sqrt(p) = 1400 B * 8 / 30 ms * 1.22 / 0.071 = ~6.5 Mbit/s (below the
// 50 Mbit/s link): 8 MB at 70% of that, plus 6 RTTs (handshake, slow
// start) and 1 s (a handshake PTO).
double bound_seconds() {
  const double rtt = 2 * seconds(kOneWay);
  const double mathis_bps = 1400.0 * 8 / rtt * std::sqrt(1.5) / std::sqrt(0.005);
  return static_cast<double>(kStreams * kStreamBytes) * 8 / (0.7 * mathis_bps) + 6 * rtt + 1.0;
}

class ConcurrentStreams : public ::testing::TestWithParam<std::uint64_t> {};

// Incremental streams share the connection round-robin: every stream has
// started arriving before any of them has finished.
TEST_P(ConcurrentStreams, IncrementalStreamsInterleaveAndArriveIntact) {
  const std::uint64_t seed = GetParam();
  SCOPED_TRACE(replay_note(seed));
  transport::StreamPriority incremental;
  incremental.incremental = true;
  BulkTransfer t(setup_for(seed), plans(seed), Direction::upload, incremental);
  ASSERT_TRUE(t.run(60s));
  t.expect_intact();
  expect_sane(t.scenario());
  report("streams_8x1MB_incremental", seed, t.summary());
  Timestamp last_first_byte = kTimeZero;
  Timestamp first_completion = kTimeInfinite;
  for (const ReceivedStream& r : t.receiver().streams()) {
    last_first_byte = std::max(last_first_byte, r.first_byte_at);
    first_completion = std::min(first_completion, r.completed_at);
  }
  EXPECT_LT(last_first_byte, first_completion) << "streams were served one after another";
  EXPECT_LE(t.completion_seconds(), bound_seconds()) << t.summary();
  ASSERT_TRUE(t.scenario().close_both(5s));
}

// Non-incremental streams of one urgency are sent one at a time in stream
// ID order (RFC 9218 §4): stream i completes before stream i+1 starts
// arriving, except where a retransmission of i is still outstanding, so
// compare completion order only.
TEST_P(ConcurrentStreams, SequentialStreamsCompleteInOrderAndArriveIntact) {
  const std::uint64_t seed = GetParam();
  SCOPED_TRACE(replay_note(seed));
  BulkTransfer t(setup_for(seed), plans(seed));
  ASSERT_TRUE(t.run(60s));
  t.expect_intact();
  expect_sane(t.scenario());
  report("streams_8x1MB_sequential", seed, t.summary());
  for (std::size_t i = 1; i < kStreams; ++i) {
    const ReceivedStream* prev = t.receiver().find(t.sender().stream_id(i - 1));
    const ReceivedStream* cur = t.receiver().find(t.sender().stream_id(i));
    ASSERT_TRUE(prev != nullptr && cur != nullptr);
    EXPECT_LE(prev->completed_at, cur->completed_at) << "stream " << cur->id;
  }
  EXPECT_LE(t.completion_seconds(), bound_seconds()) << t.summary();
  ASSERT_TRUE(t.scenario().close_both(5s));
}

INSTANTIATE_TEST_SUITE_P(Seeds, ConcurrentStreams, ::testing::ValuesIn(sim_seeds({1, 2, 3})), seed_name);

}  // namespace
}  // namespace tquic::sim
