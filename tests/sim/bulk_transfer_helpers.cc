#include "sim/bulk_transfer_helpers.h"

#include <cstdio>

namespace tquic::sim {
namespace {

App& client_app(Direction d, BulkSender& s, BulkReceiver& r) {
  return d == Direction::upload ? static_cast<App&>(s) : static_cast<App&>(r);
}
App& server_app(Direction d, BulkSender& s, BulkReceiver& r) {
  return d == Direction::upload ? static_cast<App&>(r) : static_cast<App&>(s);
}

}  // namespace

BulkTransfer::BulkTransfer(const ScenarioSetup& setup, const std::vector<StreamPlan>& plans, Direction direction,
                           transport::StreamPriority priority)
    : plans_(plans),
      direction_(direction),
      sender_(plans, priority),
      start_(setup.client_start),
      scenario_(setup, client_app(direction, sender_, receiver_), server_app(direction, sender_, receiver_)) {}

QuicNode& BulkTransfer::sender_node() {
  return direction_ == Direction::upload ? scenario_.client() : scenario_.server();
}

QuicNode& BulkTransfer::receiver_node() {
  return direction_ == Direction::upload ? scenario_.server() : scenario_.client();
}

::testing::AssertionResult BulkTransfer::run(Duration limit) {
  return scenario_.run_until([&] { return complete(); }, scenario_.now() + limit);
}

std::uint64_t BulkTransfer::total_bytes() const {
  std::uint64_t sum = 0;
  for (const StreamPlan& p : plans_) sum += p.size;
  return sum;
}

void BulkTransfer::expect_intact() {
  SCOPED_TRACE(replay_note(scenario_.seed()));
  EXPECT_EQ(sender_.write_errors(), 0u);
  ASSERT_EQ(sender_.streams_opened(), plans_.size());
  for (std::size_t i = 0; i < plans_.size(); ++i) {
    const ReceivedStream* r = receiver_.find(sender_.stream_id(i));
    ASSERT_NE(r, nullptr) << "stream " << sender_.stream_id(i) << " never arrived";
    EXPECT_TRUE(r->fin) << "stream " << r->id;
    EXPECT_EQ(r->bytes, plans_[i].size) << "stream " << r->id;
    EXPECT_TRUE(r->digest == payload_digest(plans_[i].seed, plans_[i].size)) << "stream " << r->id << " digest differs";
  }
  EXPECT_EQ(receiver_.streams().size(), plans_.size());
  const transport::Connection* s = sender_node().connection();
  const transport::Connection* r = receiver_node().connection();
  ASSERT_TRUE(s != nullptr && r != nullptr);
  EXPECT_EQ(s->stats().stream_bytes_sent, total_bytes());
  EXPECT_EQ(r->stats().stream_bytes_received, total_bytes());
}

double BulkTransfer::completion_seconds() const { return seconds_between(start_, receiver_.last_completed_at()); }

double BulkTransfer::goodput_bps() const {
  const double t = completion_seconds();
  return t > 0 ? static_cast<double>(total_bytes()) * 8.0 / t : 0.0;
}

std::string BulkTransfer::summary() {
  char buf[320];
  const transport::Connection* c = sender_node().connection();
  const transport::ConnectionStats st = c ? c->stats() : transport::ConnectionStats{};
  std::snprintf(buf, sizeof buf,
                "bytes=%llu time=%.3fs goodput=%.2fMbit/s sent_pkts=%llu lost=%llu retx=%llu pto=%llu "
                "srtt=%.1fms cwnd=%llu mds=%u",
                static_cast<unsigned long long>(total_bytes()), completion_seconds(), goodput_bps() / 1e6,
                static_cast<unsigned long long>(st.packets_sent), static_cast<unsigned long long>(st.packets_lost),
                static_cast<unsigned long long>(st.packets_retransmitted),
                static_cast<unsigned long long>(st.pto_count), seconds(st.smoothed_rtt) * 1e3,
                static_cast<unsigned long long>(st.congestion_window), static_cast<unsigned>(st.max_datagram_size));
  return buf;
}

}  // namespace tquic::sim
