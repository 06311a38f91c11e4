#include "netsim/network.h"

#include <algorithm>

namespace tquic::sim {

class Network::NodeSender final : public Sender {
 public:
  NodeSender(Network& network, NodeId node) : network_(network), node_(node) {}
  using Sender::send;
  bool send(const Address& from, const Address& to, ByteSpan data, std::uint8_t ecn) override {
    return network_.route(node_, from, to, data, ecn);
  }

 private:
  Network& network_;
  NodeId node_;
};

Network::Network(std::uint64_t seed, const LinkOptions& link_options)
    : seed_(seed), link_options_(link_options) {}

Network::~Network() = default;

NodeId Network::add_node(Endpoint& endpoint) {
  nodes_.push_back(&endpoint);
  return static_cast<NodeId>(nodes_.size() - 1);
}

Result<PathId> Network::add_path(NodeId a, const Address& a_address, NodeId b,
                                 const Address& b_address, const LinkConfig& a_to_b,
                                 const LinkConfig& b_to_a) {
  if (a >= nodes_.size() || b >= nodes_.size()) return Error::local("netsim: add_path with an unknown node");
  const auto id = static_cast<PathId>(paths_.size());
  auto path = std::make_unique<Path>(derive_seed(seed_, 2 * std::uint64_t{id}),
                                     derive_seed(seed_, 2 * std::uint64_t{id} + 1), link_options_);
  TQUIC_TRY(path->link[0].set_config(a_to_b));
  TQUIC_TRY(path->link[1].set_config(b_to_a));
  path->end[0] = PathEnd{a, a_address, a_address};
  path->end[1] = PathEnd{b, b_address, b_address};
  paths_.push_back(std::move(path));
  return id;
}

int Network::side_of(PathId path, NodeId node) const {
  if (path >= paths_.size()) return -1;
  if (paths_[path]->end[0].node == node) return 0;
  if (paths_[path]->end[1].node == node) return 1;
  return -1;
}

Link* Network::link(PathId path, NodeId from) {
  const int side = side_of(path, from);
  return side < 0 ? nullptr : &paths_[path]->link[side];
}

Status Network::rebind_at(Timestamp at, PathId path, NodeId node, const Address& address) {
  const int side = side_of(path, node);
  if (side < 0) return Error::local("netsim: rebind_at with a node that is not on the path");
  auto pos = std::upper_bound(rebinds_.begin(), rebinds_.end(), at,
                              [](Timestamp t, const Rebind& r) { return t < r.at; });
  rebinds_.insert(pos, Rebind{at, path, side, address});
  return ok_status();
}

Address Network::seen_address(PathId path, NodeId node) const {
  const int side = side_of(path, node);
  return side < 0 ? Address{} : paths_[path]->end[side].external;
}

Timestamp Network::next_event_time() {
  if (!started_ || wake_) return now_;
  Timestamp t = kTimeInfinite;
  for (const auto& path : paths_) {
    t = std::min({t, path->link[0].next_event_time(), path->link[1].next_event_time()});
  }
  for (Endpoint* node : nodes_) t = std::min(t, std::max(node->next_deadline(), now_));
  if (!rebinds_.empty()) t = std::min(t, std::max(rebinds_.front().at, now_));
  return t;
}

Result<bool> Network::step() {
  const Timestamp t = next_event_time();
  if (t == kTimeInfinite) return false;
  TQUIC_TRY(advance(t));
  return true;
}

Status Network::run_until(Timestamp until) {
  for (;;) {
    const Timestamp t = next_event_time();
    if (t == kTimeInfinite || t > until) break;
    TQUIC_TRY(advance(t));
  }
  if (until > now_) now_ = until;
  return ok_status();
}

Status Network::advance(Timestamp t) {
  if (started_ && t == now_) {
    if (++steps_at_now_ > kMaxStepsPerInstant) {
      return Error::local("netsim: virtual time stopped advancing (a node deadline stays due?)");
    }
  } else {
    steps_at_now_ = 0;
  }
  process_instant(t);
  return ok_status();
}

void Network::process_instant(Timestamp t) {
  now_ = t;
  started_ = true;
  wake_ = false;
  apply_rebinds();
  for (PathId p = 0; p < paths_.size(); ++p) {
    for (int side = 0; side < 2; ++side) {
      paths_[p]->link[side].deliver_due(now_, [&](Delivery& d) { deliver(p, side, d); });
    }
  }
  for (Endpoint* node : nodes_) {
    if (node->next_deadline() <= now_) node->on_timeout(now_);
  }
  for (NodeId n = 0; n < nodes_.size(); ++n) {
    NodeSender sender(*this, n);
    nodes_[n]->flush(now_, sender);
  }
}

void Network::apply_rebinds() {
  std::size_t applied = 0;
  while (applied < rebinds_.size() && rebinds_[applied].at <= now_) {
    const Rebind& r = rebinds_[applied++];
    paths_[r.path]->end[r.side].external = r.address;
  }
  rebinds_.erase(rebinds_.begin(), rebinds_.begin() + static_cast<std::ptrdiff_t>(applied));
}

void Network::deliver(PathId path, int side, Delivery& delivery) {
  Link& link = paths_[path]->link[side];
  Datagram datagram{delivery.meta.src, delivery.meta.dst, delivery.data, delivery.meta.ecn, path,
                    delivery.sent};
  if (hook_.mutate != nullptr) {
    const MutByteSpan buffer = link.slot_buffer(delivery);
    ++stats_.hook_calls;
    const std::size_t length = hook_.mutate(hook_.context, buffer, delivery.data.size(), datagram);
    if (length == kMutationDrop) {
      ++stats_.mutation_dropped;
      return;
    }
    datagram.data = ByteSpan(buffer.data(), std::min(length, buffer.size()));
  }
  ++stats_.delivered;
  trace_hash_ = trace_mix(trace_hash_, (std::uint64_t{path} << 1) | static_cast<std::uint64_t>(side));
  trace_hash_ = trace_mix(trace_hash_, static_cast<std::uint64_t>(to_ns(now_)));
  trace_hash_ = trace_mix(trace_hash_, delivery.index);
  nodes_[paths_[path]->end[1 - side].node]->on_datagram(datagram, now_);
}

bool Network::route(NodeId node, const Address& from, const Address& to, ByteSpan data,
                    std::uint8_t ecn) {
  for (PathId p = 0; p < paths_.size(); ++p) {
    Path& path = *paths_[p];
    for (int s = 0; s < 2; ++s) {
      const PathEnd& self = path.end[s];
      const PathEnd& peer = path.end[1 - s];
      if (self.node != node || !(peer.external == to)) continue;
      if (!from.is_unspecified() && !(self.local == from)) continue;
      path.link[s].enqueue(now_, data, PacketMeta{self.external, peer.local, p, ecn});
      ++stats_.sent;
      return true;
    }
  }
  ++stats_.unroutable;
  return false;
}

std::uint64_t Network::trace_hash() const {
  std::uint64_t h = trace_hash_;
  for (const auto& path : paths_) {
    h = trace_mix(h, path->link[0].stats().trace_hash);
    h = trace_mix(h, path->link[1].stats().trace_hash);
  }
  return h;
}

}  // namespace tquic::sim
