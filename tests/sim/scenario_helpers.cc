#include "sim/scenario_helpers.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace tquic::sim {
namespace {

NodeSetup node_setup(const ScenarioSetup& s, wire::Role role) {
  NodeSetup n;
  n.role = role;
  n.seed = s.seed;
  if (role == wire::Role::client) {
    n.config = s.client_config;
    n.local = kClientAddress;
    n.server = kServerAddress;
    n.start = s.client_start;
    n.zero_length_cid = s.client_zero_length_cid;
  } else {
    n.config = s.server_config;
    n.local = kServerAddress;
    n.zero_length_cid = s.server_zero_length_cid;
  }
  return n;
}

void describe_node(std::ostringstream& o, const char* name, QuicNode& node) {
  o << name << ": ";
  const transport::Connection* c = node.connection();
  if (c == nullptr) {
    o << "no connection (create_error=\"" << node.create_error() << "\")";
  } else {
    const transport::CloseInfo& ci = c->close_info();
    const transport::ConnectionStats st = c->stats();
    o << "established=" << c->is_established() << " closed=" << ci.closed << " fully_closed=" << c->is_closed()
      << " by_peer=" << ci.by_peer << " app=" << ci.is_application << " idle=" << ci.idle_timeout
      << " code=0x" << std::hex << ci.error_code << std::dec << " reason=\"" << ci.reason << "\""
      << " | pkts sent=" << st.packets_sent << " recv=" << st.packets_received << " lost=" << st.packets_lost
      << " retx=" << st.packets_retransmitted << " dropped=" << st.packets_dropped << " pto=" << st.pto_count
      << " bytes sent=" << st.bytes_sent << " recv=" << st.bytes_received
      << " stream sent=" << st.stream_bytes_sent << " recv=" << st.stream_bytes_received
      << " srtt=" << to_us(st.smoothed_rtt) << "us min_rtt=" << to_us(st.min_rtt) << "us cwnd=" << st.congestion_window
      << " inflight=" << st.bytes_in_flight << " mds=" << st.max_datagram_size;
  }
  const NodeCounters& k = node.counters();
  o << " | node in=" << k.datagrams_in << " out=" << k.datagrams_out << " unroutable=" << k.unroutable
    << " write_err=" << k.write_errors << " rx_err=" << k.on_datagram_errors << "\n";
}

void describe_link(std::ostringstream& o, const char* name, Link& link) {
  const LinkStats& s = link.stats();
  o << name << ": offered=" << s.offered << " delivered=" << s.delivered << " dup=" << s.duplicated
    << " corrupted=" << s.corrupted << " reordered=" << s.reordered << " drops:";
  for (std::size_t r = 1; r < kDropReasonCount; ++r)
    if (s.dropped[r] != 0) o << " " << drop_reason_name(static_cast<DropReason>(r)) << "=" << s.dropped[r];
  o << " max_queue=" << s.max_queue_bytes << "B\n";
}

}  // namespace

std::vector<std::uint64_t> sim_seeds(std::initializer_list<std::uint64_t> defaults) {
  const char* env = std::getenv("TQUIC_SIM_SEED");
  if (env == nullptr || *env == '\0') return std::vector<std::uint64_t>(defaults);
  std::vector<std::uint64_t> seeds;
  std::istringstream in(env);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) seeds.push_back(std::strtoull(item.c_str(), nullptr, 0));
  }
  return seeds.empty() ? std::vector<std::uint64_t>(defaults) : seeds;
}

std::string seed_name(const ::testing::TestParamInfo<std::uint64_t>& info) {
  return "seed_" + std::to_string(info.param);
}

std::string replay_note(std::uint64_t seed) {
  const ::testing::TestInfo* t = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string filter = "*";
  if (t != nullptr) {
    const std::string suite = t->test_suite_name();
    const std::string name = t->name();
    filter = "*" + suite.substr(suite.find('/') + 1) + "." + name.substr(0, name.find('/')) + "/*";
  }
  return "seed=" + std::to_string(seed) + " (replay: TQUIC_SIM_SEED=" + std::to_string(seed) +
         " tquic_sim_tests --gtest_filter='" + filter + "')";
}

LinkConfig make_link(std::uint64_t rate_bps, Duration delay, double queue_bdp) {
  LinkConfig c;
  c.rate_bps = rate_bps;
  c.delay = delay;
  const double bdp_bytes = static_cast<double>(rate_bps) / 8.0 * 2.0 * seconds(delay);
  c.queue_limit_bytes = std::max<std::size_t>(static_cast<std::size_t>(queue_bdp * bdp_bytes), 16 * 1500);
  return c;
}

double seconds(Duration d) { return static_cast<double>(d.count()) / 1e9; }

double transfer_seconds(std::uint64_t bytes, std::uint64_t rate_bps) {
  return static_cast<double>(bytes) * 8.0 / static_cast<double>(rate_bps);
}

double seconds_between(Timestamp from, Timestamp to) { return seconds(to - from); }

Scenario::Scenario(const ScenarioSetup& setup, App& client_app, App& server_app)
    : setup_(setup),
      net_(setup.seed),
      client_(node_setup(setup, wire::Role::client), client_app),
      server_(node_setup(setup, wire::Role::server), server_app) {
  client_id_ = net_.add_node(client_);
  server_id_ = net_.add_node(server_);
  auto p = net_.add_path(client_id_, kClientAddress, server_id_, kServerAddress, setup.up, setup.down);
  if (!p) {
    ADD_FAILURE() << "add_path: " << p.error().reason;
    return;
  }
  path_ = *p;
}

::testing::AssertionResult Scenario::run_for(Duration d) {
  auto s = net_.run_until(net_.now() + d);
  if (!s) return ::testing::AssertionFailure() << "network error: " << s.error().reason << "; " << describe();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult Scenario::close_both(Duration limit) {
  transport::Connection* c = client_.connection();
  if (c == nullptr) return ::testing::AssertionFailure() << "no client connection";
  c->close(0, "done", net_.now());
  net_.wake();
  return run_until(
      [&] { return client_.connection()->is_closed() && server_.connection() && server_.connection()->is_closed(); },
      net_.now() + limit);
}

std::string Scenario::describe() {
  std::ostringstream o;
  o << replay_note(setup_.seed) << " t=" << to_us(net_.now() - kTimeZero) << "us\n";
  describe_node(o, "client", client_);
  describe_node(o, "server", server_);
  describe_link(o, "up  ", up_link());
  describe_link(o, "down", down_link());
  return o.str();
}

namespace {

void expect_sane_node(QuicNode& node, const char* name, Duration rtt_floor, const SanityOptions& opt) {
  SCOPED_TRACE(name);
  const NodeCounters& k = node.counters();
  EXPECT_EQ(k.write_errors, 0u);
  EXPECT_EQ(k.on_datagram_errors, 0u);
  EXPECT_EQ(k.write_loop_exhausted, 0u);
  if (!opt.allow_unroutable) {
    EXPECT_EQ(k.unroutable, 0u);
  }
  const transport::Connection* c = node.connection();
  ASSERT_NE(c, nullptr);
  const transport::ConnectionStats st = c->stats();
  // What the connection says it sent is what the node handed the network.
  EXPECT_EQ(st.bytes_sent, k.bytes_out);
  EXPECT_GE(st.packets_sent, st.packets_lost);
  EXPECT_GE(st.packets_sent, k.datagrams_out);  // coalescing: packets >= datagrams
  EXPECT_LE(st.bytes_received, 65535 * k.datagrams_in);
  if (!opt.allow_closed) {
    EXPECT_FALSE(c->close_info().closed) << c->close_info().reason;
  }
  if (node.handshake_completed_at() != kTimeInfinite) {
    EXPECT_GE(st.min_rtt, rtt_floor);
    EXPECT_GE(st.smoothed_rtt, st.min_rtt);
    EXPECT_GE(st.congestion_window, 2u * 1200u);
    EXPECT_GE(st.max_datagram_size, 1200u);
    EXPECT_LE(st.max_datagram_size, 1500u);
  }
}

}  // namespace

void expect_sane(Scenario& sc, const SanityOptions& options) {
  SCOPED_TRACE(replay_note(sc.seed()));
  const Duration floor = sc.up_link().config().delay + sc.down_link().config().delay;
  expect_sane_node(sc.client(), "client", floor, options);
  expect_sane_node(sc.server(), "server", floor, options);
  // Every datagram the links took in is accounted for: delivered, dropped,
  // or still in flight (netsim's own invariant, and its slots come back).
  for (Link* l : {&sc.up_link(), &sc.down_link()}) {
    const LinkStats& s = l->stats();
    EXPECT_EQ(s.offered + s.duplicated, s.delivered + s.dropped_total() + l->queued());
    EXPECT_EQ(l->store_stats().in_use, l->queued());
  }
}

void report(const std::string& scenario, std::uint64_t seed, const std::string& values) {
  std::printf("[   SIM    ] %s seed=%llu %s\n", scenario.c_str(), static_cast<unsigned long long>(seed),
              values.c_str());
  std::fflush(stdout);
}

}  // namespace tquic::sim
