#include "transport/recovery/received_packet_tracker.h"

#include <gtest/gtest.h>

#include <vector>

namespace tquic::transport {
namespace {

constexpr PacketNumberSpace kApp = PacketNumberSpace::application_data;
using Ranges = std::vector<wire::AckRange>;

Timestamp at_ms(std::int64_t v) { return kTimeZero + std::chrono::milliseconds(v); }

ReceiveResult recv(ReceivedPacketTracker& t, std::uint64_t pn, Timestamp now, bool ack_eliciting = true,
                   EcnCodepoint ecn = EcnCodepoint::not_ect) {
  return t.on_packet_received(pn, ack_eliciting, ecn, now);
}

Ranges ranges(const ReceivedPacketTracker& t) {
  auto r = t.ack_ranges();
  return Ranges(r.begin(), r.end());
}

// ------------------------------------------------------------ ranges -------

TEST(ReceivedPacketTracker, InOrderPacketsFormOneRange) {
  ReceivedPacketTracker t(kApp);
  EXPECT_FALSE(t.has_received());
  for (std::uint64_t pn = 0; pn < 5; ++pn) EXPECT_EQ(recv(t, pn, at_ms(0)), ReceiveResult::recorded);
  EXPECT_EQ(ranges(t), (Ranges{{0, 4}}));
  EXPECT_EQ(t.largest_received(), 4u);
  EXPECT_TRUE(t.has_received());
}

TEST(ReceivedPacketTracker, OutOfOrderArrivalSplitsAndMergesRanges) {
  ReceivedPacketTracker t(kApp);
  for (std::uint64_t pn : {0, 1, 5}) ASSERT_EQ(recv(t, pn, at_ms(0)), ReceiveResult::recorded);
  EXPECT_EQ(ranges(t), (Ranges{{5, 5}, {0, 1}}));
  recv(t, 3, at_ms(0));
  EXPECT_EQ(ranges(t), (Ranges{{5, 5}, {3, 3}, {0, 1}}));
  recv(t, 4, at_ms(0));
  EXPECT_EQ(ranges(t), (Ranges{{3, 5}, {0, 1}}));
  recv(t, 2, at_ms(0));
  EXPECT_EQ(ranges(t), (Ranges{{0, 5}}));
  recv(t, 7, at_ms(0));
  recv(t, 10, at_ms(0));
  EXPECT_EQ(ranges(t), (Ranges{{10, 10}, {7, 7}, {0, 5}}));
  recv(t, 6, at_ms(0));
  recv(t, 9, at_ms(0));
  EXPECT_EQ(ranges(t), (Ranges{{9, 10}, {0, 7}}));
  recv(t, 8, at_ms(0));
  EXPECT_EQ(ranges(t), (Ranges{{0, 10}}));
}

TEST(ReceivedPacketTracker, OlderPacketsBelowEveryRange) {
  ReceivedPacketTracker t(kApp);
  recv(t, 10, at_ms(0));
  recv(t, 7, at_ms(0));
  recv(t, 8, at_ms(0));
  EXPECT_EQ(ranges(t), (Ranges{{10, 10}, {7, 8}}));
  recv(t, 9, at_ms(0));
  EXPECT_EQ(ranges(t), (Ranges{{7, 10}}));
  EXPECT_EQ(t.largest_received(), 10u);
}

TEST(ReceivedPacketTracker, DuplicatesAreReportedAndChangeNothing) {
  ReceivedPacketTracker t(kApp);
  EXPECT_FALSE(t.is_duplicate(3));
  EXPECT_EQ(recv(t, 3, at_ms(0), true, EcnCodepoint::ect0), ReceiveResult::recorded);
  t.on_ack_sent();
  EXPECT_TRUE(t.is_duplicate(3));
  EXPECT_EQ(recv(t, 3, at_ms(1), true, EcnCodepoint::ect0), ReceiveResult::duplicate);
  EXPECT_EQ(t.ecn_counts().ect0, 1u);
  EXPECT_EQ(t.ack_deadline(), kTimeInfinite);
  EXPECT_FALSE(t.has_unacked_packets());
  EXPECT_EQ(ranges(t), (Ranges{{3, 3}}));
}

TEST(ReceivedPacketTracker, RangeBoundDropsOldestRanges) {
  ReceivedPacketTracker t(kApp);
  // 40 isolated packets need 40 ranges; only the newest 32 are kept.
  for (std::uint64_t i = 0; i < 40; ++i) ASSERT_EQ(recv(t, 2 * i, at_ms(0)), ReceiveResult::recorded);
  const Ranges r = ranges(t);
  ASSERT_EQ(r.size(), ReceivedPacketTracker::kMaxAckRanges);
  EXPECT_EQ(r.front(), (wire::AckRange{78, 78}));
  EXPECT_EQ(r.back(), (wire::AckRange{16, 16}));
  for (std::size_t i = 1; i < r.size(); ++i) EXPECT_LT(r[i].largest + 1, r[i - 1].smallest);
  // Forgotten ranges can no longer be told apart from new packets: refused.
  EXPECT_EQ(t.min_trackable(), 15u);
  EXPECT_TRUE(t.is_duplicate(14));
  EXPECT_TRUE(t.is_duplicate(1));
  EXPECT_EQ(recv(t, 13, at_ms(0)), ReceiveResult::duplicate);
  EXPECT_FALSE(t.is_duplicate(15));
  EXPECT_EQ(recv(t, 15, at_ms(0)), ReceiveResult::recorded);
  EXPECT_EQ(t.ack_ranges().back(), (wire::AckRange{15, 16}));
}

TEST(ReceivedPacketTracker, FullTableRefusesPacketsOlderThanEveryRange) {
  ReceivedPacketTracker t(kApp);
  for (std::uint64_t i = 0; i < 32; ++i) recv(t, 100 + 2 * i, at_ms(0));
  ASSERT_EQ(t.ack_ranges().size(), 32u);
  EXPECT_TRUE(t.is_duplicate(50));
  EXPECT_EQ(recv(t, 50, at_ms(0)), ReceiveResult::duplicate);
  EXPECT_EQ(t.ack_ranges().back(), (wire::AckRange{100, 100}));
  EXPECT_EQ(recv(t, 101, at_ms(0)), ReceiveResult::recorded);  // merges two ranges
  EXPECT_EQ(t.ack_ranges().size(), 31u);
  EXPECT_EQ(t.ack_ranges().back(), (wire::AckRange{100, 102}));
  EXPECT_EQ(recv(t, 170, at_ms(0)), ReceiveResult::recorded);  // fills the free slot
  EXPECT_EQ(t.ack_ranges().size(), 32u);
  EXPECT_EQ(t.min_trackable(), 0u);
  EXPECT_EQ(recv(t, 172, at_ms(0)), ReceiveResult::recorded);  // evicts the oldest
  EXPECT_EQ(t.ack_ranges().size(), 32u);
  EXPECT_EQ(t.ack_ranges().front(), (wire::AckRange{172, 172}));
  EXPECT_EQ(t.ack_ranges().back(), (wire::AckRange{104, 104}));
  EXPECT_EQ(t.min_trackable(), 103u);
  EXPECT_TRUE(t.is_duplicate(101));
}

TEST(ReceivedPacketTracker, AckOfAckPrunesRangesButKeepsLargest) {
  ReceivedPacketTracker t(kApp);
  for (std::uint64_t pn : {0, 1, 2, 3, 5, 6, 7, 9}) recv(t, pn, at_ms(0));
  EXPECT_EQ(ranges(t), (Ranges{{9, 9}, {5, 7}, {0, 3}}));
  t.on_ack_sent();
  t.on_ack_frame_acknowledged(6);
  EXPECT_EQ(ranges(t), (Ranges{{9, 9}, {7, 7}}));
  EXPECT_TRUE(t.is_duplicate(4));  // never received, but no longer acceptable
  EXPECT_TRUE(t.is_duplicate(6));
  EXPECT_FALSE(t.is_duplicate(8));
  t.on_ack_frame_acknowledged(9);
  EXPECT_TRUE(ranges(t).empty());
  EXPECT_EQ(t.largest_received(), 9u);
  t.on_ack_frame_acknowledged(4);  // older news: no effect
  EXPECT_EQ(t.min_trackable(), 10u);
  recv(t, 10, at_ms(0));
  EXPECT_EQ(ranges(t), (Ranges{{10, 10}}));
  EXPECT_EQ(t.ack_deadline(), at_ms(25));  // no spurious "gap" below the floor
}

// ------------------------------------------------------------ ACK timing ---

TEST(ReceivedPacketTracker, AckDueAfterSecondAckElicitingPacket) {
  ReceivedPacketTracker t(kApp);
  EXPECT_EQ(t.ack_deadline(), kTimeInfinite);
  recv(t, 0, at_ms(0));
  EXPECT_EQ(t.ack_deadline(), at_ms(25));
  recv(t, 1, at_ms(5));
  EXPECT_EQ(t.ack_deadline(), at_ms(5));
  t.on_ack_sent();
  EXPECT_EQ(t.ack_deadline(), kTimeInfinite);
  EXPECT_FALSE(t.has_unacked_packets());
  recv(t, 2, at_ms(6));
  EXPECT_EQ(t.ack_deadline(), at_ms(31));  // counting restarted
}

TEST(ReceivedPacketTracker, AckDueMaxAckDelayAfterFirstUnackedPacket) {
  ReceivedPacketTracker t(kApp, AckPolicy{1, 40ms, 1});
  recv(t, 0, at_ms(10));
  recv(t, 1, at_ms(20), /*ack_eliciting=*/false);
  EXPECT_EQ(t.ack_deadline(), at_ms(50));
  EXPECT_TRUE(t.has_unacked_packets());
}

TEST(ReceivedPacketTracker, NonAckElicitingPacketsNeverMakeAnAckDue) {
  ReceivedPacketTracker t(kApp);
  recv(t, 0, at_ms(0), false);
  recv(t, 5, at_ms(1), false, EcnCodepoint::ce);  // gap and CE
  recv(t, 2, at_ms(2), false);                    // out of order
  EXPECT_EQ(t.ack_deadline(), kTimeInfinite);
  EXPECT_TRUE(t.has_unacked_packets());
  EXPECT_EQ(ranges(t), (Ranges{{5, 5}, {2, 2}, {0, 0}}));
}

TEST(ReceivedPacketTracker, ImmediateAckOnGapAndOnReorderedPacket) {
  ReceivedPacketTracker t(kApp);
  recv(t, 0, at_ms(0));
  t.on_ack_sent();
  recv(t, 2, at_ms(1));  // opens a gap above the largest ack-eliciting
  EXPECT_EQ(t.ack_deadline(), at_ms(1));
  t.on_ack_sent();
  recv(t, 1, at_ms(2));  // below the largest ack-eliciting
  EXPECT_EQ(t.ack_deadline(), at_ms(2));
  t.on_ack_sent();
  recv(t, 3, at_ms(3));  // in order again
  EXPECT_EQ(t.ack_deadline(), at_ms(28));
}

TEST(ReceivedPacketTracker, GapFilledByNonAckElicitingPacketIsNoReordering) {
  ReceivedPacketTracker t(kApp);
  recv(t, 0, at_ms(0));
  t.on_ack_sent();
  recv(t, 1, at_ms(1), false);
  recv(t, 2, at_ms(2));
  EXPECT_EQ(t.ack_deadline(), at_ms(27));
}

TEST(ReceivedPacketTracker, InitialAndHandshakeAckEveryAckElicitingPacketAtOnce) {
  for (PacketNumberSpace space : {PacketNumberSpace::initial, PacketNumberSpace::handshake}) {
    ReceivedPacketTracker t(space);
    recv(t, 0, at_ms(3), false);
    EXPECT_EQ(t.ack_deadline(), kTimeInfinite);
    recv(t, 1, at_ms(4));
    EXPECT_EQ(t.ack_deadline(), at_ms(4));
  }
}

TEST(ReceivedPacketTracker, EcnCountsPerPacket) {
  ReceivedPacketTracker t(kApp);
  recv(t, 0, at_ms(0), true, EcnCodepoint::ect0);
  recv(t, 1, at_ms(0), false, EcnCodepoint::ect0);
  recv(t, 2, at_ms(0), true, EcnCodepoint::ect1);
  recv(t, 3, at_ms(0), false, EcnCodepoint::ce);
  recv(t, 4, at_ms(0), true, EcnCodepoint::not_ect);
  recv(t, 2, at_ms(0), true, EcnCodepoint::ect1);  // duplicate: not counted
  EXPECT_EQ(t.ecn_counts(), (EcnCounts{2, 1, 1}));
}

TEST(ReceivedPacketTracker, CeMarkedPacketAckedImmediately) {
  ReceivedPacketTracker t(kApp);
  recv(t, 0, at_ms(0), true, EcnCodepoint::ce);
  EXPECT_EQ(t.ack_deadline(), at_ms(0));
  t.on_ack_sent();
  recv(t, 1, at_ms(1), true, EcnCodepoint::ce);  // threshold 1: every CE packet
  EXPECT_EQ(t.ack_deadline(), at_ms(1));
}

TEST(ReceivedPacketTracker, CeOnlyOnTransitionWithLargerThreshold) {
  ReceivedPacketTracker t(kApp, AckPolicy{10, 25ms, 1});
  recv(t, 0, at_ms(0));
  EXPECT_EQ(t.ack_deadline(), at_ms(25));
  recv(t, 1, at_ms(1), true, EcnCodepoint::ce);  // non-CE -> CE
  EXPECT_EQ(t.ack_deadline(), at_ms(1));
  t.on_ack_sent();
  recv(t, 2, at_ms(2), true, EcnCodepoint::ce);  // CE again: no transition
  EXPECT_EQ(t.ack_deadline(), at_ms(27));
  recv(t, 3, at_ms(3), false, EcnCodepoint::ect0);
  t.on_ack_sent();
  recv(t, 4, at_ms(4), true, EcnCodepoint::ce);
  EXPECT_EQ(t.ack_deadline(), at_ms(4));
}

TEST(ReceivedPacketTracker, AckElicitingThresholdHonoured) {
  ReceivedPacketTracker t(kApp, AckPolicy{9, 100ms, 1});
  for (std::uint64_t pn = 0; pn < 9; ++pn) {
    recv(t, pn, at_ms(static_cast<std::int64_t>(pn)));
    EXPECT_EQ(t.ack_deadline(), at_ms(100)) << pn;
  }
  recv(t, 9, at_ms(9));  // more than 9 unacknowledged ack-eliciting packets
  EXPECT_EQ(t.ack_deadline(), at_ms(9));
}

TEST(ReceivedPacketTracker, AckElicitingThresholdZeroAcksEveryPacket) {
  ReceivedPacketTracker t(kApp, AckPolicy{0, 25ms, 1});
  recv(t, 0, at_ms(3));
  EXPECT_EQ(t.ack_deadline(), at_ms(3));
}

TEST(ReceivedPacketTracker, ImmediateAckFrame) {
  ReceivedPacketTracker t(kApp);
  recv(t, 0, at_ms(0));
  t.on_immediate_ack_frame(at_ms(1));
  EXPECT_EQ(t.ack_deadline(), at_ms(1));
}

TEST(ReceivedPacketTracker, AckDelayMeasuredFromLargestPacket) {
  ReceivedPacketTracker t(kApp);
  EXPECT_EQ(t.ack_delay(at_ms(5)), 0ms);
  recv(t, 5, at_ms(10));
  recv(t, 3, at_ms(20));
  EXPECT_EQ(t.ack_delay(at_ms(30)), 20ms);
  EXPECT_EQ(t.ack_delay(at_ms(5)), 0ms);  // never negative
}

// ------------------------------------------------------------ ack-frequency reordering

TEST(ReceivedPacketTracker, ReorderingThresholdZeroNeverAcksForGaps) {
  ReceivedPacketTracker t(kApp, AckPolicy{10, 25ms, 0});
  recv(t, 0, at_ms(0));
  t.on_ack_sent();
  recv(t, 5, at_ms(1));
  EXPECT_EQ(t.ack_deadline(), at_ms(26));
  recv(t, 3, at_ms(2));
  EXPECT_EQ(t.ack_deadline(), at_ms(26));
}

// Replays a table of draft-ietf-quic-ack-frequency §6.2.1: packets arrive in
// order of `pns`; `expect_ack[i]` says whether an immediate ACK is due (and
// then sent).
void replay(std::uint64_t threshold, const std::vector<std::uint64_t>& pns,
            const std::vector<bool>& expect_ack) {
  ReceivedPacketTracker t(kApp, AckPolicy{1000, 1s, threshold});
  for (std::size_t i = 0; i < pns.size(); ++i) {
    const Timestamp now = at_ms(static_cast<std::int64_t>(i));
    recv(t, pns[i], now);
    const bool immediate = t.ack_deadline() == now;
    EXPECT_EQ(immediate, expect_ack[i]) << "threshold " << threshold << " packet " << pns[i];
    if (immediate) t.on_ack_sent();
  }
}

TEST(ReceivedPacketTracker, ReorderingThreshold3DraftExample) {
  replay(3, {0, 1, 3, 4, 5, 8, 9, 10}, {false, false, false, false, true, false, true, true});
}

TEST(ReceivedPacketTracker, ReorderingThreshold5DraftExample) {
  replay(5, {0, 1, 3, 5, 6, 7, 8, 9}, {false, false, false, false, false, true, false, true});
}

TEST(ReceivedPacketTracker, ReorderingThresholdLatePacketBehindReportedMissing) {
  ReceivedPacketTracker t(kApp, AckPolicy{1000, 1s, 3});
  for (std::uint64_t pn : {0, 1, 3, 4, 5}) recv(t, pn, at_ms(0));
  t.on_ack_sent();  // Largest Acked 5: packet 2 may be declared lost by now
  recv(t, 2, at_ms(1));
  EXPECT_EQ(t.ack_deadline(), at_ms(1));
}

// ------------------------------------------------------------ ACK_FREQUENCY frame

TEST(AckFrequencyState, AppliesNewerFramesOnly) {
  AckFrequencyState state(AckPolicy{}, 1ms);
  auto first = state.on_frame({0, 9, 50'000, 3});
  ASSERT_TRUE(first);
  EXPECT_TRUE(*first);
  EXPECT_EQ(state.policy().ack_eliciting_threshold, 9u);
  EXPECT_EQ(state.policy().max_ack_delay, 50ms);
  EXPECT_EQ(state.policy().reordering_threshold, 3u);
  auto same = state.on_frame({0, 1, 1'000, 1});
  ASSERT_TRUE(same);
  EXPECT_FALSE(*same);
  auto newer = state.on_frame({5, 2, 10'000, 0});
  ASSERT_TRUE(newer && *newer);
  auto older = state.on_frame({3, 7, 10'000, 7});
  ASSERT_TRUE(older);
  EXPECT_FALSE(*older);
  EXPECT_EQ(state.policy().ack_eliciting_threshold, 2u);

  ReceivedPacketTracker t(kApp);
  t.set_policy(state.policy());
  recv(t, 0, at_ms(0));
  recv(t, 1, at_ms(1));
  EXPECT_EQ(t.ack_deadline(), at_ms(10));
  recv(t, 2, at_ms(2));
  EXPECT_EQ(t.ack_deadline(), at_ms(2));
}

TEST(AckFrequencyState, InvalidRequestedMaxAckDelayIsProtocolViolation) {
  AckFrequencyState state(AckPolicy{}, 2ms);
  for (std::uint64_t delay_us : {std::uint64_t{16'384'000}, std::uint64_t{1'999}, ~std::uint64_t{0}}) {
    auto r = state.on_frame({7, 1, delay_us, 1});
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is_transport(TransportErrorCode::PROTOCOL_VIOLATION));
    EXPECT_EQ(r.error().frame_type, 0xafu);
  }
  auto edge = state.on_frame({7, 1, 16'383'999, 1});
  ASSERT_TRUE(edge && *edge);
  auto low_edge = state.on_frame({8, 1, 2'000, 1});
  ASSERT_TRUE(low_edge && *low_edge);
  EXPECT_EQ(state.policy().max_ack_delay, 2ms);
}

}  // namespace
}  // namespace tquic::transport
