#include "transport/recovery/ecn_validator.h"

#include <gtest/gtest.h>

#include <limits>

namespace tquic::transport {
namespace {

using State = EcnValidationState;

constexpr Duration kPto = 100ms;

Timestamp at_ms(std::int64_t v) { return kTimeZero + std::chrono::milliseconds(v); }

// Sends `n` single-packet datagrams through `v` at `now`; returns how many were marked.
int send(EcnValidator& v, EcnSpaceAccounting& space, int n, Timestamp now = at_ms(0)) {
  int marked = 0;
  for (int i = 0; i < n; ++i) {
    const bool m = v.should_mark(now, kPto);
    v.on_datagram_sent(m);
    v.on_packet_sent(space, m);
    marked += m;
  }
  return marked;
}

EcnAckInput ack(std::uint64_t largest, std::uint64_t newly_ect0, std::uint64_t ect0, std::uint64_t ect1 = 0,
                std::uint64_t ce = 0) {
  return EcnAckInput{largest, wire::EcnCounts{ect0, ect1, ce}, newly_ect0};
}

EcnAckInput ack_without_counts(std::uint64_t largest, std::uint64_t newly_ect0) {
  return EcnAckInput{largest, std::nullopt, newly_ect0};
}

TEST(EcnValidator, TestingMarksTheFirstTenDatagramsThenWaits) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  EXPECT_EQ(v.state(), State::testing);
  EXPECT_EQ(v.testing_budget(), EcnValidator::kTestingDatagrams);
  EXPECT_EQ(send(v, sp, 15), 10);
  EXPECT_EQ(v.state(), State::unknown);
  EXPECT_EQ(sp.ect0_sent, 10u);
  EXPECT_EQ(v.marked_sent(), 10u);
  EXPECT_EQ(v.testing_budget(), 0u);
}

TEST(EcnValidator, TestingEndsAfterThreePtos) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  EXPECT_EQ(send(v, sp, 2, at_ms(0)), 2);
  EXPECT_EQ(send(v, sp, 1, at_ms(299)), 1);
  EXPECT_EQ(send(v, sp, 1, at_ms(300)), 0);  // 3 * 100ms after the first marked datagram
  EXPECT_EQ(v.state(), State::unknown);
}

TEST(EcnValidator, ValidatedAckMakesThePathCapableAndMarkingResumes) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  ASSERT_EQ(send(v, sp, 12), 10);
  EXPECT_EQ(v.on_ack(sp, ack(9, 10, 10)), 0u);
  EXPECT_EQ(v.state(), State::capable);
  EXPECT_EQ(sp.reported, (wire::EcnCounts{10, 0, 0}));
  EXPECT_EQ(send(v, sp, 5), 5);
  EXPECT_EQ(v.failure(), EcnFailure::none);
}

TEST(EcnValidator, ValidatedAckDuringTestingSkipsTheGap) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  ASSERT_EQ(send(v, sp, 3), 3);
  v.on_ack(sp, ack(2, 3, 3));
  EXPECT_EQ(v.state(), State::capable);
  EXPECT_EQ(send(v, sp, 20), 20);
}

TEST(EcnValidator, AckWithoutCountsForMarkedPacketsFails) {
  // A bleaching path or a peer that does not report ECN (§13.4.2.1).
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 4);
  EXPECT_EQ(v.on_ack(sp, ack_without_counts(3, 4)), 0u);
  EXPECT_EQ(v.state(), State::failed);
  EXPECT_EQ(v.failure(), EcnFailure::counts_missing);
  EXPECT_EQ(send(v, sp, 5), 0);
}

TEST(EcnValidator, AckWithoutCountsForUnmarkedPacketsIsFine) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 12);  // 10 marked, 2 not
  v.on_ack(sp, ack_without_counts(11, 0));
  EXPECT_EQ(v.state(), State::unknown);
}

TEST(EcnValidator, Ect1CountFails) {
  // ECT(0) rewritten to ECT(1) on the path ("mangling").
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 4);
  v.on_ack(sp, ack(3, 4, 0, 4));
  EXPECT_EQ(v.state(), State::failed);
  EXPECT_EQ(v.failure(), EcnFailure::ect1_remarked);
}

TEST(EcnValidator, IncreaseBelowNewlyAckedMarkedPacketsFails) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 6);
  v.on_ack(sp, ack(2, 3, 3));
  ASSERT_EQ(v.state(), State::capable);
  v.on_ack(sp, ack(5, 3, 4));  // 3 newly acknowledged marked packets, only one more counted
  EXPECT_EQ(v.state(), State::failed);
  EXPECT_EQ(v.failure(), EcnFailure::marks_lost);
}

TEST(EcnValidator, CountsLargerThanNewlyAckedAreFine) {
  // A lost ACK frame: the next one acknowledges fewer packets than the counts grew.
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 6);
  v.on_ack(sp, ack(5, 2, 6));
  EXPECT_EQ(v.state(), State::capable);
}

TEST(EcnValidator, DecreasingCountsFail) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 6);
  v.on_ack(sp, ack(2, 3, 3, 0, 0));
  v.on_ack(sp, ack(5, 3, 2, 0, 4));
  EXPECT_EQ(v.state(), State::failed);
  EXPECT_EQ(v.failure(), EcnFailure::counts_decreased);
}

TEST(EcnValidator, MoreMarksThanPacketsSentFails) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 3);
  v.on_ack(sp, ack(2, 3, 2, 0, 2));  // 4 > 3 sent with ECT(0)
  EXPECT_EQ(v.state(), State::failed);
  EXPECT_EQ(v.failure(), EcnFailure::too_many_marked);
}

TEST(EcnValidator, HugeCountsFromTheWireDoNotOverflow) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 3);
  const std::uint64_t big = std::numeric_limits<std::uint64_t>::max() - 1;
  v.on_ack(sp, ack(2, 3, 2, 0, big));  // 2 + big wraps to 0 if added
  EXPECT_EQ(v.state(), State::failed);
  EXPECT_EQ(v.failure(), EcnFailure::too_many_marked);
}

TEST(EcnValidator, ReorderedAckNeverFailsValidation) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 6);
  v.on_ack(sp, ack(5, 4, 4));
  ASSERT_EQ(v.state(), State::capable);
  // An older ACK frame (largest 3 < 5) with smaller counts and no counts at all.
  EXPECT_EQ(v.on_ack(sp, ack(3, 2, 1)), 0u);
  EXPECT_EQ(v.on_ack(sp, ack_without_counts(4, 1)), 0u);
  EXPECT_EQ(v.state(), State::capable);
  EXPECT_EQ(sp.reported, (wire::EcnCounts{4, 0, 0}));
}

TEST(EcnValidator, CeIncreaseIsTheCongestionSignal) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 10);
  EXPECT_EQ(v.on_ack(sp, ack(4, 5, 4, 0, 1)), 1u);
  EXPECT_EQ(v.on_ack(sp, ack(9, 5, 7, 0, 3)), 2u);
  EXPECT_EQ(v.on_ack(sp, ack(9, 0, 7, 0, 3)), 0u);  // not a larger largest: ignored
  EXPECT_EQ(v.state(), State::capable);
}

TEST(EcnValidator, NoCongestionSignalOnceFailed) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 4);
  v.on_ack(sp, ack(1, 2, 0, 2));
  ASSERT_EQ(v.state(), State::failed);
  EXPECT_EQ(v.on_ack(sp, ack(3, 2, 0, 2, 2)), 0u);
}

TEST(EcnValidator, AllMarkedPacketsLostFailsAfterTesting) {
  // A path that drops ECT packets: nothing marked arrives.
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 10);
  v.on_marked_packets_lost(6);
  EXPECT_EQ(v.state(), State::unknown);
  v.on_marked_packets_lost(4);
  EXPECT_EQ(v.state(), State::failed);
  EXPECT_EQ(v.failure(), EcnFailure::all_marked_lost);
}

TEST(EcnValidator, AllMarkedPacketsLostDuringTestingFailsWhenTestingEnds) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 3, at_ms(0));
  v.on_marked_packets_lost(3);
  EXPECT_EQ(v.state(), State::testing);  // more marked packets may still arrive
  EXPECT_FALSE(v.should_mark(at_ms(300), kPto));
  EXPECT_EQ(v.state(), State::failed);
}

TEST(EcnValidator, SomeMarkedPacketsAckedMeansNotAllLost) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 10);
  v.on_ack(sp, ack_without_counts(0, 0));  // unrelated: acknowledges nothing marked
  v.on_marked_packets_lost(9);
  EcnAckInput a = ack(9, 1, 1);
  v.on_ack(sp, a);
  v.on_marked_packets_lost(1);
  EXPECT_EQ(v.state(), State::capable);
}

TEST(EcnValidator, DisabledNeverMarks) {
  EcnValidator v(false);
  EcnSpaceAccounting sp;
  EXPECT_EQ(v.state(), State::disabled);
  EXPECT_EQ(send(v, sp, 5), 0);
  EXPECT_EQ(v.on_ack(sp, ack(4, 0, 0, 0, 0)), 0u);
  EXPECT_EQ(v.state(), State::disabled);
}

TEST(EcnValidator, ResetStartsValidationAfresh) {
  EcnValidator v;
  EcnSpaceAccounting sp;
  send(v, sp, 4);
  v.on_ack(sp, ack_without_counts(3, 4));
  ASSERT_EQ(v.state(), State::failed);
  v.reset(true);
  EXPECT_EQ(v.state(), State::testing);
  EXPECT_EQ(v.failure(), EcnFailure::none);
  EXPECT_EQ(send(v, sp, 12, at_ms(1000)), 10);
  // The space keeps its totals: the new path's counts are judged against them.
  EXPECT_EQ(sp.ect0_sent, 14u);
  v.on_ack(sp, ack(15, 10, 10));
  EXPECT_EQ(v.state(), State::capable);
}

TEST(EcnValidator, NamesAreStable) {
  EXPECT_EQ(ecn_validation_state_name(State::capable), "capable");
  EXPECT_EQ(ecn_validation_state_name(State::failed), "failed");
  EXPECT_EQ(ecn_failure_name(EcnFailure::ect1_remarked), "ect1_remarked");
  EXPECT_EQ(ecn_failure_name(EcnFailure::all_marked_lost), "all_marked_lost");
}

}  // namespace
}  // namespace tquic::transport
