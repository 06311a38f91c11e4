// One client and one server QuicNode joined by a single simulated path, the
// seed plumbing (TQUIC_SIM_SEED), bound arithmetic and the checks every
// scenario ends with. See docs/SIMULATOR.md.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "netsim/network.h"
#include "sim/quic_node_helpers.h"

namespace tquic::sim {

inline constexpr Address kClientAddress = Address::ipv4(192, 0, 2, 1, 40000);
inline constexpr Address kServerAddress = Address::ipv4(198, 51, 100, 1, 443);

// The seeds a parameterised scenario runs with: `defaults`, or the
// comma-separated list in the environment variable TQUIC_SIM_SEED (replay).
std::vector<std::uint64_t> sim_seeds(std::initializer_list<std::uint64_t> defaults);
// gtest parameter names: "seed_42".
std::string seed_name(const ::testing::TestParamInfo<std::uint64_t>& info);
// "seed=42 (replay: TQUIC_SIM_SEED=42 tquic_sim_tests --gtest_filter=...)"
std::string replay_note(std::uint64_t seed);

struct ScenarioSetup {
  std::uint64_t seed = 1;
  LinkConfig up{};    // client -> server
  LinkConfig down{};  // server -> client
  transport::ConnectionConfig client_config{};
  transport::ConnectionConfig server_config{};
  Timestamp client_start = kTimeZero;
  bool client_zero_length_cid = false;  // RFC 9000 §5.1: the side is sent empty DCIDs
  bool server_zero_length_cid = false;
};

// A link of `rate_bps` with one-way `delay` and a bottleneck queue of
// `queue_bdp` bandwidth-delay products of the round trip (2 * delay).
LinkConfig make_link(std::uint64_t rate_bps, Duration delay, double queue_bdp = 1.0);

// Seconds needed to move `bytes` at `rate_bps`.
double transfer_seconds(std::uint64_t bytes, std::uint64_t rate_bps);
double seconds(Duration d);
double seconds_between(Timestamp from, Timestamp to);

class Scenario {
 public:
  Scenario(const ScenarioSetup& setup, App& client_app, App& server_app);
  Scenario(const Scenario&) = delete;
  Scenario& operator=(const Scenario&) = delete;

  Network& net() { return net_; }
  QuicNode& client() { return client_; }
  QuicNode& server() { return server_; }
  PathId path() const { return path_; }
  Link& up_link() { return *net_.link(path_, client_id_); }
  Link& down_link() { return *net_.link(path_, server_id_); }
  NodeId client_id() const { return client_id_; }
  std::uint64_t seed() const { return setup_.seed; }
  Timestamp now() const { return net_.now(); }

  // Steps the network until done() holds or the next event lies beyond
  // `limit` (then the clock is set to `limit`). Fails on a network error
  // (e.g. a deadline that never advances) or if nothing is left to happen.
  template <class Done>
  ::testing::AssertionResult run_until(Done done, Timestamp limit) {
    while (!done()) {
      const Timestamp t = net_.next_event_time();
      if (t == kTimeInfinite) return ::testing::AssertionFailure() << "network idle; " << describe();
      if (t > limit) {
        (void)net_.run_until(limit);
        return ::testing::AssertionFailure() << "time limit reached; " << describe();
      }
      auto r = net_.step();
      if (!r) return ::testing::AssertionFailure() << "network error: " << r.error().reason << "; " << describe();
    }
    return ::testing::AssertionSuccess();
  }
  // Runs every event up to `until` (no predicate).
  ::testing::AssertionResult run_for(Duration d);

  // The client closes with application error 0; runs until both
  // connections are closed (draining / closing periods over).
  ::testing::AssertionResult close_both(Duration limit);

  // One line per node: close info, connection stats, node counters; and
  // both links' counters. For failure messages.
  std::string describe();

 private:
  ScenarioSetup setup_;
  Network net_;
  QuicNode client_;
  QuicNode server_;
  NodeId client_id_ = 0;
  NodeId server_id_ = 0;
  PathId path_ = 0;
};

struct SanityOptions {
  bool allow_unroutable = false;   // NAT rebinding: sends to a forgotten address
  bool allow_closed = false;       // the scenario ends in a close
};

// Checks that must hold after any scenario: no API errors, stats consistent
// with what the network saw, RTT not below the propagation floor, window
// and datagram size in range. (The engine exposes no pool counters.)
void expect_sane(Scenario& sc, const SanityOptions& options = {});

// Prints one result line "[   SIM    ] <name> seed=... key=value ..." on
// stdout (the numbers docs/SIMULATOR.md and reports quote).
void report(const std::string& scenario, std::uint64_t seed, const std::string& values);

}  // namespace tquic::sim
