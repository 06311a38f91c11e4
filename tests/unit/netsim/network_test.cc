#include "netsim/network.h"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "unit/netsim/netsim_test_util.h"

namespace tquic::sim {
namespace {

using testing::at_ms;
using testing::seed_note;

struct Arrival {
  Address from;
  Address to;
  PathId path;
  Timestamp at;
  Timestamp sent;
  std::vector<std::uint8_t> data;
};

// A test node: sends what was queued on each flush, records arrivals, and
// runs optional callbacks (tests are not the hot path).
class Node : public Endpoint {
 public:
  void queue(const Address& from, const Address& to, std::vector<std::uint8_t> data) {
    outgoing_.push_back({from, to, std::move(data)});
  }

  void on_datagram(const Datagram& d, Timestamp now) override {
    arrivals.push_back({d.from, d.to, d.path, now, d.sent, {d.data.begin(), d.data.end()}});
    if (on_arrival) on_arrival(arrivals.back(), *this);
  }
  Timestamp next_deadline() override { return deadline; }
  void on_timeout(Timestamp now) override {
    timeouts.push_back(now);
    if (on_timer) on_timer(now, *this);
    else deadline = kTimeInfinite;
  }
  void flush(Timestamp, Sender& sender) override {
    for (const auto& o : outgoing_) send_results.push_back(sender.send(o.from, o.to, o.data));
    outgoing_.clear();
  }

  std::vector<Arrival> arrivals;
  std::vector<Timestamp> timeouts;
  std::vector<bool> send_results;
  Timestamp deadline = kTimeInfinite;
  std::function<void(const Arrival&, Node&)> on_arrival;
  std::function<void(Timestamp, Node&)> on_timer;

 private:
  struct Outgoing {
    Address from;
    Address to;
    std::vector<std::uint8_t> data;
  };
  std::vector<Outgoing> outgoing_;
};

const Address kC1 = Address::ipv4(10, 0, 0, 1, 1000);
const Address kC2 = Address::ipv4(10, 0, 1, 1, 1000);
const Address kS = Address::ipv4(10, 0, 0, 2, 443);

LinkConfig with_delay(Duration d) {
  LinkConfig c;
  c.delay = d;
  return c;
}

void echo(const Arrival& a, Node& self) { self.queue(a.to, a.from, a.data); }

TEST(Network, PingPongOverTwoPaths) {
  constexpr std::uint64_t kSeed = 11;
  SCOPED_TRACE(seed_note(kSeed));
  Network net(kSeed);
  Node client;
  Node server;
  const NodeId c = net.add_node(client);
  const NodeId s = net.add_node(server);
  const auto p0 = net.add_path(c, kC1, s, kS, with_delay(10ms), with_delay(10ms));
  const auto p1 = net.add_path(c, kC2, s, kS, with_delay(30ms), with_delay(20ms));
  ASSERT_TRUE(p0.ok() && p1.ok());
  server.on_arrival = echo;
  client.on_arrival = [](const Arrival& a, Node& self) {
    if (self.arrivals.size() < 10) self.queue(a.to, a.from, a.data);
  };
  client.queue(kC1, kS, {0});
  client.queue(kC2, kS, {1});
  ASSERT_TRUE(net.run_until(at_ms(1000)).ok());

  std::vector<Timestamp> path0;
  std::vector<Timestamp> path1;
  for (const auto& a : client.arrivals) {
    EXPECT_EQ(a.from, kS);
    EXPECT_EQ(a.to, a.path == *p0 ? kC1 : kC2);
    EXPECT_EQ(a.data[0], a.path);
    (a.path == *p0 ? path0 : path1).push_back(a.at);
  }
  // The client answers its first 9 pongs; the 10th (150 ms, path 1) ends
  // path 1, the ping sent at 140 ms still comes back at 160 ms.
  EXPECT_EQ(path0, (std::vector<Timestamp>{at_ms(20), at_ms(40), at_ms(60), at_ms(80), at_ms(100),
                                           at_ms(120), at_ms(140), at_ms(160)}));
  EXPECT_EQ(path1, (std::vector<Timestamp>{at_ms(50), at_ms(100), at_ms(150)}));
  for (const auto& a : server.arrivals) EXPECT_EQ(a.from, a.path == *p0 ? kC1 : kC2);
  EXPECT_EQ(net.stats().unroutable, 0u);
  EXPECT_EQ(net.stats().delivered, client.arrivals.size() + server.arrivals.size());
  EXPECT_EQ(net.now(), at_ms(1000));
  EXPECT_EQ(net.link(*p1, c)->stats().delivered, 3u);  // pings on the slow path
  EXPECT_EQ(net.link(*p1, s)->stats().delivered, 3u);
  EXPECT_EQ(net.link(*p1, 99), nullptr);
}

TEST(Network, NatRebindingChangesTheSourceSeen) {
  constexpr std::uint64_t kSeed = 12;
  SCOPED_TRACE(seed_note(kSeed));
  Network net(kSeed);
  Node client;
  Node server;
  const NodeId c = net.add_node(client);
  const NodeId s = net.add_node(server);
  const auto p = net.add_path(c, kC1, s, kS, with_delay(5ms), with_delay(5ms));
  ASSERT_TRUE(p.ok());
  const Address rebound = Address::ipv4(198, 51, 100, 9, 40000);
  ASSERT_TRUE(net.rebind_at(at_ms(100), *p, c, rebound).ok());
  EXPECT_FALSE(net.rebind_at(at_ms(100), *p, 7, rebound).ok());
  server.on_arrival = echo;
  client.deadline = kTimeZero;
  client.on_timer = [](Timestamp now, Node& self) {
    self.queue(kC1, kS, {static_cast<std::uint8_t>(self.timeouts.size())});
    self.deadline = self.timeouts.size() < 4 ? now + 50ms : kTimeInfinite;
  };
  ASSERT_TRUE(net.run_until(at_ms(300)).ok());

  ASSERT_EQ(server.arrivals.size(), 4u);
  EXPECT_EQ(server.arrivals[0].from, kC1);
  EXPECT_EQ(server.arrivals[1].from, kC1);
  EXPECT_EQ(server.arrivals[2].from, rebound);  // sent at 100 ms: after the rebinding
  EXPECT_EQ(server.arrivals[3].from, rebound);
  ASSERT_EQ(client.arrivals.size(), 4u);
  for (const auto& a : client.arrivals) EXPECT_EQ(a.to, kC1);  // the NAT maps replies back
  EXPECT_EQ(net.seen_address(*p, c), rebound);
  EXPECT_EQ(net.seen_address(*p, s), kS);

  server.queue(kS, kC1, {9});  // the old mapping is gone
  net.wake();
  ASSERT_TRUE(net.run_until(at_ms(400)).ok());
  EXPECT_FALSE(server.send_results.back());
  EXPECT_EQ(net.stats().unroutable, 1u);
}

TEST(Network, TimeoutsFireAtTheirDeadline) {
  SCOPED_TRACE(seed_note(1));
  Network net(1);
  Node node;
  net.add_node(node);
  node.deadline = at_ms(5);
  auto first = net.step();  // time 0: the initial flush
  ASSERT_TRUE(first.ok() && *first);
  EXPECT_EQ(net.now(), kTimeZero);
  auto second = net.step();
  ASSERT_TRUE(second.ok() && *second);
  EXPECT_EQ(net.now(), at_ms(5));
  EXPECT_EQ(node.timeouts, std::vector<Timestamp>{at_ms(5)});
  auto idle = net.step();
  ASSERT_TRUE(idle.ok());
  EXPECT_FALSE(*idle);
}

TEST(Network, StuckDeadlineIsReportedNotSpun) {
  SCOPED_TRACE(seed_note(1));
  Network net(1);
  Node node;
  net.add_node(node);
  node.deadline = kTimeZero;
  node.on_timer = [](Timestamp, Node&) {};  // never moves its deadline
  const Status st = net.run_until(at_ms(10));
  ASSERT_FALSE(st.ok());
  EXPECT_STREQ(st.error().reason, "netsim: virtual time stopped advancing (a node deadline stays due?)");
}

TEST(Network, UnroutableAndInvalidPaths) {
  SCOPED_TRACE(seed_note(1));
  Network net(1);
  Node a;
  Node b;
  const NodeId na = net.add_node(a);
  const NodeId nb = net.add_node(b);
  EXPECT_FALSE(net.add_path(na, kC1, 5, kS, {}, {}).ok());
  LinkConfig bad;
  bad.loss = 3.0;
  EXPECT_FALSE(net.add_path(na, kC1, nb, kS, bad, {}).ok());
  ASSERT_TRUE(net.add_path(na, kC1, nb, kS, {}, {}).ok());
  a.queue(kC1, kC2, {1});  // nobody at kC2
  a.queue(kC2, kS, {2});   // a is not at kC2
  a.queue(Address{}, kS, {3});  // any own address: routes
  ASSERT_TRUE(net.run_until(at_ms(1)).ok());
  EXPECT_EQ(a.send_results, (std::vector<bool>{false, false, true}));
  EXPECT_EQ(net.stats().unroutable, 2u);
  ASSERT_EQ(b.arrivals.size(), 1u);
  EXPECT_EQ(b.arrivals[0].from, kC1);
}

struct HookState {
  int calls = 0;
};

std::size_t mutate(void* context, MutByteSpan buffer, std::size_t length, const Datagram& d) {
  auto* state = static_cast<HookState*>(context);
  ++state->calls;
  if (d.data[0] % 2 == 1) return kMutationDrop;
  buffer[1] ^= 0xff;
  return length - 1;  // and truncate
}

TEST(Network, MutationHookCanChangeAndDropDatagrams) {
  SCOPED_TRACE(seed_note(5));
  Network net(5);
  Node a;
  Node b;
  const NodeId na = net.add_node(a);
  const NodeId nb = net.add_node(b);
  ASSERT_TRUE(net.add_path(na, kC1, nb, kS, with_delay(1ms), {}).ok());
  HookState state;
  net.set_mutation_hook(MutationHook{mutate, &state});
  for (std::uint8_t i = 0; i < 6; ++i) a.queue(kC1, kS, {i, 0x10, 0x20});
  ASSERT_TRUE(net.run_until(at_ms(10)).ok());
  EXPECT_EQ(state.calls, 6);
  ASSERT_EQ(b.arrivals.size(), 3u);
  for (const auto& arrival : b.arrivals) {
    EXPECT_EQ(arrival.data, (std::vector<std::uint8_t>{arrival.data[0], 0xef}));
    EXPECT_EQ(arrival.data[0] % 2, 0);
  }
  EXPECT_EQ(net.stats().hook_calls, 6u);
  EXPECT_EQ(net.stats().mutation_dropped, 3u);
}

// A lossy, jittery two-path ping-pong driven by a 1 ms timer.
std::uint64_t run_lossy(std::uint64_t seed) {
  SCOPED_TRACE(seed_note(seed));
  Network net(seed);
  Node client;
  Node server;
  const NodeId c = net.add_node(client);
  const NodeId s = net.add_node(server);
  LinkConfig lossy;
  lossy.delay = 10ms;
  lossy.jitter = 4ms;
  lossy.loss = 0.05;
  lossy.rate_bps = 5'000'000;
  lossy.duplicate = 0.01;
  EXPECT_TRUE(net.add_path(c, kC1, s, kS, lossy, lossy).ok());
  EXPECT_TRUE(net.add_path(c, kC2, s, kS, lossy, lossy).ok());
  server.on_arrival = echo;
  client.deadline = kTimeZero;
  client.on_timer = [](Timestamp now, Node& self) {
    const auto n = static_cast<std::uint8_t>(self.timeouts.size());
    self.queue(n % 2 ? kC1 : kC2, kS, std::vector<std::uint8_t>(600, n));
    self.deadline = self.timeouts.size() < 500 ? now + 1ms : kTimeInfinite;
  };
  EXPECT_TRUE(net.run_until(at_ms(1000)).ok());
  EXPECT_GT(client.arrivals.size(), 400u);
  return net.trace_hash();
}

TEST(Network, SameSeedSameTraceDifferentSeedDifferentTrace) {
  for (std::uint64_t seed : {3ULL, 4ULL}) {
    SCOPED_TRACE(seed_note(seed));
    EXPECT_EQ(run_lossy(seed), run_lossy(seed));
  }
  EXPECT_NE(run_lossy(3), run_lossy(4));
}

}  // namespace
}  // namespace tquic::sim
