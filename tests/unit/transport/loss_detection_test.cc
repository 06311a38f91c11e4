#include "transport/recovery/loss_detection.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tquic::transport {
namespace {

using PNS = PacketNumberSpace;
constexpr PNS kApp = PacketNumberSpace::application_data;
constexpr PNS kInitial = PacketNumberSpace::initial;
constexpr PNS kHandshake = PacketNumberSpace::handshake;

Timestamp at_ms(std::int64_t v) { return kTimeZero + std::chrono::milliseconds(v); }
Timestamp at_us(std::int64_t v) { return kTimeZero + std::chrono::microseconds(v); }

SentPacket pkt(PNS space, std::uint64_t pn, Timestamp sent, bool ack_eliciting = true,
               std::uint16_t bytes = 1000) {
  SentPacket p;
  p.packet_number = pn;
  p.time_sent = sent;
  p.sent_bytes = bytes;
  p.space = space;
  p.ack_eliciting = ack_eliciting;
  p.in_flight = ack_eliciting;
  p.frames_ref = static_cast<std::uint32_t>(pn);
  return p;
}

struct RecordingSink {
  std::vector<std::uint64_t> acked, lost, discarded;
  std::string order;  // one letter per event: a(cked) l(ost) d(iscarded)
  void on_packet_acked(PNS, const SentPacket& p) {
    acked.push_back(p.packet_number);
    order += 'a';
  }
  void on_packet_lost(PNS, const SentPacket& p) {
    lost.push_back(p.packet_number);
    order += 'l';
  }
  void on_packet_discarded(PNS, const SentPacket& p) {
    discarded.push_back(p.packet_number);
    order += 'd';
  }
};
static_assert(RecoverySink<RecordingSink>);
static_assert(RecoverySink<NullRecoverySink>);

using Ranges = std::vector<wire::AckRange>;
using Pns = std::vector<std::uint64_t>;

Result<AckOutcome> ack(LossDetection& ld, PNS space, Ranges ranges, Timestamp now, RecordingSink& sink,
                       Duration ack_delay = 0ms, std::uint64_t frame_type = 0x02) {
  AckFrameInfo info;
  info.ranges = ranges;
  info.ack_delay = ack_delay;
  info.frame_type = frame_type;
  return ld.on_ack_received(space, info, now, sink);
}

LossDetectionConfig confirmed_config() {
  LossDetectionConfig c;
  c.is_server = true;
  c.handshake_confirmed = true;
  return c;
}

void send(LossDetection& ld, PNS space, std::uint64_t pn, Timestamp t, bool ack_eliciting = true) {
  ASSERT_TRUE(ld.on_packet_sent(pkt(space, pn, t, ack_eliciting)));
}

// ------------------------------------------------------------ RTT samples --

TEST(LossDetection, RttSampleFromLargestNewlyAckedPacket) {
  LossDetection ld(confirmed_config());
  RecordingSink sink;
  send(ld, kApp, 0, at_ms(0));
  send(ld, kApp, 1, at_ms(10));
  send(ld, kApp, 2, at_ms(20));
  auto r = ack(ld, kApp, {{0, 1}}, at_ms(100), sink);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->rtt_updated);
  EXPECT_EQ(r->packets_acked, 2u);
  EXPECT_EQ(r->bytes_acked, 2000u);
  EXPECT_EQ(r->largest_newly_acked, 1u);
  EXPECT_EQ(r->largest_newly_acked_time_sent, at_ms(10));
  EXPECT_EQ(ld.rtt().latest_rtt(), 90ms);
  EXPECT_EQ(sink.acked, (Pns{0, 1}));

  auto again = ack(ld, kApp, {{0, 1}}, at_ms(110), sink);  // nothing new
  ASSERT_TRUE(again);
  EXPECT_EQ(again->packets_acked, 0u);
  EXPECT_FALSE(again->rtt_updated);
  EXPECT_EQ(ld.rtt().latest_rtt(), 90ms);

  auto third = ack(ld, kApp, {{0, 2}}, at_ms(150), sink);
  ASSERT_TRUE(third);
  EXPECT_TRUE(third->rtt_updated);
  EXPECT_EQ(ld.rtt().latest_rtt(), 130ms);
  EXPECT_EQ(ld.largest_acked(kApp), 2u);
}

TEST(LossDetection, NoRttSampleWhenLargestWasAckedBefore) {
  LossDetection ld(confirmed_config());
  RecordingSink sink;
  for (std::uint64_t pn = 0; pn < 3; ++pn) send(ld, kApp, pn, at_ms(static_cast<std::int64_t>(pn)));
  ASSERT_TRUE(ack(ld, kApp, {{2, 2}}, at_ms(50), sink));
  EXPECT_EQ(ld.rtt().latest_rtt(), 48ms);
  auto r = ack(ld, kApp, {{0, 2}}, at_ms(52), sink);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->packets_acked, 2u);
  EXPECT_FALSE(r->rtt_updated);
  EXPECT_EQ(ld.rtt().latest_rtt(), 48ms);
}

TEST(LossDetection, NoRttSampleWhenOnlyNonAckElicitingAcked) {
  LossDetection ld(confirmed_config());
  RecordingSink sink;
  send(ld, kApp, 0, at_ms(0), /*ack_eliciting=*/false);
  EXPECT_EQ(ld.bytes_in_flight(), 0u);
  EXPECT_EQ(ld.loss_detection_timer(), kTimeInfinite);
  auto r = ack(ld, kApp, {{0, 0}}, at_ms(40), sink, 500ms);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->packets_acked, 1u);
  EXPECT_EQ(r->bytes_acked, 0u);
  EXPECT_FALSE(r->rtt_updated);
  EXPECT_FALSE(ld.rtt().has_sample());
  EXPECT_EQ(sink.acked, (Pns{0}));
}

TEST(LossDetection, AckDelayIgnoredInInitialSpaceUsedInOthers) {
  LossDetectionConfig c;
  c.is_server = true;
  LossDetection ld(c);
  RecordingSink sink;
  send(ld, kInitial, 0, at_ms(0));
  send(ld, kInitial, 1, at_ms(0));
  ASSERT_TRUE(ack(ld, kInitial, {{0, 0}}, at_ms(100), sink));
  ASSERT_TRUE(ack(ld, kInitial, {{0, 1}}, at_ms(200), sink, 60ms));  // delay ignored
  // srtt = 7/8*100 + 1/8*200
  EXPECT_EQ(ld.rtt().smoothed_rtt(), Duration(112'500'000));

  send(ld, kHandshake, 0, at_ms(200));
  ASSERT_TRUE(ack(ld, kHandshake, {{0, 0}}, at_ms(400), sink, 60ms));  // 200 - 60 (not confirmed: no cap)
  EXPECT_EQ(ld.rtt().smoothed_rtt(), Duration(115'937'500));  // 7/8*112.5 + 1/8*140
}

// ------------------------------------------------------------ loss ---------

TEST(LossDetection, PacketThresholdLossThenTimeThresholdTimer) {
  LossDetection ld(confirmed_config());
  RecordingSink sink;
  for (std::uint64_t pn = 0; pn < 5; ++pn) send(ld, kApp, pn, at_ms(static_cast<std::int64_t>(pn)));
  EXPECT_EQ(ld.bytes_in_flight(), 5000u);

  auto r = ack(ld, kApp, {{3, 3}}, at_ms(103), sink);  // latest_rtt = 100 ms
  ASSERT_TRUE(r);
  EXPECT_EQ(sink.order, "la");  // lost reported before acked (OnPacketsLost, then OnPacketsAcked)
  EXPECT_EQ(sink.lost, (Pns{0}));  // 3 - 0 >= kPacketThreshold
  EXPECT_EQ(r->loss.packets_lost, 1u);
  EXPECT_EQ(r->loss.bytes_lost, 1000u);
  EXPECT_TRUE(r->loss.congestion_event);
  EXPECT_EQ(r->loss.sent_time_of_last_loss, at_ms(0));
  EXPECT_FALSE(r->loss.persistent_congestion);
  EXPECT_EQ(ld.bytes_in_flight(), 3000u);  // 1, 2, 4

  // 1 and 2 are not lost yet: loss_time = time_sent(1) + 9/8 * 100 ms, and
  // it (not the PTO) is the timer.
  EXPECT_EQ(ld.loss_time(kApp), at_us(113'500));
  EXPECT_EQ(ld.loss_detection_timer(), at_us(113'500));

  EXPECT_EQ(ld.on_loss_detection_timeout(at_us(113'499), sink).action, TimeoutAction::none);
  auto t1 = ld.on_loss_detection_timeout(at_us(113'500), sink);
  EXPECT_EQ(t1.action, TimeoutAction::loss_detected);
  EXPECT_EQ(t1.space, kApp);
  EXPECT_EQ(t1.loss.packets_lost, 1u);
  EXPECT_EQ(sink.lost, (Pns{0, 1}));
  EXPECT_EQ(ld.loss_detection_timer(), at_us(114'500));
  EXPECT_EQ(ld.pto_count(), 0u);  // loss timer expiry is no PTO

  auto t2 = ld.on_loss_detection_timeout(at_us(114'500), sink);
  EXPECT_EQ(t2.action, TimeoutAction::loss_detected);
  EXPECT_EQ(sink.lost, (Pns{0, 1, 2}));
  // Packet 4 is above largest_acked: never lost by threshold; now the PTO:
  // 4 ms + 100 + 4*50 + 25 (max_ack_delay).
  EXPECT_EQ(ld.loss_time(kApp), kTimeInfinite);
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(329));
}

TEST(LossDetection, TimeThresholdLossOnAck) {
  LossDetection ld(confirmed_config());
  RecordingSink sink;
  send(ld, kApp, 0, at_ms(0));
  send(ld, kApp, 1, at_ms(50));
  auto r = ack(ld, kApp, {{1, 1}}, at_ms(100), sink);  // latest 50: threshold 56.25 ms
  ASSERT_TRUE(r);
  EXPECT_EQ(sink.lost, (Pns{0}));
  EXPECT_EQ(ld.loss_time(kApp), kTimeInfinite);
}

TEST(LossDetection, TimeThresholdUsesLargerOfLatestAndSmoothed) {
  LossDetection ld(confirmed_config());
  RecordingSink sink;
  send(ld, kApp, 0, at_ms(0));
  ASSERT_TRUE(ack(ld, kApp, {{0, 0}}, at_ms(100), sink));  // srtt 100
  send(ld, kApp, 1, at_ms(101));
  send(ld, kApp, 2, at_ms(190));
  ASSERT_TRUE(ack(ld, kApp, {{2, 2}}, at_ms(200), sink));  // latest 10, srtt 88.75
  // threshold = 9/8 * max(10, 88.75) = 99.84375 ms; with latest_rtt alone
  // packet 1 (sent at 101) would be lost already.
  EXPECT_TRUE(sink.lost.empty());
  EXPECT_EQ(ld.loss_time(kApp), at_us(200'843) + std::chrono::nanoseconds(750));
}

TEST(LossDetection, LostPacketAckedLaterIsNotReportedTwice) {
  LossDetection ld(confirmed_config());
  RecordingSink sink;
  for (std::uint64_t pn = 0; pn < 5; ++pn) send(ld, kApp, pn, at_ms(static_cast<std::int64_t>(pn)));
  ASSERT_TRUE(ack(ld, kApp, {{4, 4}}, at_ms(103), sink));
  EXPECT_EQ(sink.lost, (Pns{0, 1}));
  auto r = ack(ld, kApp, {{0, 4}}, at_ms(104), sink);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->packets_acked, 2u);
  EXPECT_EQ(sink.acked, (Pns{4, 2, 3}));
  EXPECT_EQ(sink.lost, (Pns{0, 1}));
  EXPECT_EQ(ld.bytes_in_flight(), 0u);
}

TEST(LossDetection, PmtuProbeLossIsNoCongestionSignal) {
  LossDetection ld(confirmed_config());
  RecordingSink sink;
  SentPacket probe = pkt(kApp, 0, at_ms(0), true, 1400);
  probe.pmtu_probe = true;
  ASSERT_TRUE(ld.on_packet_sent(probe));
  for (std::uint64_t pn = 1; pn < 4; ++pn) send(ld, kApp, pn, at_ms(static_cast<std::int64_t>(pn)));
  auto r = ack(ld, kApp, {{1, 3}}, at_ms(50), sink);
  ASSERT_TRUE(r);
  EXPECT_EQ(sink.lost, (Pns{0}));
  EXPECT_EQ(r->loss.bytes_lost, 1400u);
  EXPECT_FALSE(r->loss.congestion_event);
  EXPECT_EQ(ld.bytes_in_flight(), 0u);
}

// ------------------------------------------------------------ validation ---

TEST(LossDetection, AckOfPacketNeverSentIsProtocolViolation) {
  LossDetection ld(confirmed_config());
  RecordingSink sink;
  for (std::uint64_t pn = 0; pn < 3; ++pn) send(ld, kApp, pn, at_ms(0));
  auto r = ack(ld, kApp, {{5, 5}}, at_ms(10), sink);
  ASSERT_FALSE(r);
  EXPECT_TRUE(r.error().is_transport(TransportErrorCode::PROTOCOL_VIOLATION));
  EXPECT_EQ(r.error().frame_type, 0x02u);
  auto wide = ack(ld, kApp, {{0, 3}}, at_ms(10), sink, 0ms, 0x3e);
  ASSERT_FALSE(wide);
  EXPECT_EQ(wide.error().frame_type, 0x3eu);
  // Nothing changed.
  EXPECT_FALSE(ld.has_largest_acked(kApp));
  EXPECT_EQ(ld.sent_packets(kApp).outstanding_count(), 3u);
  EXPECT_TRUE(sink.order.empty());
  // In another space nothing was sent at all.
  auto initial = ack(ld, kInitial, {{0, 0}}, at_ms(10), sink);
  ASSERT_FALSE(initial);
  EXPECT_TRUE(initial.error().is_transport(TransportErrorCode::PROTOCOL_VIOLATION));
}

TEST(LossDetection, AckOfSkippedPacketNumberIsProtocolViolation) {
  LossDetection ld(confirmed_config());
  RecordingSink sink;
  send(ld, kApp, 0, at_ms(0));
  send(ld, kApp, 2, at_ms(1));  // 1 skipped on purpose (RFC 9000 §21.4)
  auto bad = ack(ld, kApp, {{0, 2}}, at_ms(10), sink);
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().is_transport(TransportErrorCode::PROTOCOL_VIOLATION));
  EXPECT_TRUE(sink.order.empty());
  auto good = ack(ld, kApp, {{2, 2}, {0, 0}}, at_ms(10), sink);
  ASSERT_TRUE(good);
  EXPECT_EQ(good->packets_acked, 2u);
}

TEST(LossDetection, MalformedRangesAreFrameEncodingErrors) {
  LossDetection ld(confirmed_config());
  RecordingSink sink;
  for (std::uint64_t pn = 0; pn < 5; ++pn) send(ld, kApp, pn, at_ms(0));
  for (const Ranges& ranges : {Ranges{}, Ranges{{0, 0}, {2, 2}}, Ranges{{3, 1}}, Ranges{{2, 4}, {1, 3}}}) {
    auto r = ack(ld, kApp, ranges, at_ms(10), sink);
    ASSERT_FALSE(r);
    EXPECT_TRUE(r.error().is_transport(TransportErrorCode::FRAME_ENCODING_ERROR));
  }
  EXPECT_TRUE(sink.order.empty());
}

TEST(LossDetection, AckOfLongRetiredPacketsIsIgnored) {
  LossDetection ld(confirmed_config());
  RecordingSink sink;
  send(ld, kApp, 0, at_ms(0));
  ASSERT_TRUE(ack(ld, kApp, {{0, 0}}, at_ms(10), sink));
  send(ld, kApp, 1, at_ms(20));
  auto r = ack(ld, kApp, {{0, 0}}, at_ms(30), sink);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->packets_acked, 0u);
  EXPECT_EQ(ld.sent_packets(kApp).outstanding_count(), 1u);
}

// ------------------------------------------------------------ PTO ----------

TEST(LossDetection, PtoPeriods) {
  LossDetection ld(confirmed_config());
  EXPECT_EQ(ld.pto_period(kInitial), 999ms);  // no max_ack_delay in handshake spaces
  EXPECT_EQ(ld.pto_period(kHandshake), 999ms);
  EXPECT_EQ(ld.pto_period(kApp), 1024ms);
  EXPECT_EQ(ld.persistent_congestion_duration(), 3072ms);
  ld.set_peer_max_ack_delay(100ms, at_ms(0));
  EXPECT_EQ(ld.pto_period(kApp), 1099ms);
}

TEST(LossDetection, PtoBackoffDoublesAndResetsOnAck) {
  LossDetection ld(confirmed_config());
  RecordingSink sink;
  EXPECT_EQ(ld.loss_detection_timer(), kTimeInfinite);
  send(ld, kApp, 0, at_ms(0));
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(1024));

  EXPECT_EQ(ld.on_loss_detection_timeout(at_ms(1023), sink).action, TimeoutAction::none);
  auto t1 = ld.on_loss_detection_timeout(at_ms(1024), sink);
  EXPECT_EQ(t1.action, TimeoutAction::pto_probe);
  EXPECT_EQ(t1.space, kApp);
  EXPECT_EQ(ld.pto_count(), 1u);
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(2048));
  EXPECT_TRUE(sink.lost.empty());  // a PTO never declares loss

  EXPECT_EQ(ld.on_loss_detection_timeout(at_ms(2048), sink).action, TimeoutAction::pto_probe);
  EXPECT_EQ(ld.pto_count(), 2u);
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(4096));

  send(ld, kApp, 1, at_ms(4096));  // the probe
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(4096 + 4 * 1024));

  auto r = ack(ld, kApp, {{1, 1}}, at_ms(4196), sink);
  ASSERT_TRUE(r);
  EXPECT_EQ(ld.pto_count(), 0u);
  EXPECT_EQ(sink.lost, (Pns{0}));  // time threshold, now that an ACK arrived
  EXPECT_EQ(ld.loss_detection_timer(), kTimeInfinite);
  send(ld, kApp, 2, at_ms(5000));
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(5000 + 100 + 200 + 25));
}

TEST(LossDetection, NoApplicationDataPtoBeforeHandshakeConfirmed) {
  LossDetectionConfig c;
  c.is_server = true;
  LossDetection ld(c);
  send(ld, kApp, 0, at_ms(0));
  EXPECT_EQ(ld.loss_detection_timer(), kTimeInfinite);
  send(ld, kHandshake, 0, at_ms(10));
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(1009));
  ld.on_handshake_confirmed(at_ms(20));
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(1009));  // handshake (1009) < app (0 + 1024)
  RecordingSink sink;
  ld.discard_space(kHandshake, at_ms(30), sink);
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(1024));
}

TEST(LossDetection, PtoTakesEarliestHandshakeSpaceAndBacksOffAcrossSpaces) {
  LossDetectionConfig c;
  c.is_server = true;
  LossDetection ld(c);
  RecordingSink sink;
  send(ld, kInitial, 0, at_ms(0));
  send(ld, kHandshake, 0, at_ms(10));
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(999));
  auto t = ld.on_loss_detection_timeout(at_ms(999), sink);
  EXPECT_EQ(t.action, TimeoutAction::pto_probe);
  EXPECT_EQ(t.space, kInitial);
  send(ld, kInitial, 1, at_ms(999));
  // A timeout in Initial doubles the Handshake timeout too: 10 + 2 * 999.
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(2008));
  auto t2 = ld.on_loss_detection_timeout(at_ms(2008), sink);
  EXPECT_EQ(t2.space, kHandshake);
  EXPECT_EQ(ld.pto_count(), 2u);
}

TEST(LossDetection, ClientKeepsBackoffOnInitialAckUntilAddressValidated) {
  LossDetection ld;  // client, handshake not confirmed
  RecordingSink sink;
  send(ld, kInitial, 0, at_ms(0));
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(999));
  EXPECT_EQ(ld.on_loss_detection_timeout(at_ms(999), sink).action, TimeoutAction::pto_probe);
  send(ld, kInitial, 1, at_ms(999));
  ASSERT_TRUE(ack(ld, kInitial, {{1, 1}}, at_ms(1099), sink));
  EXPECT_EQ(ld.pto_count(), 1u);  // client: Initial ACK does not reset the backoff
  EXPECT_FALSE(ld.peer_completed_address_validation());
  // Nothing in flight, server maybe amplification-blocked: anti-deadlock
  // timer from now: 1099 + (100 + 4*50) * 2.
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(1699));

  send(ld, kHandshake, 0, at_ms(1100));
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(1700));
  ASSERT_TRUE(ack(ld, kHandshake, {{0, 0}}, at_ms(1150), sink));
  EXPECT_TRUE(ld.peer_completed_address_validation());
  EXPECT_EQ(ld.pto_count(), 0u);
  EXPECT_EQ(ld.loss_detection_timer(), kTimeInfinite);
}

TEST(LossDetection, ClientAntiDeadlockProbe) {
  LossDetection ld;
  RecordingSink sink;
  send(ld, kInitial, 0, at_ms(0));
  ASSERT_TRUE(ack(ld, kInitial, {{0, 0}}, at_ms(50), sink));  // srtt 50, rttvar 25
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(200));
  auto t = ld.on_loss_detection_timeout(at_ms(200), sink);
  EXPECT_EQ(t.action, TimeoutAction::anti_deadlock_probe);
  EXPECT_EQ(ld.pto_count(), 1u);
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(500));
}

TEST(LossDetection, ServerAtAmplificationLimitDoesNotArmPto) {
  LossDetectionConfig c;
  c.is_server = true;
  LossDetection ld(c);
  RecordingSink sink;
  send(ld, kInitial, 0, at_ms(0));
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(999));
  ld.set_anti_amplification_blocked(true, at_ms(5));
  EXPECT_EQ(ld.loss_detection_timer(), kTimeInfinite);
  EXPECT_EQ(ld.on_loss_detection_timeout(at_ms(2000), sink).action, TimeoutAction::none);
  // A datagram from the client lifts the limit: the timer is in the past and
  // the PTO runs at once.
  ld.set_anti_amplification_blocked(false, at_ms(2000));
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(999));
  EXPECT_EQ(ld.on_loss_detection_timeout(at_ms(2000), sink).action, TimeoutAction::pto_probe);
}

// ------------------------------------------------------------ discarding ---

TEST(LossDetection, DiscardingASpaceRemovesItsPacketsAndResetsPto) {
  LossDetectionConfig c;
  c.is_server = true;
  LossDetection ld(c);
  RecordingSink sink;
  send(ld, kInitial, 0, at_ms(0));
  send(ld, kInitial, 1, at_ms(1));
  send(ld, kHandshake, 0, at_ms(2));
  EXPECT_EQ(ld.bytes_in_flight(), 3000u);
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(1 + 999));
  ASSERT_EQ(ld.on_loss_detection_timeout(at_ms(1000), sink).action, TimeoutAction::pto_probe);
  EXPECT_EQ(ld.pto_count(), 1u);

  ld.discard_space(kInitial, at_ms(1000), sink);
  EXPECT_EQ(sink.discarded, (Pns{0, 1}));
  EXPECT_TRUE(sink.acked.empty());
  EXPECT_TRUE(sink.lost.empty());
  EXPECT_EQ(ld.bytes_in_flight(), 1000u);
  EXPECT_EQ(ld.bytes_in_flight(kInitial), 0u);
  EXPECT_TRUE(ld.sent_packets(kInitial).empty());
  EXPECT_EQ(ld.pto_count(), 0u);
  EXPECT_EQ(ld.loss_detection_timer(), at_ms(2 + 999));
}

TEST(LossDetection, RejectedZeroRttPacketsAreDiscarded) {
  LossDetection ld;
  RecordingSink sink;
  SentPacket z0 = pkt(kApp, 0, at_ms(0));
  SentPacket z1 = pkt(kApp, 1, at_ms(1));
  z0.zero_rtt = z1.zero_rtt = true;
  ASSERT_TRUE(ld.on_packet_sent(z0));
  ASSERT_TRUE(ld.on_packet_sent(z1));
  send(ld, kApp, 2, at_ms(2));
  ld.discard_zero_rtt(at_ms(3), sink);
  EXPECT_EQ(sink.discarded, (Pns{0, 1}));
  EXPECT_EQ(ld.bytes_in_flight(kApp), 1000u);
  EXPECT_NE(ld.sent_packets(kApp).find(2), nullptr);
  EXPECT_EQ(ld.sent_packets(kApp).window_begin(), 2u);
}

// ------------------------------------------------------------ persistent congestion

// Sends packet `pn` at t seconds (app space) in the RFC 9002 §7.6.3 example.
void send_s(LossDetection& ld, std::uint64_t pn, double seconds) {
  const auto t = kTimeZero + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
  ASSERT_TRUE(ld.on_packet_sent(pkt(kApp, pn, t)));
}
Timestamp at_s(double seconds) {
  return kTimeZero + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
}

// The example assumes an established RTT estimate. Twenty 1 s samples make
// smoothed_rtt 1 s and rttvar ~2 ms before t = 0 (packet numbers 0..19).
void warm_up(LossDetection& ld, RecordingSink& sink) {
  for (std::uint64_t pn = 0; pn < 20; ++pn) {
    const double sent = -60.0 + 2.0 * static_cast<double>(pn);
    send_s(ld, pn, sent);
    ASSERT_TRUE(ack(ld, kApp, {{pn, pn}}, at_s(sent + 1.0), sink));
  }
  ASSERT_EQ(ld.bytes_in_flight(), 0u);
}

// RFC 9002 §7.6.3 table: packets #1..#9 are packet numbers 20..28.
void run_rfc_example(LossDetection& ld, RecordingSink& sink, Ranges final_ack, AckOutcome& out) {
  warm_up(ld, sink);
  send_s(ld, 20, 0);                                    // #1
  send_s(ld, 21, 1);                                    // #2
  ASSERT_TRUE(ack(ld, kApp, {{20, 20}}, at_s(1.2), sink));  // ack of #1
  for (std::uint64_t i = 0; i < 5; ++i) send_s(ld, 22 + i, 2.0 + static_cast<double>(i));  // #3..#7
  send_s(ld, 27, 8);   // #8 (PTO 1)
  send_s(ld, 28, 12);  // #9 (PTO 2)
  auto r = ack(ld, kApp, final_ack, at_s(12.2), sink);
  ASSERT_TRUE(r);
  out = *r;
}

TEST(LossDetection, PersistentCongestionRfcExample) {
  LossDetectionConfig c = confirmed_config();
  c.peer_max_ack_delay = 0ms;
  LossDetection ld(c);
  RecordingSink sink;
  AckOutcome out;
  run_rfc_example(ld, sink, {{28, 28}}, out);
  EXPECT_EQ(sink.lost, (Pns{21, 22, 23, 24, 25, 26, 27}));  // packets 2 through 8
  EXPECT_EQ(out.loss.packets_lost, 7u);
  EXPECT_EQ(out.loss.sent_time_of_last_loss, at_s(8));
  // Congestion period 8 - 1 = 7 exceeds the persistent congestion duration
  // (about 2 * 3 here).
  EXPECT_LT(ld.persistent_congestion_duration(), 7s);
  EXPECT_GT(ld.persistent_congestion_duration(), 5s);
  EXPECT_TRUE(out.loss.persistent_congestion);
  EXPECT_EQ(ld.rtt().min_rtt(), ld.rtt().latest_rtt());
}

TEST(LossDetection, NoPersistentCongestionWhenDurationNotExceeded) {
  LossDetectionConfig c = confirmed_config();
  c.peer_max_ack_delay = 500ms;  // same events, duration now above 7 s
  LossDetection ld(c);
  RecordingSink sink;
  AckOutcome out;
  run_rfc_example(ld, sink, {{28, 28}}, out);
  EXPECT_EQ(out.loss.packets_lost, 7u);
  EXPECT_GT(ld.persistent_congestion_duration(), 7s);
  EXPECT_FALSE(out.loss.persistent_congestion);
}

TEST(LossDetection, NoPersistentCongestionWhenAPacketInBetweenIsAcked) {
  LossDetectionConfig c = confirmed_config();
  c.peer_max_ack_delay = 0ms;
  LossDetection ld(c);
  RecordingSink sink;
  AckOutcome out;
  run_rfc_example(ld, sink, {{28, 28}, {24, 24}}, out);  // #5 acknowledged too
  EXPECT_EQ(sink.lost, (Pns{21, 22, 23, 25, 26, 27}));
  EXPECT_FALSE(out.loss.persistent_congestion);  // runs 1..3 s and 5..8 s are too short
}

TEST(LossDetection, NoPersistentCongestionFromPacketsSentBeforeFirstRttSample) {
  LossDetection ld(confirmed_config());
  RecordingSink sink;
  for (std::uint64_t pn = 0; pn < 4; ++pn) send_s(ld, pn, 10.0 * static_cast<double>(pn));
  auto r = ack(ld, kApp, {{3, 3}}, at_s(30.1), sink);  // first sample: 100 ms
  ASSERT_TRUE(r);
  EXPECT_EQ(sink.lost, (Pns{0, 1, 2}));  // spread over 20 s >> duration
  EXPECT_FALSE(r->loss.persistent_congestion);

  // The same pattern after an RTT sample exists is persistent congestion.
  for (std::uint64_t pn = 4; pn < 8; ++pn) send_s(ld, pn, 10.0 * static_cast<double>(pn));
  auto r2 = ack(ld, kApp, {{7, 7}}, at_s(70.1), sink);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->loss.packets_lost, 3u);
  EXPECT_TRUE(r2->loss.persistent_congestion);
}

// ------------------------------------------------------------ multipath ----

TEST(LossDetection, PathsAreIndependent) {
  LossDetection path0(confirmed_config());
  LossDetection path1(confirmed_config());
  RecordingSink sink;
  send(path0, kApp, 0, at_ms(0));
  send(path1, kApp, 0, at_ms(0));
  ASSERT_EQ(path1.on_loss_detection_timeout(at_ms(1024), sink).action, TimeoutAction::pto_probe);
  EXPECT_EQ(path1.pto_count(), 1u);
  EXPECT_EQ(path0.pto_count(), 0u);
  AckFrameInfo info;
  const Ranges ranges{{0, 0}};
  info.ranges = ranges;
  info.ack_path_id = 1;  // PATH_ACK for path 0 arriving over path 1
  ASSERT_TRUE(path0.on_ack_received(kApp, info, at_ms(300), sink));
  EXPECT_EQ(path0.rtt().latest_rtt(), 300ms);
  EXPECT_FALSE(path1.rtt().has_sample());
  EXPECT_EQ(path1.loss_detection_timer(), at_ms(2048));
}

}  // namespace
}  // namespace tquic::transport
