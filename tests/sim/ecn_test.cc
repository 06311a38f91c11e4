// ECN through the simulator (RFC 9000 §13.4, RFC 9002 §7.1, RFC 3168):
//  (a) a bottleneck that marks CE above a shallow threshold instead of
//      dropping: the sender validates ECN, answers the marks as congestion
//      and loses (next to) nothing, with every controller;
//  (b) a path that bleaches the ECN field: validation fails, marking stops
//      after the testing period, the transfer completes;
//  (c) a path that rewrites ECT(0) to ECT(1): validation fails likewise;
//  (d) the ECN counts in the receiver's ACK frames match the marks the
//      network applied.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "sim/bulk_transfer_helpers.h"

namespace tquic::sim {
namespace {

using transport::CongestionControlAlgorithm;
using transport::EcnFailure;
using transport::EcnValidationState;

// 50 Mbit/s, 15 ms one way, a buffer of 2 BDPs (~258 datagrams) whose AQM
// marks (or, for Not-ECT datagrams, drops) above 10 queued datagrams
// (~2.3 ms): a shallow marking threshold in a deep buffer, as DCTCP-style
// marking is deployed. (With a 1-BDP buffer BBR's Startup overshoots into
// tail drops before the first marks come back: its 2.77x pacing grows the
// queue by ~1.8 BDP per round trip, while the marks lag one round trip.)
constexpr std::uint64_t kRate = 50'000'000;
constexpr Duration kOneWay = 15ms;
constexpr std::uint64_t kBytes = 3'000'000;
constexpr std::size_t kMarkingThreshold = 10;

double rtt() { return 2 * seconds(kOneWay); }
// Handshake, slow start to the threshold, and one handshake PTO.
double allowance() { return 6 * rtt() + 1.0; }

struct EcnRun {
  std::unique_ptr<BulkTransfer> t;
  transport::ConnectionStats client;
  transport::ConnectionStats server;
  LinkStats up;
};

// Uploads kBytes over the marking link; the up link gets `rewrite`.
void run_upload(std::uint64_t seed, CongestionControlAlgorithm cc, EcnRewrite rewrite, bool enable_ecn,
                const std::string& name, EcnRun& out) {
  ScenarioSetup setup;
  setup.seed = seed;
  setup.up = make_link(kRate, kOneWay, 2.0);
  setup.down = make_link(kRate, kOneWay, 2.0);
  setup.up.ce_threshold_packets = kMarkingThreshold;
  setup.up.ecn_rewrite = rewrite;
  for (auto* c : {&setup.client_config, &setup.server_config}) {
    c->congestion_control = cc;
    c->enable_ecn = enable_ecn;
  }
  out.t = std::make_unique<BulkTransfer>(setup, std::vector<StreamPlan>{{seed, kBytes}});
  ASSERT_TRUE(out.t->run(120s));
  out.t->expect_intact();
  expect_sane(out.t->scenario());
  Scenario& sc = out.t->scenario();
  // Let the last ACK frames arrive so the sender's view is complete.
  ASSERT_TRUE(sc.run_until([&] { return sc.client().connection()->stats().bytes_in_flight == 0; },
                           sc.now() + 5s));
  out.client = sc.client().connection()->stats();
  out.server = sc.server().connection()->stats();
  out.up = sc.up_link().stats();
  report(name, seed,
         out.t->summary() + " ecn=" + std::string(transport::ecn_validation_state_name(out.client.ecn_state)) +
             " ce_marked=" + std::to_string(out.up.ce_marked) + " ce_events=" +
             std::to_string(out.client.ecn_congestion_events) + " aqm_drops=" +
             std::to_string(out.up.drops(DropReason::aqm)) + " tail_drops=" +
             std::to_string(out.up.drops(DropReason::queue_full)));
  ASSERT_TRUE(sc.close_both(5s));
}

using Param = std::tuple<CongestionControlAlgorithm, std::uint64_t>;

std::string param_name(const ::testing::TestParamInfo<Param>& info) {
  return std::string(transport::congestion_control_algorithm_name(std::get<0>(info.param))) + "_seed_" +
         std::to_string(std::get<1>(info.param));
}

class EcnMarking : public ::testing::TestWithParam<Param> {};

// (a) + (d). The marks replace the drops: no AQM drop, no tail drop, no
// loss; the sender reacted (congestion events) and still used the link.
// Floor: as for the shallow tail-drop queue (impairment_test.cc), 40% of
// the link rate.
TEST_P(EcnMarking, CeMarksReplaceDropsAtAShallowQueue) {
  const auto [cc, seed] = GetParam();
  SCOPED_TRACE(replay_note(seed));
  EcnRun r;
  run_upload(seed, cc, EcnRewrite::none, true, "ecn_marking", r);
  if (HasFatalFailure()) return;
  EXPECT_EQ(r.client.ecn_state, EcnValidationState::capable);
  EXPECT_GT(r.up.ce_marked, 0u);
  EXPECT_GT(r.client.ecn_congestion_events, 0u);
  EXPECT_EQ(r.up.drops(DropReason::aqm), 0u);
  EXPECT_EQ(r.up.drops(DropReason::queue_full), 0u);
  EXPECT_EQ(r.client.packets_lost, 0u);
  // (d) every CE mark the link applied reached the receiver's counts, and
  // the sender read the same total from the ACK frames.
  EXPECT_EQ(r.server.ecn_ce_received, r.up.ce_marked);
  EXPECT_EQ(r.client.ecn_ce_reported, r.server.ecn_ce_received);
  EXPECT_EQ(r.server.ecn_ect1_received, 0u);
  const double bound = transfer_seconds(kBytes, static_cast<std::uint64_t>(0.4 * kRate)) + allowance();
  EXPECT_LE(r.t->completion_seconds(), bound) << r.t->summary();
}

// Without ECN the same AQM drops instead: losses the marks avoided.
TEST_P(EcnMarking, WithoutEcnTheSameQueueDrops) {
  const auto [cc, seed] = GetParam();
  SCOPED_TRACE(replay_note(seed));
  EcnRun r;
  run_upload(seed, cc, EcnRewrite::none, false, "ecn_off_aqm", r);
  if (HasFatalFailure()) return;
  EXPECT_EQ(r.client.ecn_state, EcnValidationState::disabled);
  EXPECT_EQ(r.up.ce_marked, 0u);
  EXPECT_GT(r.up.drops(DropReason::aqm), 0u);
  EXPECT_GT(r.client.packets_lost, 0u);
}

INSTANTIATE_TEST_SUITE_P(Controllers, EcnMarking,
                         ::testing::Combine(::testing::Values(CongestionControlAlgorithm::new_reno,
                                                              CongestionControlAlgorithm::cubic,
                                                              CongestionControlAlgorithm::bbr3),
                                            ::testing::ValuesIn(sim_seeds({1}))),
                         param_name);

class EcnBrokenPath : public ::testing::TestWithParam<std::uint64_t> {};

// (b) Bleached: the receiver sees Not-ECT and reports no counts; the
// sender fails validation on the first ACK of a marked packet and stops
// marking. The AQM then drops (Not-ECT), which loss recovery handles.
TEST_P(EcnBrokenPath, BleachingFailsValidationAndTheTransferCompletes) {
  const std::uint64_t seed = GetParam();
  SCOPED_TRACE(replay_note(seed));
  EcnRun r;
  run_upload(seed, CongestionControlAlgorithm::cubic, EcnRewrite::bleach, true, "ecn_bleached", r);
  if (HasFatalFailure()) return;
  EXPECT_EQ(r.client.ecn_state, EcnValidationState::failed);
  EXPECT_EQ(r.client.ecn_failure, EcnFailure::counts_missing);
  EXPECT_GT(r.up.ecn_bleached, 0u);
  EXPECT_LE(r.up.ecn_bleached, transport::EcnValidator::kTestingDatagrams);
  EXPECT_EQ(r.server.ecn_ect0_received + r.server.ecn_ce_received, 0u);
  EXPECT_EQ(r.up.ce_marked, 0u);
  // The other direction is not bleached: the server validated.
  EXPECT_EQ(r.server.ecn_state, EcnValidationState::capable);
}

// (c) Mangled: ECT(0) arrives as ECT(1), which the sender never sets.
TEST_P(EcnBrokenPath, ManglingFailsValidationAndTheTransferCompletes) {
  const std::uint64_t seed = GetParam();
  SCOPED_TRACE(replay_note(seed));
  EcnRun r;
  run_upload(seed, CongestionControlAlgorithm::cubic, EcnRewrite::mangle, true, "ecn_mangled", r);
  if (HasFatalFailure()) return;
  EXPECT_EQ(r.client.ecn_state, EcnValidationState::failed);
  EXPECT_EQ(r.client.ecn_failure, EcnFailure::ect1_remarked);
  EXPECT_GT(r.up.ecn_mangled, 0u);
  EXPECT_LE(r.up.ecn_mangled, transport::EcnValidator::kTestingDatagrams);
  EXPECT_GT(r.server.ecn_ect1_received, 0u);
  EXPECT_EQ(r.server.ecn_ect0_received, 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, EcnBrokenPath, ::testing::ValuesIn(sim_seeds({1, 2})), seed_name);

}  // namespace
}  // namespace tquic::sim
