#include <gtest/gtest.h>

#include "transport/cc/pacer.h"
#include "unit/transport/cc_sim.h"

namespace tquic::transport {
namespace {

using test::at;

constexpr std::uint64_t kMds = 1200;

// The bucket holds one nanosecond of credit above the burst (rounding slack).
void expect_within_1ns(Timestamp actual, Timestamp expected) {
  EXPECT_LE(actual, expected);
  EXPECT_GE(actual, expected - 1ns);
}

// Sends `n` datagrams, each at the earliest time the pacer allows.
Timestamp send_paced(Pacer& pacer, Timestamp now, int n, std::uint64_t bytes = kMds) {
  for (int i = 0; i < n; ++i) {
    now = pacer.next_send_time(now, bytes);
    pacer.on_sent(now, bytes);
  }
  return now;
}

TEST(Pacer, BurstThenSpacingMatchesRate) {
  Pacer pacer(kMds, 10);
  const Timestamp t0 = at(1s);
  pacer.set_rate(t0, 1'200'000);  // 1000 datagrams per second
  // A full bucket allows exactly the burst quantum at once.
  EXPECT_EQ(pacer.sendable_bytes(t0), 10 * kMds);
  EXPECT_EQ(send_paced(pacer, t0, 10), t0);
  EXPECT_EQ(pacer.sendable_bytes(t0), 0u);
  // Then one datagram per millisecond, exactly.
  Timestamp prev = t0;
  for (int i = 0; i < 50; ++i) {
    const Timestamp next = pacer.next_send_time(prev, kMds);
    EXPECT_EQ(next - prev, 1ms) << i;
    pacer.on_sent(next, kMds);
    prev = next;
  }
}

TEST(Pacer, BurstIsCappedAfterIdle) {
  Pacer pacer(kMds, 4);
  pacer.set_rate(at(0ms), 1'200'000);
  send_paced(pacer, at(0ms), 20);
  const Timestamp later = at(10s);  // long idle: credit does not pile up
  EXPECT_EQ(pacer.sendable_bytes(later), 4 * kMds);
  EXPECT_EQ(send_paced(pacer, later, 4), later);
  expect_within_1ns(pacer.next_send_time(later, kMds), later + 1ms);
  // A GSO train up to the quantum may go as one unit once the bucket refills.
  // 1 ms at 1.2 MB/s is one datagram: the quantum is the floor of 10.
  pacer.set_burst_packets(later, 16);
  EXPECT_EQ(pacer.burst_bytes(), 10 * kMds);
  expect_within_1ns(pacer.next_send_time(later, 10 * kMds), later + 10ms);
  // Larger than the quantum: waits for a full bucket, not forever.
  expect_within_1ns(pacer.next_send_time(later, 64 * kMds), later + 10ms);
}

// The quantum is 1 ms at the pacing rate, between 10 datagrams and the
// train size: whole GSO trains on a fast path, never more than 10
// datagrams at once on a slow one.
TEST(Pacer, BurstQuantumFollowsTheRate) {
  Pacer pacer(kMds, 44);
  pacer.set_rate(at(0ms), 1'000'000);  // 1 ms = 1000 B
  EXPECT_EQ(pacer.burst_bytes(), 10 * kMds);
  pacer.set_rate(at(0ms), 30 * kMds * 1000);  // 1 ms = 30 datagrams
  EXPECT_EQ(pacer.burst_bytes(), 30 * kMds);
  pacer.set_rate(at(0ms), 1'000'000'000);  // 1 ms = 1 MB
  EXPECT_EQ(pacer.burst_bytes(), 44 * kMds);
  pacer.set_rate(at(0ms), 0);  // unpaced
  EXPECT_EQ(pacer.burst_bytes(), 44 * kMds);
  Pacer small(kMds, 4);  // a train smaller than the floor caps it
  small.set_rate(at(0ms), 1'000'000);
  EXPECT_EQ(small.burst_bytes(), 4 * kMds);
}

// Exact integer credit: after 200000 datagrams at an awkward rate the
// schedule is within a nanosecond of the ideal one.
TEST(Pacer, NoDriftOverManyPackets) {
  Pacer pacer(kMds, 1);
  const std::uint64_t rate = 1'000'003;  // bytes per second
  pacer.set_rate(at(0ms), rate);
  const int n = 200'000;
  const Timestamp last = send_paced(pacer, at(0ms), n + 1);  // first goes at t = 0
  const long double ideal_ns = static_cast<long double>(n) * kMds * 1e9L / rate;
  EXPECT_NEAR(static_cast<long double>(to_ns(last)), ideal_ns, 1.0L);
}

TEST(Pacer, RateChangeKeepsEarnedCredit) {
  Pacer pacer(kMds, 10);
  pacer.set_rate(at(0ms), 1'200'000);
  send_paced(pacer, at(0ms), 10);    // bucket empty at t = 0
  pacer.set_rate(at(5ms), 120'000);  // 5 datagrams earned at the old rate
  EXPECT_EQ(pacer.sendable_bytes(at(5ms)), 5 * kMds);
  send_paced(pacer, at(5ms), 5);
  EXPECT_EQ(pacer.next_send_time(at(5ms), kMds), at(15ms));  // new rate: 10 ms each
}

TEST(Pacer, ZeroRateIsUnpaced) {
  Pacer pacer(kMds, 2);
  EXPECT_EQ(send_paced(pacer, at(3ms), 1000), at(3ms));
  pacer.set_rate(at(3ms), 0);
  EXPECT_EQ(pacer.next_send_time(at(3ms), 100 * kMds), at(3ms));
}

TEST(Pacer, ClockGoingBackwardsIsHarmless) {
  Pacer pacer(kMds, 2);
  pacer.set_rate(at(100ms), 1'200'000);
  send_paced(pacer, at(100ms), 2);
  const Timestamp t = pacer.next_send_time(at(50ms), kMds);  // earlier than last event
  EXPECT_EQ(t, at(101ms));
  pacer.on_sent(at(50ms), kMds);  // treated as sent at the last known time
  EXPECT_EQ(pacer.next_send_time(at(50ms), kMds), at(102ms));
}

TEST(Pacer, DebtIsBounded) {
  Pacer pacer(kMds, 2);
  pacer.set_rate(at(0ms), 1'200'000);
  pacer.on_sent(at(0ms), 1000 * kMds);  // e.g. probes sent past the pacer
  // Debt is capped at one burst: 2 to repay plus 1 to earn.
  EXPECT_EQ(pacer.next_send_time(at(0ms), kMds), at(3ms));
}

TEST(Pacer, FollowsTheControllerRate) {
  auto cc = make_congestion_controller(CongestionControlAlgorithm::new_reno, {});
  Pacer pacer(kMds);
  pacer.set_rate(at(0ms), cc->pacing_rate());
  EXPECT_EQ(pacer.rate(), cc->pacing_rate());
  pacer.set_max_datagram_size(at(0ms), 1500);
  EXPECT_EQ(pacer.burst_bytes(), 10u * 1500);
}

}  // namespace
}  // namespace tquic::transport
