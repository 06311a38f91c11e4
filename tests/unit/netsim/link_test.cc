#include "netsim/link.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "unit/netsim/netsim_test_util.h"

namespace tquic::sim {
namespace {

using testing::at_ms;
using testing::at_us;
using testing::Keep;
using testing::Delivered;
using testing::payload;
using testing::run_constant;
using testing::seed_note;

constexpr std::uint64_t kSeed = 0x5eed0001;

Link make_link(const LinkConfig& config, std::uint64_t seed = kSeed, const LinkOptions& options = {}) {
  Link link(seed, options);
  EXPECT_TRUE(link.set_config(config).ok());
  return link;
}

void expect_balanced(const Link& link) {
  const LinkStats& s = link.stats();
  EXPECT_EQ(s.offered + s.duplicated, s.delivered + s.dropped_total() + link.queued());
}

std::size_t count_inversions(const std::vector<Delivered>& out) {
  std::size_t inversions = 0;
  std::uint64_t highest = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (i > 0 && out[i].index < highest) ++inversions;
    highest = std::max(highest, out[i].index);
  }
  return inversions;
}

TEST(Link, PerfectLinkDeliversImmediatelyInOrder) {
  SCOPED_TRACE(seed_note(kSeed));
  Link link = make_link(LinkConfig{});
  const auto out = run_constant(link, 100, 1200, 1ms);
  ASSERT_EQ(out.size(), 100u);
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].index, i);
    EXPECT_EQ(out[i].deliver, out[i].sent);
    EXPECT_EQ(out[i].bytes, payload(i, 1200));
  }
  expect_balanced(link);
}

TEST(Link, RateLimitIsExactInVirtualTime) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.rate_bps = 10'000'000;  // 1250 bytes take exactly 1 ms
  Link link = make_link(c);
  for (std::uint64_t i = 0; i < 1000; ++i) link.enqueue(kTimeZero, payload(i, 1250), PacketMeta{});
  const auto out = testing::drain_all(link);
  ASSERT_EQ(out.size(), 1000u);
  for (std::size_t k = 0; k < out.size(); ++k) EXPECT_EQ(out[k].deliver, at_ms(static_cast<std::int64_t>(k + 1)));
  EXPECT_EQ(out.back().deliver, at_ms(1000));
  EXPECT_EQ(link.stats().max_queue_packets, 1000u);
}

TEST(Link, RateLimitHasNoRoundingDrift) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.rate_bps = 7'000'000;  // 1200 bytes = 1.371428571... ms
  Link link = make_link(c);
  for (std::uint64_t i = 0; i < 1000; ++i) link.enqueue(kTimeZero, payload(i, 1200), PacketMeta{});
  const auto out = testing::drain_all(link);
  ASSERT_EQ(out.size(), 1000u);
  for (std::uint64_t k = 1; k <= 1000; ++k) {
    const std::uint64_t exact_ns = k * 1200 * 8 * 1'000'000'000ULL / 7'000'000;
    ASSERT_EQ(to_ns(out[k - 1].deliver), static_cast<std::int64_t>(exact_ns)) << "packet " << k;
  }
}

TEST(Link, IdleBottleneckStartsAtArrivalPlusDelay) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.rate_bps = 8'000'000;  // 1000 bytes = 1 ms
  c.delay = 20ms;
  Link link = make_link(c);
  link.enqueue(at_ms(0), payload(0, 1000), PacketMeta{});
  link.enqueue(at_ms(10), payload(1, 1000), PacketMeta{});  // queue idle again
  const auto out = testing::drain_all(link);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].deliver, at_ms(21));
  EXPECT_EQ(out[1].deliver, at_ms(31));
}

TEST(Link, DelayAndJitterStayWithinBounds) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.delay = 20ms;
  c.jitter = 5ms;
  Link link = make_link(c);
  const auto out = run_constant(link, 10000, 100, 1ms, Keep::metadata);
  ASSERT_EQ(out.size(), 10000u);
  Duration min = Duration::max();
  Duration max = Duration::min();
  double sum_ms = 0;
  for (const auto& d : out) {
    const Duration delay = d.deliver - d.sent;
    min = std::min(min, delay);
    max = std::max(max, delay);
    sum_ms += static_cast<double>(delay.count()) / 1e6;
  }
  EXPECT_GE(min, 20ms);
  EXPECT_LE(max, 25ms);
  EXPECT_LT(min, 20ms + 100us);  // the whole range is used
  EXPECT_GT(max, 25ms - 100us);
  EXPECT_NEAR(sum_ms / 10000.0, 22.5, 0.1);  // uniform: sd of the mean ~0.014 ms
  EXPECT_GT(count_inversions(out), 0u);      // 5 ms jitter at 1 ms spacing reorders
}

TEST(Link, JitterCanPreserveOrder) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.delay = 20ms;
  c.jitter = 5ms;
  c.jitter_preserves_order = true;
  Link link = make_link(c);
  const auto out = run_constant(link, 10000, 100, 1ms, Keep::metadata);
  ASSERT_EQ(out.size(), 10000u);
  EXPECT_EQ(count_inversions(out), 0u);
  for (const auto& d : out) {
    EXPECT_GE(d.deliver - d.sent, 20ms);
    EXPECT_LE(d.deliver - d.sent, 25ms);
  }
}

TEST(Link, BernoulliLossRateWithinTolerance) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.loss = 0.05;
  Link link = make_link(c);
  const auto out = run_constant(link, 100000, 50, 10us, Keep::metadata);
  const double sigma = std::sqrt(100000 * 0.05 * 0.95);  // ~69
  EXPECT_NEAR(static_cast<double>(link.stats().drops(DropReason::loss)), 5000.0, 5 * sigma);
  EXPECT_EQ(out.size() + link.stats().drops(DropReason::loss), 100000u);
  expect_balanced(link);
}

// Mean length of runs of consecutive lost indices.
double mean_loss_run(const std::vector<Delivered>& out, std::uint64_t total, std::uint64_t& lost) {
  std::vector<bool> got(total, false);
  for (const auto& d : out) got[d.index] = true;
  std::uint64_t runs = 0;
  lost = 0;
  for (std::uint64_t i = 0; i < total; ++i) {
    if (got[i]) continue;
    ++lost;
    if (i == 0 || got[i - 1]) ++runs;
  }
  return runs ? static_cast<double>(lost) / static_cast<double>(runs) : 0.0;
}

TEST(Link, GilbertElliottLossComesInBursts) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.burst_loss = GilbertElliott{0.01, 0.25, 1.0, 0.0};  // mean burst 4, rate 0.01/0.26
  Link link = make_link(c);
  const auto out = run_constant(link, 100000, 50, 10us, Keep::metadata);
  std::uint64_t lost = 0;
  const double burst = mean_loss_run(out, 100000, lost);
  EXPECT_NEAR(burst, 4.0, 0.5);
  EXPECT_NEAR(static_cast<double>(lost) / 100000.0, 0.01 / 0.26, 0.006);
  EXPECT_EQ(link.stats().drops(DropReason::burst_loss), lost);

  // The same average loss without memory gives runs of ~1.04.
  LinkConfig b;
  b.loss = 0.01 / 0.26;
  Link bernoulli = make_link(b);
  const auto out_b = run_constant(bernoulli, 20000, 50, 10us, Keep::metadata);
  std::uint64_t lost_b = 0;
  EXPECT_LT(mean_loss_run(out_b, 20000, lost_b), 1.2);
}

TEST(Link, ExactMaskDropsExactlyThose) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.drop_indices = {99, 0, 6, 5};  // unsorted on purpose
  Link link = make_link(c);
  const auto out = run_constant(link, 100, 100, 1ms);
  std::vector<std::uint64_t> got;
  for (const auto& d : out) got.push_back(d.index);
  std::vector<std::uint64_t> expected;
  for (std::uint64_t i = 0; i < 100; ++i) {
    if (i != 0 && i != 5 && i != 6 && i != 99) expected.push_back(i);
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(link.stats().drops(DropReason::mask), 4u);
  EXPECT_EQ(link.stats().dropped_total(), 4u);
}

TEST(Link, ReorderOnlyWhenEnabled) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.delay = 5ms;
  Link plain = make_link(c);
  const auto in_order = run_constant(plain, 2000, 100, 1ms, Keep::metadata);
  EXPECT_EQ(count_inversions(in_order), 0u);
  EXPECT_EQ(plain.stats().reordered, 0u);

  c.reorder = 0.10;
  c.reorder_delay = 10ms;
  Link reordering = make_link(c);
  const auto out = run_constant(reordering, 2000, 100, 1ms, Keep::metadata);
  ASSERT_EQ(out.size(), 2000u);
  EXPECT_GT(count_inversions(out), 100u);
  EXPECT_NEAR(static_cast<double>(reordering.stats().reordered), 200.0, 5 * std::sqrt(2000 * 0.1 * 0.9));
  for (const auto& d : out) {
    const Duration delay = d.deliver - d.sent;
    EXPECT_TRUE(delay == 5ms || delay == 15ms) << "index " << d.index;
  }
}

TEST(Link, DuplicatesAreExactCopies) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.duplicate = 0.10;
  c.delay = 1ms;
  Link link = make_link(c);
  const auto out = run_constant(link, 10000, 200, 100us);
  const std::uint64_t dups = link.stats().duplicated;
  EXPECT_NEAR(static_cast<double>(dups), 1000.0, 5 * std::sqrt(10000 * 0.1 * 0.9));
  EXPECT_EQ(out.size(), 10000u + dups);
  std::uint64_t flagged = 0;
  for (const auto& d : out) {
    EXPECT_EQ(d.bytes, payload(d.index, 200));
    flagged += d.duplicate;
  }
  EXPECT_EQ(flagged, dups);
  expect_balanced(link);
}

TEST(Link, CorruptionFlipsExactlyOneByte) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.corrupt = 1.0;
  Link link = make_link(c);
  const auto out = run_constant(link, 500, 300, 1ms);
  ASSERT_EQ(out.size(), 500u);
  for (const auto& d : out) {
    const auto original = payload(d.index, 300);
    std::size_t differing = 0;
    for (std::size_t i = 0; i < original.size(); ++i) differing += original[i] != d.bytes[i];
    EXPECT_EQ(differing, 1u) << "index " << d.index;
  }
  EXPECT_EQ(link.stats().corrupted, 500u);

  c.corrupt = 0.1;
  Link some = make_link(c);
  const auto out_some = run_constant(some, 5000, 300, 1ms);
  std::uint64_t changed = 0;
  for (const auto& d : out_some) changed += d.bytes != payload(d.index, 300);
  EXPECT_EQ(changed, some.stats().corrupted);
  EXPECT_NEAR(static_cast<double>(changed), 500.0, 5 * std::sqrt(5000 * 0.1 * 0.9));
}

TEST(Link, MtuDropsLargerDatagrams) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.mtu = 1200;
  Link link = make_link(c);
  EXPECT_EQ(link.enqueue(kTimeZero, payload(0, 1200), PacketMeta{}), DropReason::none);
  EXPECT_EQ(link.enqueue(kTimeZero, payload(1, 1201), PacketMeta{}), DropReason::mtu);
  EXPECT_EQ(link.stats().drops(DropReason::mtu), 1u);

  Link open = make_link(LinkConfig{});
  const auto jumbo = payload(7, 9000);  // the jumbo slot path
  EXPECT_EQ(open.enqueue(kTimeZero, jumbo, PacketMeta{}), DropReason::none);
  const std::vector<std::uint8_t> too_big(kMaxDatagramBytes + 1, 0xab);
  EXPECT_EQ(open.enqueue(kTimeZero, too_big, PacketMeta{}), DropReason::mtu);
  const auto out = testing::drain_all(open);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].bytes, jumbo);
  EXPECT_EQ(open.store_stats().in_use, 0u);
}

TEST(Link, BlackholeScheduleDropsExactlyTheWindow) {
  SCOPED_TRACE(seed_note(kSeed));
  Link link = make_link(LinkConfig{});
  ASSERT_TRUE(link.schedule().blackhole(at_ms(200), 300ms).ok());
  const auto out = run_constant(link, 100, 100, 10ms);  // offers at 0, 10, ..., 990 ms
  std::vector<std::uint64_t> got;
  for (const auto& d : out) got.push_back(d.index);
  std::vector<std::uint64_t> expected;
  for (std::uint64_t i = 0; i < 100; ++i) {
    if (i < 20 || i >= 50) expected.push_back(i);  // dark during [200 ms, 500 ms)
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(link.stats().drops(DropReason::blackhole), 30u);
  EXPECT_FALSE(link.config().blackhole);
}

TEST(Link, ScheduleChangesRateAndLoss) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.rate_bps = 8'000'000;  // 1000 bytes = 1 ms
  Link link = make_link(c);
  ASSERT_TRUE(link.schedule().set_rate(at_ms(100), 800'000).ok());  // then 10 ms
  ASSERT_TRUE(link.schedule().set_loss(at_ms(200), 1.0).ok());
  link.enqueue(at_ms(0), payload(0, 1000), PacketMeta{});
  link.enqueue(at_ms(100), payload(1, 1000), PacketMeta{});
  EXPECT_EQ(link.enqueue(at_ms(200), payload(2, 1000), PacketMeta{}), DropReason::loss);
  const auto out = testing::drain_all(link);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].deliver, at_ms(1));
  EXPECT_EQ(out[1].deliver, at_ms(110));
}

TEST(Link, QueueTailDropsWhenRateIsExceeded) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.rate_bps = 1'000'000;  // 1000 bytes = 8 ms
  c.queue_limit_bytes = 10000;
  Link link = make_link(c);
  std::size_t accepted = 0;
  for (std::uint64_t i = 0; i < 100; ++i) {
    accepted += link.enqueue(kTimeZero, payload(i, 1000), PacketMeta{}) == DropReason::none;
  }
  EXPECT_EQ(accepted, 10u);
  EXPECT_EQ(link.stats().drops(DropReason::queue_full), 90u);
  EXPECT_EQ(link.stats().max_queue_bytes, 10000u);
  // One datagram leaves the bottleneck at 8 ms: room for exactly one more.
  EXPECT_EQ(link.enqueue(at_us(7999), payload(100, 1000), PacketMeta{}), DropReason::queue_full);
  EXPECT_EQ(link.enqueue(at_ms(8), payload(101, 1000), PacketMeta{}), DropReason::none);
  EXPECT_EQ(link.enqueue(at_ms(8), payload(102, 1000), PacketMeta{}), DropReason::queue_full);
  const auto out = testing::drain_all(link);
  ASSERT_EQ(out.size(), 11u);
  EXPECT_EQ(out.back().index, 101u);
  EXPECT_EQ(out.back().deliver, at_ms(88));
  expect_balanced(link);
}

TEST(Link, StoreExhaustionIsCountedAndSteadyStateDoesNotGrow) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkOptions options;
  options.store.max_slots = 16;
  options.store.slots_per_slab = 16;
  LinkConfig c;
  c.delay = 1s;
  Link link = make_link(c, kSeed, options);
  for (std::uint64_t i = 0; i < 20; ++i) link.enqueue(kTimeZero, payload(i, 1000), PacketMeta{});
  EXPECT_EQ(link.stats().drops(DropReason::no_buffer), 4u);
  EXPECT_EQ(testing::drain_all(link).size(), 16u);
  EXPECT_EQ(link.store_stats().in_use, 0u);
  const std::size_t slabs = link.store_stats().slab_allocs;
  for (int round = 0; round < 10; ++round) {
    const Timestamp t = at_ms(2000 + 2000 * round);
    for (std::uint64_t i = 0; i < 16; ++i) link.enqueue(t, payload(i, 1000), PacketMeta{});
    EXPECT_EQ(testing::drain_all(link).size(), 16u);
  }
#if !defined(TQUIC_POOLS_AS_HEAP)
  EXPECT_EQ(link.store_stats().slab_allocs, slabs);
#else
  (void)slabs;
#endif
  EXPECT_EQ(link.stats().drops(DropReason::no_buffer), 4u);
}

TEST(Link, TakeDueHoldsBytesUntilRelease) {
  SCOPED_TRACE(seed_note(kSeed));
  LinkConfig c;
  c.delay = 10ms;
  Link link = make_link(c);
  for (std::uint64_t i = 0; i < 5; ++i) {
    link.enqueue(at_ms(static_cast<std::int64_t>(i)), payload(i, 64), PacketMeta{{}, {}, 40 + i, 2});
  }
  Delivery batch[8];
  EXPECT_EQ(link.take_due(at_ms(9), batch), 0u);
  EXPECT_EQ(link.next_event_time(), at_ms(10));
  ASSERT_EQ(link.take_due(at_ms(12), batch), 3u);
  EXPECT_EQ(link.store_stats().in_use, 5u);  // 3 taken but not released, 2 queued
  for (std::uint64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(std::vector<std::uint8_t>(batch[i].data.begin(), batch[i].data.end()), payload(i, 64));
    EXPECT_EQ(batch[i].meta.tag, 40 + i);
    EXPECT_EQ(batch[i].meta.ecn, 2);
    link.release(batch[i]);
  }
  EXPECT_EQ(link.store_stats().in_use, 2u);
  EXPECT_EQ(testing::drain_all(link).size(), 2u);
  EXPECT_EQ(link.store_stats().in_use, 0u);
}

LinkConfig everything() {
  LinkConfig c;
  c.rate_bps = 20'000'000;
  c.delay = 15ms;
  c.jitter = 3ms;
  c.queue_limit_bytes = 64 * 1024;
  c.loss = 0.02;
  c.burst_loss = GilbertElliott{0.005, 0.3, 1.0, 0.0};
  c.reorder = 0.02;
  c.duplicate = 0.01;
  c.corrupt = 0.01;
  return c;
}

TEST(Link, SameSeedSameTraceDifferentSeedDifferentTrace) {
  auto trace = [](std::uint64_t seed) {
    Link link = make_link(everything(), seed);
    run_constant(link, 3000, 1200, 300us, Keep::metadata);
    return link.stats().trace_hash;
  };
  const std::uint64_t a = trace(1);
  const std::uint64_t b = trace(0xdeadbeef);
  EXPECT_EQ(a, trace(1)) << seed_note(1);
  EXPECT_EQ(b, trace(0xdeadbeef)) << seed_note(0xdeadbeef);
  EXPECT_NE(a, b) << seed_note(1) << " vs " << seed_note(0xdeadbeef);
}

TEST(Link, MixedImpairmentsKeepTheBooksBalanced) {
  SCOPED_TRACE(seed_note(kSeed));
  Link link = make_link(everything());
  const auto out = run_constant(link, 20000, 1200, 300us, Keep::metadata);
  const LinkStats& s = link.stats();
  EXPECT_EQ(s.offered, 20000u);
  EXPECT_EQ(out.size(), s.delivered);
  EXPECT_GT(s.drops(DropReason::queue_full), 0u);  // 32 Mbit/s offered into 20
  EXPECT_GT(s.drops(DropReason::loss), 0u);
  EXPECT_GT(s.drops(DropReason::burst_loss), 0u);
  EXPECT_LE(s.max_queue_bytes, 64u * 1024);
  expect_balanced(link);
  EXPECT_EQ(link.queued(), 0u);
  EXPECT_EQ(link.store_stats().in_use, 0u);
}

TEST(LinkConfig, ValidateRejectsOutOfRangeValues) {
  LinkConfig c;
  EXPECT_TRUE(c.validate().ok());
  c.loss = 1.5;
  EXPECT_FALSE(c.validate().ok());
  c = LinkConfig{};
  c.delay = -1ms;
  EXPECT_FALSE(c.validate().ok());
  c = LinkConfig{};
  c.reorder = 0.1;
  c.reorder_delay = 0ms;
  EXPECT_FALSE(c.validate().ok());
  c = LinkConfig{};
  c.burst_loss.p_good_to_bad = 0.1;
  c.burst_loss.p_bad_to_good = 0.0;
  EXPECT_FALSE(c.validate().ok());
  c = LinkConfig{};
  c.rate_bps = kMaxRateBps + 1;
  EXPECT_FALSE(c.validate().ok());
  c = LinkConfig{};
  c.duplicate = std::nan("");
  EXPECT_FALSE(c.validate().ok());
  Link link(1);
  EXPECT_FALSE(link.set_config(c).ok());
  EXPECT_EQ(link.config().duplicate, 0.0);  // unchanged
}

}  // namespace
}  // namespace tquic::sim
