// Zero-length connection IDs (RFC 9000 §5.1) through the simulated network:
// a 4 MB upload over a lossy, reordering link with the client, or both
// sides, addressed by empty DCIDs arrives intact, and only a side with a
// non-empty CID issues more.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "sim/bulk_transfer_helpers.h"

namespace tquic::sim {
namespace {

using transport::ConnectionEventType;

constexpr std::uint64_t kRate = 50'000'000;
constexpr Duration kOneWay = 15ms;
constexpr std::uint64_t kBytes = 4'000'000;

class ZeroLengthCid : public ::testing::TestWithParam<std::uint64_t> {
 protected:
  // 1% loss and 2% reordering each way. Floor: 1 Mbit/s, far below what
  // the loss response allows (~4.5 Mbit/s at p = 1%), plus 7 s for the
  // handshake, slow start and any PTO.
  void upload(bool client_zero, bool server_zero, const char* name) {
    const std::uint64_t seed = GetParam();
    SCOPED_TRACE(replay_note(seed));
    ScenarioSetup setup;
    setup.seed = seed;
    setup.up = make_link(kRate, kOneWay);
    setup.down = make_link(kRate, kOneWay);
    for (LinkConfig* c : {&setup.up, &setup.down}) {
      c->loss = 0.01;
      c->reorder = 0.02;
    }
    setup.client_zero_length_cid = client_zero;
    setup.server_zero_length_cid = server_zero;
    t_ = std::make_unique<BulkTransfer>(setup, std::vector<StreamPlan>{{seed, kBytes}});
    ASSERT_TRUE(t_->run(120s));
    t_->expect_intact();
    expect_sane(t_->scenario());
    report(name, seed, t_->summary());
    EXPECT_LE(t_->completion_seconds(), transfer_seconds(kBytes, 1'000'000) + 7.0) << t_->summary();
    EXPECT_GT(t_->scenario().client().connection()->stats().packets_lost, 0u);
    ASSERT_TRUE(t_->scenario().close_both(5s));
  }
  std::uint64_t issued(QuicNode& n) { return n.event_count(ConnectionEventType::local_cid_issued); }

  std::unique_ptr<BulkTransfer> t_;
};

TEST_P(ZeroLengthCid, ClientWithZeroLengthCidUploadsOverALossyLink) {
  upload(true, false, "zero_length_client_cid");
  if (HasFatalFailure()) return;
  EXPECT_EQ(issued(t_->scenario().client()), 0u);
  EXPECT_GT(issued(t_->scenario().server()), 0u);
}

TEST_P(ZeroLengthCid, BothSidesWithZeroLengthCidsUploadOverALossyLink) {
  upload(true, true, "zero_length_cids_both");
  if (HasFatalFailure()) return;
  EXPECT_EQ(issued(t_->scenario().client()), 0u);
  EXPECT_EQ(issued(t_->scenario().server()), 0u);
}

INSTANTIATE_TEST_SUITE_P(Seeds, ZeroLengthCid, ::testing::ValuesIn(sim_seeds({1, 2})), seed_name);

}  // namespace
}  // namespace tquic::sim
