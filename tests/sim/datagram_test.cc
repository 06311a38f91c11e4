// DATAGRAM frames (RFC 9221) over a lossy link: unreliable, so the count
// received must match the link's loss, and nothing may arrive corrupted,
// twice, or crash the connection.
#include <gtest/gtest.h>

#include <cmath>

#include "sim/scenario_helpers.h"
#include "sim/transfer_app_helpers.h"

namespace tquic::sim {
namespace {

constexpr std::uint64_t kCount = 1000;
constexpr std::size_t kSize = 200;
constexpr double kLoss = 0.02;

class Datagrams : public ::testing::TestWithParam<std::uint64_t> {};

TEST_P(Datagrams, ThousandDatagramsOverLossyLinkWithinLossBounds) {
  const std::uint64_t seed = GetParam();
  SCOPED_TRACE(replay_note(seed));
  ScenarioSetup setup;
  setup.seed = seed;
  setup.up = make_link(20'000'000, 20ms);
  setup.down = make_link(20'000'000, 20ms);
  setup.up.loss = kLoss;
  setup.down.loss = kLoss;
  setup.client_config.max_datagram_frame_size = 1200;
  setup.server_config.max_datagram_frame_size = 1200;
  // One datagram every 10 ms (100 packets/s): below what CUBIC sustains at
  // 2% loss (Mathis: 1400 B * 8 / 40 ms * 1.22 / 0.14 = ~2.4 Mbit/s, ~210
  // packets/s), so each datagram usually rides in a packet of its own.
  DatagramSource source(kCount, kSize, 10ms);
  DatagramSink sink(kCount, kSize);
  Scenario sc(setup, source, sink);
  ASSERT_TRUE(sc.run_until([&] { return source.done(); }, kTimeZero + 60s));
  ASSERT_TRUE(sc.run_for(1s));  // the last ones land
  report("datagrams_1000_2pct_loss", seed,
         "sent=" + std::to_string(source.sent()) + " refused=" + std::to_string(source.refused()) +
             " received=" + std::to_string(sink.received()) +
             " link_dropped=" + std::to_string(sc.up_link().stats().drops(DropReason::loss)));
  EXPECT_EQ(source.refused(), 0u);
  EXPECT_EQ(source.sent(), kCount);
  EXPECT_EQ(sink.malformed(), 0u);
  EXPECT_EQ(sink.repeated(), 0u);
  EXPECT_EQ(sink.distinct(), sink.received());
  // Never retransmitted: at most what was sent.
  EXPECT_LE(sink.received(), kCount);
  EXPECT_LT(sink.received(), kCount) << "2% loss must have cost some datagrams";
  // Every missing datagram is explained by a packet the link lost or the
  // server could not open (1-RTT before its handshake keys): at most
  // 1452 / (200 + 3) = 7 datagrams fit in one packet.
  const std::uint64_t missing = kCount - sink.received();
  const std::uint64_t packets_gone =
      sc.up_link().stats().dropped_total() + sc.server().connection()->stats().packets_dropped;
  EXPECT_LE(missing, 7 * packets_gone);
  // Statistically: Binomial(n, p) per datagram when each has its own
  // packet; allow 6 sigma plus the handshake-time drops.
  const double mean = kCount * (1 - kLoss);
  const double sigma = std::sqrt(kCount * kLoss * (1 - kLoss));
  EXPECT_GE(static_cast<double>(sink.received()) + 7.0 * static_cast<double>(sc.server().connection()->stats().packets_dropped),
            mean - 6 * sigma);
  expect_sane(sc);
  ASSERT_TRUE(sc.close_both(5s));
}

// The peer did not offer max_datagram_frame_size: sending is refused
// locally, nothing crashes, the connection stays up.
TEST_P(Datagrams, RefusedWhenPeerDoesNotSupportThem) {
  const std::uint64_t seed = GetParam();
  SCOPED_TRACE(replay_note(seed));
  ScenarioSetup setup;
  setup.seed = seed;
  setup.up = make_link(20'000'000, 20ms);
  setup.down = make_link(20'000'000, 20ms);
  setup.client_config.max_datagram_frame_size = 1200;  // server: 0
  DatagramSource source(10, kSize, 2ms);
  DatagramSink sink(10, kSize);
  Scenario sc(setup, source, sink);
  ASSERT_TRUE(sc.run_until([&] { return source.done(); }, kTimeZero + 10s));
  ASSERT_TRUE(sc.run_for(1s));
  EXPECT_EQ(source.refused(), 10u);
  EXPECT_EQ(sink.received(), 0u);
  EXPECT_EQ(sc.client().connection()->max_datagram_payload(), 0u);
  expect_sane(sc);
}

INSTANTIATE_TEST_SUITE_P(Seeds, Datagrams, ::testing::ValuesIn(sim_seeds({1, 2, 3})), seed_name);

}  // namespace
}  // namespace tquic::sim
