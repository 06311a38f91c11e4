// The link's ECN effects: the field travels with the datagram, a step AQM
// marks CE (or drops Not-ECT) above its threshold, and middleboxes bleach or
// remark it.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "netsim/link.h"
#include "unit/netsim/netsim_test_util.h"

namespace tquic::sim {
namespace {

using testing::at_us;
using testing::payload;

constexpr std::uint64_t kSeed = 0x5eed0ec1;

Link make_link(const LinkConfig& config) {
  Link link(kSeed);
  EXPECT_TRUE(link.set_config(config).ok());
  return link;
}

PacketMeta meta(std::uint8_t ecn) {
  PacketMeta m;
  m.ecn = ecn;
  return m;
}

// Offers `n` datagrams of 1000 bytes at once (a burst) and returns the ECN
// field of each delivered copy, in delivery order.
std::vector<std::uint8_t> burst(Link& link, int n, std::uint8_t ecn) {
  for (int i = 0; i < n; ++i) link.enqueue(at_us(0), payload(static_cast<std::uint64_t>(i), 1000), meta(ecn));
  std::vector<std::uint8_t> marks;
  while (link.next_event_time() != kTimeInfinite)
    link.deliver_due(link.next_event_time(), [&](const Delivery& d) { marks.push_back(d.meta.ecn); });
  return marks;
}

LinkConfig marking_link(std::size_t threshold) {
  LinkConfig c;
  c.rate_bps = 8'000'000;  // 1 ms per 1000-byte datagram: a burst queues up
  c.delay = std::chrono::milliseconds(5);
  c.ce_threshold_packets = threshold;
  return c;
}

TEST(LinkEcn, MarkTravelsUnchangedOnAPlainLink) {
  Link link = make_link(LinkConfig{});
  for (std::uint8_t ecn : {kNotEct, kEct1, kEct0, kEcnCe}) EXPECT_EQ(burst(link, 1, ecn), std::vector<std::uint8_t>{ecn});
}

TEST(LinkEcn, QueueAboveThresholdMarksEctCe) {
  Link link = make_link(marking_link(4));
  const auto marks = burst(link, 10, kEct0);
  ASSERT_EQ(marks.size(), 10u);
  // The first four find fewer than four datagrams queued; the rest are marked.
  for (std::size_t i = 0; i < marks.size(); ++i) EXPECT_EQ(marks[i], i < 4 ? kEct0 : kEcnCe) << i;
  EXPECT_EQ(link.stats().ce_marked, 6u);
  EXPECT_EQ(link.stats().drops(DropReason::aqm), 0u);
}

TEST(LinkEcn, QueueAboveThresholdDropsNotEct) {
  Link link = make_link(marking_link(4));
  const auto marks = burst(link, 10, kNotEct);
  EXPECT_EQ(marks.size(), 4u);
  EXPECT_EQ(link.stats().drops(DropReason::aqm), 6u);
  EXPECT_EQ(link.stats().ce_marked, 0u);
}

TEST(LinkEcn, Ect1AndCeAreEcnCapableToo) {
  Link link = make_link(marking_link(1));
  EXPECT_EQ(burst(link, 3, kEct1), (std::vector<std::uint8_t>{kEct1, kEcnCe, kEcnCe}));
  EXPECT_EQ(burst(link, 2, kEcnCe), (std::vector<std::uint8_t>{kEcnCe, kEcnCe}));
  EXPECT_EQ(link.stats().ce_marked, 2u);  // already-CE copies are not counted again
}

TEST(LinkEcn, TailDropStillAppliesAboveTheQueueLimit) {
  LinkConfig c = marking_link(2);
  c.queue_limit_bytes = 5000;
  Link link = make_link(c);
  const auto marks = burst(link, 10, kEct0);
  EXPECT_EQ(marks.size(), 5u);
  EXPECT_EQ(link.stats().drops(DropReason::queue_full), 5u);
  EXPECT_EQ(link.stats().ce_marked, 3u);
}

TEST(LinkEcn, QueueDrainsBelowThresholdAgain) {
  Link link = make_link(marking_link(2));
  link.enqueue(at_us(0), payload(0, 1000), meta(kEct0));
  link.enqueue(at_us(0), payload(1, 1000), meta(kEct0));
  link.enqueue(at_us(0), payload(2, 1000), meta(kEct0));     // 2 queued: marked
  link.enqueue(at_us(2500), payload(3, 1000), meta(kEct0));  // two have left: not marked
  std::vector<std::uint8_t> marks;
  while (link.next_event_time() != kTimeInfinite)
    link.deliver_due(link.next_event_time(), [&](const Delivery& d) { marks.push_back(d.meta.ecn); });
  EXPECT_EQ(marks, (std::vector<std::uint8_t>{kEct0, kEct0, kEcnCe, kEct0}));
}

TEST(LinkEcn, BleachingClearsEveryMark) {
  LinkConfig c;
  c.ecn_rewrite = EcnRewrite::bleach;
  Link link = make_link(c);
  for (std::uint8_t ecn : {kEct0, kEct1, kEcnCe, kNotEct}) EXPECT_EQ(burst(link, 1, ecn), std::vector<std::uint8_t>{kNotEct});
  EXPECT_EQ(link.stats().ecn_bleached, 3u);
}

TEST(LinkEcn, BleachedDatagramsAreDroppedNotMarkedByTheAqm) {
  LinkConfig c = marking_link(4);
  c.ecn_rewrite = EcnRewrite::bleach;
  Link link = make_link(c);
  EXPECT_EQ(burst(link, 10, kEct0).size(), 4u);
  EXPECT_EQ(link.stats().drops(DropReason::aqm), 6u);
}

TEST(LinkEcn, ManglingRewritesEct0ToEct1Only) {
  LinkConfig c;
  c.ecn_rewrite = EcnRewrite::mangle;
  Link link = make_link(c);
  EXPECT_EQ(burst(link, 1, kEct0), std::vector<std::uint8_t>{kEct1});
  EXPECT_EQ(burst(link, 1, kEcnCe), std::vector<std::uint8_t>{kEcnCe});
  EXPECT_EQ(burst(link, 1, kNotEct), std::vector<std::uint8_t>{kNotEct});
  EXPECT_EQ(link.stats().ecn_mangled, 1u);
}

TEST(LinkEcn, DuplicateCarriesTheSameMark) {
  LinkConfig c = marking_link(0);
  c.duplicate = 1.0;
  c.ecn_rewrite = EcnRewrite::mangle;
  Link link = make_link(c);
  EXPECT_EQ(burst(link, 1, kEct0), (std::vector<std::uint8_t>{kEct1, kEct1}));
}

TEST(LinkEcn, ThresholdWithoutRateIsRejected) {
  LinkConfig c;
  c.ce_threshold_packets = 5;
  Link link(kSeed);
  const Status s = link.set_config(c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.error().reason).find("rate"), std::string::npos);
}

TEST(LinkEcn, AqmDropHasAName) { EXPECT_STREQ(drop_reason_name(DropReason::aqm), "aqm"); }

}  // namespace
}  // namespace tquic::sim
