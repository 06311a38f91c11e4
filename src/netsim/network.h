// The deterministic network simulator: a virtual clock, nodes (Endpoint
// implementations), and paths between them, each path with one Link per
// direction.
//
//   Network net(seed);
//   NodeId c = net.add_node(client), s = net.add_node(server);
//   auto p = net.add_path(c, client_addr, s, server_addr, up_config, down_config);
//   net.rebind_at(timestamp_from_ns(2'000'000'000), *p, c, client_addr.with_port(5000));
//   TQUIC_TRY(net.run_until(timestamp_from_ns(10'000'000'000)));
//
// Event loop: step() jumps virtual time to the earliest of (a link delivery,
// a node deadline, a scheduled NAT rebinding) and, at that instant,
//   1. applies due rebindings, 2. delivers due datagrams (path order, then
//   delivery order; the mutation hook runs first), 3. calls on_timeout() of
//   every node whose deadline is due, 4. calls flush() on every node.
// The first step happens at time 0 (so nodes can send first). An instant
// that repeats more than kMaxStepsPerInstant times without time moving is
// reported as an error (an endpoint whose deadline never advances).
//
// Addressing and NAT: each path end has the node's own `local` address and
// the `external` address its peer sees (equal until rebind_at()). A node
// sends from a local address to the peer's external address; the receiver
// sees `from` = sender's external address, `to` = its own local address.
// After a rebinding, datagrams addressed to the old external address no
// longer route (the NAT forgot the mapping).
//
// Link seeds: derive_seed(seed, 2 * path + direction). Tests print seed().
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "netsim/address.h"
#include "netsim/endpoint.h"
#include "netsim/link.h"

namespace tquic::sim {

struct NetworkStats {
  std::uint64_t sent = 0;              // datagrams accepted by Sender::send
  std::uint64_t unroutable = 0;        // Sender::send calls with no matching path
  std::uint64_t delivered = 0;         // on_datagram calls
  std::uint64_t hook_calls = 0;        // datagrams passed to the mutation hook
  std::uint64_t mutation_dropped = 0;  // datagrams the hook dropped
};

class Network {
 public:
  static constexpr std::size_t kMaxStepsPerInstant = 100000;

  explicit Network(std::uint64_t seed, const LinkOptions& link_options = {});
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;
  ~Network();

  // `endpoint` must outlive the network.
  NodeId add_node(Endpoint& endpoint);
  // Both configs are validated; the first carries a->b, the second b->a.
  Result<PathId> add_path(NodeId a, const Address& a_address, NodeId b, const Address& b_address,
                          const LinkConfig& a_to_b, const LinkConfig& b_to_a);
  // The link carrying datagrams sent by `from` on `path` (for stats,
  // set_config and schedules); nullptr if `from` is not on that path.
  Link* link(PathId path, NodeId from);
  std::size_t path_count() const { return paths_.size(); }

  // From `at` on, peers see `node` on `path` at `address` (NAT rebinding).
  Status rebind_at(Timestamp at, PathId path, NodeId node, const Address& address);
  // The address peers currently see for `node` on `path`.
  Address seen_address(PathId path, NodeId node) const;

  void set_mutation_hook(const MutationHook& hook) { hook_ = hook; }

  // Makes the next step happen at now() (and so flush every node), for
  // node state changed from outside the event loop.
  void wake() { wake_ = true; }

  Timestamp now() const { return now_; }
  Timestamp next_event_time();
  // Processes the next instant; false when nothing is left to do.
  Result<bool> step();
  // Processes every instant up to and including `until`, then sets the clock
  // to `until`.
  Status run_until(Timestamp until);

  const NetworkStats& stats() const { return stats_; }
  // Combined trace hash of every link and every delivery.
  std::uint64_t trace_hash() const;
  std::uint64_t seed() const { return seed_; }

 private:
  struct PathEnd {
    NodeId node;
    Address local;
    Address external;
  };
  struct Path {
    PathEnd end[2];
    Link link[2];  // link[i] carries datagrams sent by end[i]
    Path(std::uint64_t seed_a, std::uint64_t seed_b, const LinkOptions& options)
        : link{Link(seed_a, options), Link(seed_b, options)} {}
  };
  struct Rebind {
    Timestamp at;
    PathId path;
    int side;
    Address address;
  };
  class NodeSender;

  bool route(NodeId node, const Address& from, const Address& to, ByteSpan data, std::uint8_t ecn);
  Status advance(Timestamp t);
  void process_instant(Timestamp t);
  void apply_rebinds();
  void deliver(PathId path, int side, Delivery& delivery);
  int side_of(PathId path, NodeId node) const;

  std::uint64_t seed_;
  LinkOptions link_options_;
  Timestamp now_{};
  bool started_ = false;
  bool wake_ = false;
  std::size_t steps_at_now_ = 0;
  std::vector<Endpoint*> nodes_;
  std::vector<std::unique_ptr<Path>> paths_;
  std::vector<Rebind> rebinds_;  // sorted by time
  MutationHook hook_{};
  NetworkStats stats_;
  std::uint64_t trace_hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace tquic::sim
