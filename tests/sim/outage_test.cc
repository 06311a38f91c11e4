// Outages and path changes: blackholes shorter and longer than the idle
// timeout, a path MTU below QUIC's 1200-byte floor, a path MTU that shrinks
// mid-transfer, and NAT rebinding of the client.
#include <gtest/gtest.h>

#include "sim/bulk_transfer_helpers.h"

namespace tquic::sim {
namespace {

constexpr std::uint64_t kRate = 20'000'000;
constexpr Duration kOneWay = 20ms;  // 40 ms RTT

Timestamp at(Duration d) { return kTimeZero + d; }

ScenarioSetup base_setup(std::uint64_t seed) {
  ScenarioSetup s;
  s.seed = seed;
  s.up = make_link(kRate, kOneWay);
  s.down = make_link(kRate, kOneWay);
  return s;
}

class Outage : public ::testing::TestWithParam<std::uint64_t> {};

// Both directions go dark for 2 s in the middle of a 4 MB upload (1.6 s of
// link time). The connection must not close (idle timeout 30 s) and must
// finish. Bound: clean time (size/rate / 0.8 + 6 RTTs of handshake and slow
// start) + the outage + the PTO backoff overshoot after it (the backed-off
// PTO in flight when the link returns can be as long as the outage again)
// + another slow start (6 RTTs).
TEST_P(Outage, TwoSecondBlackholeMidTransferRecovers) {
  const std::uint64_t seed = GetParam();
  SCOPED_TRACE(replay_note(seed));
  constexpr std::uint64_t kBytes = 4'000'000;
  constexpr Duration kDark = 2s;
  BulkTransfer t(base_setup(seed), {{seed, kBytes}});
  for (Link* l : {&t.scenario().up_link(), &t.scenario().down_link()})
    ASSERT_TRUE(l->schedule().blackhole(at(700ms), kDark).ok());
  ASSERT_TRUE(t.run(60s));
  t.expect_intact();
  expect_sane(t.scenario());
  report("blackhole_2s", seed, t.summary());
  const double rtt = 2 * seconds(kOneWay);
  const double bound = transfer_seconds(kBytes, kRate) / 0.8 + 12 * rtt + 2 * seconds(kDark);
  EXPECT_LE(t.completion_seconds(), bound) << t.summary();
  EXPECT_GT(t.scenario().up_link().stats().drops(DropReason::blackhole), 0u);
  EXPECT_GT(t.sender_node().connection()->stats().pto_count, 0u);
  ASSERT_TRUE(t.scenario().close_both(5s));
}

// The path goes dark for good at 0.5 s (idle timeout 3 s on both sides).
// Each side must close silently with an idle timeout (RFC 9000 §10.1):
// no CONNECTION_CLOSE is exchanged, the `closed` event fires once, the
// connection reaches is_closed() and stops asking for timers, and the
// simulation runs dry. When: the idle period max(3 s, 3 PTO) after the
// last packet received, i.e. by 0.5 s + 3 s + 3 PTO (PTO < 1 s here).
TEST_P(Outage, BlackholeLongerThanIdleTimeoutClosesBothSides) {
  const std::uint64_t seed = GetParam();
  SCOPED_TRACE(replay_note(seed));
  ScenarioSetup setup = base_setup(seed);
  setup.client_config.max_idle_timeout = 3s;
  setup.server_config.max_idle_timeout = 3s;
  BulkTransfer t(setup, {{seed, 50'000'000}});
  for (Link* l : {&t.scenario().up_link(), &t.scenario().down_link()})
    ASSERT_TRUE(l->schedule().blackhole(at(500ms), std::chrono::hours(1)).ok());
  Scenario& sc = t.scenario();
  ASSERT_TRUE(sc.run_until(
      [&] { return sc.client().fully_closed_at() != kTimeInfinite && sc.server().fully_closed_at() != kTimeInfinite; },
      at(30s)));
  report("blackhole_forever_idle_3s", seed,
         "client_closed=" + std::to_string(seconds_between(kTimeZero, sc.client().fully_closed_at())) +
             "s server_closed=" + std::to_string(seconds_between(kTimeZero, sc.server().fully_closed_at())) + "s");
  for (QuicNode* n : {&sc.client(), &sc.server()}) {
    const transport::CloseInfo& ci = n->connection()->close_info();
    EXPECT_TRUE(ci.closed);
    EXPECT_TRUE(ci.idle_timeout);
    EXPECT_FALSE(ci.by_peer);
    EXPECT_FALSE(ci.is_application);
    EXPECT_EQ(n->event_count(transport::ConnectionEventType::closed), 1u);
    EXPECT_GE(n->fully_closed_at(), at(500ms + 3s));
    EXPECT_LE(n->fully_closed_at(), at(500ms + 3s + 3s));
    EXPECT_EQ(n->connection()->next_deadline(), kTimeInfinite);
  }
  EXPECT_FALSE(t.complete());
  // Nothing is left to happen: no timer, nothing in flight, no sends.
  const std::uint64_t out = sc.client().counters().datagrams_out + sc.server().counters().datagrams_out;
  ASSERT_TRUE(sc.run_for(10s));
  EXPECT_EQ(sc.net().next_event_time(), kTimeInfinite);
  EXPECT_EQ(sc.client().counters().datagrams_out + sc.server().counters().datagrams_out, out);
  expect_sane(sc, {.allow_unroutable = false, .allow_closed = true});
}

// Path MTU 1100 < 1200: every client Initial (padded to 1200, RFC 9000
// §14.1) is dropped by the link. The server never sees a packet; the client
// retransmits with exponential PTO backoff and gives up at its idle timeout
// (5 s here), cleanly and without a crash.
TEST_P(Outage, PathMtuBelow1200FailsTheHandshakeCleanly) {
  const std::uint64_t seed = GetParam();
  SCOPED_TRACE(replay_note(seed));
  ScenarioSetup setup = base_setup(seed);
  setup.up.mtu = 1100;
  setup.down.mtu = 1100;
  setup.client_config.max_idle_timeout = 5s;
  setup.server_config.max_idle_timeout = 5s;
  BulkTransfer t(setup, {{seed, 100'000}});
  Scenario& sc = t.scenario();
  ASSERT_TRUE(sc.run_until([&] { return sc.client().fully_closed_at() != kTimeInfinite; }, at(60s)));
  report("mtu_1100_handshake", seed,
         "client_gave_up=" + std::to_string(seconds_between(kTimeZero, sc.client().fully_closed_at())) +
             "s initials_sent=" + std::to_string(sc.client().counters().datagrams_out));
  const transport::CloseInfo& ci = sc.client().connection()->close_info();
  EXPECT_TRUE(ci.closed);
  EXPECT_TRUE(ci.idle_timeout);
  EXPECT_FALSE(sc.client().connection()->is_established());
  EXPECT_EQ(sc.server().connection(), nullptr);
  EXPECT_EQ(sc.server().counters().datagrams_in, 0u);
  EXPECT_EQ(sc.up_link().stats().drops(DropReason::mtu), sc.up_link().stats().offered);
  // PTO backoff: 1 s, 2 s, ... -> only a handful of Initials in 5 s.
  EXPECT_GE(sc.client().counters().datagrams_out, 2u);
  EXPECT_LE(sc.client().counters().datagrams_out, 12u);
  EXPECT_LE(sc.client().fully_closed_at(), at(5s + 4s));
  EXPECT_EQ(sc.client().counters().write_errors, 0u);
  ASSERT_TRUE(sc.run_for(5s));
  EXPECT_EQ(sc.net().next_event_time(), kTimeInfinite);
}

// The path MTU shrinks from unlimited to 1280 bytes 1 s into a 4 MB upload,
// after DPLPMTUD raised the datagram size to 1452: every full-size packet
// is now dropped. The sender must detect the black hole (RFC 8899 §4.3,
// RFC 9000 §14.4: persistent loss of full-size packets) and fall back to a
// size that fits (>= 1200), then finish. Bound: clean time + 2 s for the
// detection (a few PTOs) and the new slow start.
//
// DISABLED (engine bug, see docs/SIMULATOR.md "Known engine failures"):
// there is no black-hole detection for ordinary packets. After the MTU drop
// at 1.0 s the client keeps max_datagram_size 1452 (only lost DPLPMTUD
// probes lower pmtu_search_high, conn_paths.cc on_pmtu_probe_lost), its
// PTO probes are full-size too and die at the link (pto_count 8), the
// transfer stalls at 1.80 MB of 4 MB received, and both sides close with
// an idle timeout at 31.1 s ("network idle" after both closed).
TEST_P(Outage, PathMtuShrinkMidTransferFallsBack) {
  const std::uint64_t seed = GetParam();
  SCOPED_TRACE(replay_note(seed));
  constexpr std::uint64_t kBytes = 4'000'000;
  BulkTransfer t(base_setup(seed), {{seed, kBytes}});
  for (Link* l : {&t.scenario().up_link(), &t.scenario().down_link()}) l->schedule().set_mtu(at(1s), 1280);
  ASSERT_TRUE(t.run(60s));
  t.expect_intact();
  report("pmtu_shrink_1280", seed, t.summary());
  EXPECT_GT(t.scenario().up_link().stats().drops(DropReason::mtu), 0u);
  EXPECT_LE(t.sender_node().connection()->stats().max_datagram_size, 1280u);
  const double rtt = 2 * seconds(kOneWay);
  EXPECT_LE(t.completion_seconds(), transfer_seconds(kBytes, kRate) / 0.8 + 6 * rtt + 2.0) << t.summary();
  expect_sane(t.scenario());
  ASSERT_TRUE(t.scenario().close_both(5s));
}

// NAT rebinding: 1 s into a 4 MB upload the client's NAT mapping changes
// port. The server sees 1-RTT packets from a new address, must validate it
// (PATH_CHALLENGE) and move its sending there (RFC 9000 §9.3); the transfer
// completes. Bound: clean time + 1 s for the path switch.
//
// DISABLED (engine bug, see docs/SIMULATOR.md "Known engine failures"):
// at t = 1.0385 s, when the first packet from the new address arrives, the
// server makes the new path active (conn_paths.cc on_largest_packet_path)
// but cannot send on it: the new path's anti-amplification budget is 0
// because conn_recv.cc handle_datagram calls count_received_bytes() before
// path_for_packet() creates the path, and write_train() stops on an
// unvalidated server path whenever the budget is below 1200 bytes (that
// rule is for Initials, not for ACK / PATH_CHALLENGE packets). Meanwhile
// next_deadline() returns the application ACK deadline, which is already
// due: on_timeout() cannot clear it, so the deadline stays at `now` forever
// (a busy loop in a real event loop; netsim stops with "virtual time
// stopped advancing" after 100000 steps). Also visible once this is fixed:
// conn_ack.cc on_ack_frame always credits ACKs to paths[0] ("single-path"),
// so packets sent on the migrated path would never be acknowledged.
TEST_P(Outage, NatRebindingMidTransferServerFollows) {
  const std::uint64_t seed = GetParam();
  SCOPED_TRACE(replay_note(seed));
  constexpr std::uint64_t kBytes = 4'000'000;
  BulkTransfer t(base_setup(seed), {{seed, kBytes}});
  Scenario& sc = t.scenario();
  const Address rebound = kClientAddress.with_port(50001);
  ASSERT_TRUE(sc.net().rebind_at(at(1s), sc.path(), sc.client_id(), rebound).ok());
  ASSERT_TRUE(t.run(60s));
  t.expect_intact();
  report("nat_rebinding", seed, t.summary());
  EXPECT_EQ(sc.net().seen_address(sc.path(), sc.client_id()), rebound);
  EXPECT_GE(sc.server().event_count(transport::ConnectionEventType::path_validated), 1u);
  const double rtt = 2 * seconds(kOneWay);
  EXPECT_LE(t.completion_seconds(), transfer_seconds(kBytes, kRate) / 0.8 + 6 * rtt + 1.0) << t.summary();
  expect_sane(sc, {.allow_unroutable = true, .allow_closed = false});
  ASSERT_TRUE(sc.close_both(5s));
}

INSTANTIATE_TEST_SUITE_P(Seeds, Outage, ::testing::ValuesIn(sim_seeds({1, 2, 3})), seed_name);

}  // namespace
}  // namespace tquic::sim
