// A bulk transfer scenario: a Scenario whose client (upload) or server
// (download) runs a BulkSender and whose peer runs a BulkReceiver.
//
//   BulkTransfer t(setup, {{seed, 10 << 20}});
//   ASSERT_TRUE(t.run(60s));
//   t.expect_intact();                       // SHA-256 of every stream matches
//   EXPECT_LE(t.completion_seconds(), bound);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/scenario_helpers.h"
#include "sim/transfer_app_helpers.h"

namespace tquic::sim {

enum class Direction : std::uint8_t { upload, download };

class BulkTransfer {
 public:
  BulkTransfer(const ScenarioSetup& setup, const std::vector<StreamPlan>& plans,
               Direction direction = Direction::upload, transport::StreamPriority priority = {});

  Scenario& scenario() { return scenario_; }
  BulkSender& sender() { return sender_; }
  BulkReceiver& receiver() { return receiver_; }
  QuicNode& sender_node();
  QuicNode& receiver_node();

  // Runs until every stream was read to its FIN, at most `limit` of
  // virtual time from now.
  ::testing::AssertionResult run(Duration limit);
  bool complete() const { return receiver_.completed() == plans_.size(); }

  // Every stream arrived whole: byte count, FIN and SHA-256 as generated;
  // the connections' stream counters agree.
  void expect_intact();

  // Virtual seconds from the client's start to the last stream's FIN read.
  double completion_seconds() const;
  // Payload bits / completion_seconds().
  double goodput_bps() const;
  std::uint64_t total_bytes() const;
  // "time=1.234s goodput=12.3Mbit/s lost=.. retx=.. pto=.. srtt=..ms"
  std::string summary();

 private:
  std::vector<StreamPlan> plans_;
  Direction direction_;
  BulkSender sender_;
  BulkReceiver receiver_;
  Timestamp start_;
  Scenario scenario_;
};

}  // namespace tquic::sim
