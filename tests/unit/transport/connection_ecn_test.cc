// ECN end to end between two connections (RFC 9000 §13.4, RFC 9002 §7.1):
// marking and validation on a path that keeps, bleaches or remarks the ECN
// field, CE marks as congestion signals, and validation afresh on a new path.
#include <gtest/gtest.h>

#include "conn_test_harness.h"

namespace tquic::transport::testing {
namespace {

std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 131 + (i >> 9));
  return v;
}

bool is_short_header(ByteSpan d) { return !d.empty() && (d[0] & 0x80) == 0; }

// Client -> server transfer on a new stream; returns what arrived.
std::vector<std::uint8_t> transfer(Pipe& p, const std::vector<std::uint8_t>& data) {
  auto id = p.client->open_stream(true);
  EXPECT_TRUE(id);
  std::size_t written = 0;
  std::vector<std::uint8_t> got;
  p.run_until([&] {
    if (written < data.size()) written += *p.client->stream_write(*id, ByteSpan(data).subspan(written), true);
    for (ByteSpan v = p.server->stream_peek(*id); !v.empty(); v = p.server->stream_peek(*id)) {
      got.insert(got.end(), v.begin(), v.end());
      p.server->stream_consume(*id, v.size());
    }
    return p.server->stream_fin_received(*id);
  });
  return got;
}

// Runs until the client has nothing in flight (every ACK it will get arrived).
void settle(Pipe& p) {
  EXPECT_TRUE(p.run_until([&] { return p.client->stats().bytes_in_flight == 0; }, 10s));
}

TEST(ConnectionEcn, CleanPathValidatesAndKeepsMarking) {
  Pipe p;
  ASSERT_TRUE(p.handshake());
  const auto data = pattern(400'000);
  EXPECT_EQ(transfer(p, data), data);
  settle(p);
  const ConnectionStats c = p.client->stats();
  const ConnectionStats s = p.server->stats();
  EXPECT_EQ(c.ecn_state, EcnValidationState::capable);
  EXPECT_EQ(s.ecn_state, EcnValidationState::capable);
  EXPECT_EQ(c.ecn_validation_failures, 0u);
  // Marking continued past the testing period: most datagrams were marked.
  EXPECT_GT(p.ect0_datagrams[0], 200u);
  EXPECT_GT(c.ecn_ect0_sent, p.ect0_datagrams[0] / 2);
  // The server saw the marks (every processed packet, all spaces) and no others.
  EXPECT_GT(s.ecn_ect0_received, 200u);
  EXPECT_LE(s.ecn_ect0_received, c.ecn_ect0_sent);
  EXPECT_EQ(s.ecn_ect1_received, 0u);
  EXPECT_EQ(s.ecn_ce_received, 0u);
  EXPECT_EQ(c.ecn_ce_reported, 0u);
}

TEST(ConnectionEcn, BleachingPathFailsValidationAndStopsMarking) {
  Pipe p;
  p.ecn_path = [](EcnMark m, bool to_server, ByteSpan) { return to_server ? EcnMark::not_ect : m; };
  ASSERT_TRUE(p.handshake());
  const auto data = pattern(300'000);
  EXPECT_EQ(transfer(p, data), data);
  const ConnectionStats c = p.client->stats();
  EXPECT_EQ(c.ecn_state, EcnValidationState::failed);
  EXPECT_EQ(c.ecn_failure, EcnFailure::counts_missing);
  EXPECT_EQ(c.ecn_validation_failures, 1u);
  EXPECT_LE(p.ect0_datagrams[0], EcnValidator::kTestingDatagrams);  // only the testing period was marked
  EXPECT_EQ(p.server->stats().ecn_ect0_received, 0u);
  // The other direction is untouched and validates.
  EXPECT_EQ(p.server->stats().ecn_state, EcnValidationState::capable);
}

TEST(ConnectionEcn, RemarkingEct0ToEct1FailsValidation) {
  Pipe p;
  p.ecn_path = [](EcnMark m, bool to_server, ByteSpan) {
    return to_server && m == EcnMark::ect0 ? EcnMark::ect1 : m;
  };
  ASSERT_TRUE(p.handshake());
  const auto data = pattern(200'000);
  EXPECT_EQ(transfer(p, data), data);
  const ConnectionStats c = p.client->stats();
  EXPECT_EQ(c.ecn_state, EcnValidationState::failed);
  EXPECT_EQ(c.ecn_failure, EcnFailure::ect1_remarked);
  EXPECT_GT(p.server->stats().ecn_ect1_received, 0u);
  EXPECT_LE(p.ect0_datagrams[0], EcnValidator::kTestingDatagrams);
}

TEST(ConnectionEcn, PathDroppingEctDatagramsEndsTestingAndStillConnects) {
  // RFC 9000 §13.4.2: marking only during the testing period (3 PTOs here,
  // the handshake's Initials never get through) bounds the damage.
  Pipe p;
  p.drop_if = [](EcnMark m, bool to_server) { return to_server && m != EcnMark::not_ect; };
  ASSERT_TRUE(p.handshake());
  const auto data = pattern(100'000);
  EXPECT_EQ(transfer(p, data), data);
  const ConnectionStats c = p.client->stats();
  EXPECT_NE(c.ecn_state, EcnValidationState::capable);
  EXPECT_NE(c.ecn_state, EcnValidationState::testing);
  EXPECT_LE(p.ect0_datagrams[0], EcnValidator::kTestingDatagrams);
  EXPECT_EQ(p.server->stats().ecn_ect0_received, 0u);
}

TEST(ConnectionEcn, DisabledByConfigurationNeverMarks) {
  ConnectionConfig cfg;
  cfg.enable_ecn = false;
  Pipe p(cfg);
  ASSERT_TRUE(p.handshake());
  const auto data = pattern(100'000);
  EXPECT_EQ(transfer(p, data), data);
  EXPECT_EQ(p.ect0_datagrams[0] + p.ect0_datagrams[1], 0u);
  EXPECT_EQ(p.client->stats().ecn_state, EcnValidationState::disabled);
  EXPECT_EQ(p.client->stats().ecn_ect0_sent, 0u);
}

// Every 8th marked 1-RTT datagram to the server comes out CE, as from a
// queue above its marking threshold.
Pipe& with_ce_marks(Pipe& p, std::uint64_t& seen) {
  p.ecn_path = [&seen](EcnMark m, bool to_server, ByteSpan d) {
    if (!to_server || m != EcnMark::ect0 || !is_short_header(d)) return m;
    return ++seen % 8 == 0 ? EcnMark::ce : m;
  };
  return p;
}

class ConnectionEcnCe : public ::testing::TestWithParam<CongestionControlAlgorithm> {};

TEST_P(ConnectionEcnCe, CeMarksAreCongestionSignalsWithoutLoss) {
  ConnectionConfig cfg;
  cfg.congestion_control = GetParam();
  Pipe p(cfg);
  std::uint64_t seen = 0;
  with_ce_marks(p, seen);
  ASSERT_TRUE(p.handshake());
  const auto data = pattern(600'000);
  EXPECT_EQ(transfer(p, data), data);
  settle(p);
  const ConnectionStats c = p.client->stats();
  const ConnectionStats s = p.server->stats();
  EXPECT_EQ(c.ecn_state, EcnValidationState::capable);
  EXPECT_GT(s.ecn_ce_received, 10u);
  // (d) the ACK frames carried exactly the counts the server received.
  EXPECT_EQ(c.ecn_ce_reported, s.ecn_ce_received);
  EXPECT_GT(c.ecn_congestion_events, 0u);
  EXPECT_LE(c.ecn_congestion_events, c.ecn_ce_reported);
  EXPECT_EQ(c.packets_lost, 0u);
}

INSTANTIATE_TEST_SUITE_P(AllControllers, ConnectionEcnCe,
                         ::testing::Values(CongestionControlAlgorithm::new_reno, CongestionControlAlgorithm::cubic,
                                           CongestionControlAlgorithm::bbr3),
                         [](const ::testing::TestParamInfo<CongestionControlAlgorithm>& i) {
                           return std::string(congestion_control_algorithm_name(i.param));
                         });

// Window-based controllers reduce their window on CE exactly as on loss.
TEST(ConnectionEcn, CeMarksShrinkTheWindowOfNewRenoAndCubic) {
  for (auto algorithm : {CongestionControlAlgorithm::new_reno, CongestionControlAlgorithm::cubic}) {
    ConnectionConfig cfg;
    cfg.congestion_control = algorithm;
    Pipe clean(cfg), marked(cfg);
    std::uint64_t seen = 0;
    with_ce_marks(marked, seen);
    const auto data = pattern(600'000);
    for (Pipe* p : {&clean, &marked}) {
      ASSERT_TRUE(p->handshake());
      EXPECT_EQ(transfer(*p, data), data);
    }
    EXPECT_LT(marked.client->stats().congestion_window, clean.client->stats().congestion_window / 2)
        << congestion_control_algorithm_name(algorithm);
  }
}

TEST(ConnectionEcn, CeOnUnvalidatedPathIsIgnoredAfterFailure) {
  // Remarked to ECT(1) first (validation fails), then CE: no congestion response.
  Pipe p;
  p.ecn_path = [](EcnMark m, bool to_server, ByteSpan d) {
    if (!to_server || m != EcnMark::ect0) return m;
    return is_short_header(d) ? EcnMark::ce : EcnMark::ect1;
  };
  ASSERT_TRUE(p.handshake());
  const auto data = pattern(100'000);
  EXPECT_EQ(transfer(p, data), data);
  EXPECT_EQ(p.client->stats().ecn_state, EcnValidationState::failed);
  EXPECT_EQ(p.client->stats().ecn_congestion_events, 0u);
}

TEST(ConnectionEcn, MigrationValidatesTheNewPathAfresh) {
  Pipe p;
  ASSERT_TRUE(p.handshake());
  auto data = pattern(100'000);
  EXPECT_EQ(transfer(p, data), data);
  ASSERT_EQ(p.client->stats().ecn_state, EcnValidationState::capable);
  PathTuple moved = p.client_tuple;
  moved.local.port = 6000;
  ASSERT_TRUE(p.client->migrate(moved, p.now));
  EXPECT_EQ(p.client->stats().ecn_state, EcnValidationState::testing);
  p.client_tuple = moved;
  p.rebind_client = true;
  const std::uint64_t marked_before = p.ect0_datagrams[0];
  EXPECT_EQ(transfer(p, data), data);
  EXPECT_EQ(p.client->stats().ecn_state, EcnValidationState::capable);
  EXPECT_GT(p.ect0_datagrams[0], marked_before + 20);
}

}  // namespace
}  // namespace tquic::transport::testing
