#include "runtime/udp_node.h"

#include <algorithm>

namespace tquic::runtime {

struct UdpNode::Port {
  io::UdpSocket socket;
  io::UdpEngine engine;  // refers to `socket`: a Port never moves
};

UdpNode::~UdpNode() {
  endpoint_.reset();  // connections first, then engines, then sockets
  ports_.clear();
}

std::unique_ptr<UdpNode> UdpNode::open(const NodeOptions& options, endpoint::EndpointConfig config,
                                       endpoint::EndpointTls tls, std::string& error) {
  std::unique_ptr<UdpNode> node(new UdpNode());
  node->options_ = options;
  if (!node->open_port(options.local, error)) return nullptr;
  auto ep = endpoint::Endpoint::create(std::move(config), tls);
  if (!ep) {
    error = std::string("cannot create the endpoint: ") + ep.error().reason;
    return nullptr;
  }
  node->endpoint_ = std::move(*ep);
  node->tx_.resize(64 * 1024);
  return node;
}

bool UdpNode::open_port(const NetAddress& local, std::string& error) {
  auto port = std::make_unique<Port>();
  if (!io::UdpSocket::open(local, options_.socket, port->socket, error)) return false;
  // Every socket of a node uses the engine the first one got.
  const io::EngineKind kind = ports_.empty() ? options_.engine : ports_.front()->engine.kind();
  io::EngineConfig config = options_.engine_config;
  if (options_.shared_loop) config.uring.single_issuer = false;  // SINGLE_ISSUER comes with DEFER_TASKRUN
  if (!io::UdpEngine::open(port->socket, kind, config, port->engine, error)) return false;
  ports_.push_back(std::move(port));
  return true;
}

bool UdpNode::add_socket(const NetAddress& local, NetAddress& bound, std::string& error) {
  if (!options_.shared_loop) {
    error = "a second socket needs a node opened with NodeOptions::shared_loop";
    return false;
  }
  if (!open_port(local, error)) return false;
  bound = ports_.back()->socket.local_address();
  return true;
}

const NetAddress& UdpNode::local() const { return ports_.front()->socket.local_address(); }

io::EngineKind UdpNode::engine_kind() const { return ports_.front()->engine.kind(); }

const std::string& UdpNode::engine_fallback_reason() const { return ports_.front()->engine.fallback_reason(); }

Status UdpNode::receive_port(Port& port, Timestamp now) {
  for (std::size_t batch = 0; batch < kReceiveBatchesPerTurn; ++batch) {
    TQUIC_TRY_ASSIGN(auto got, port.engine.receive());
    if (got.empty()) return ok_status();
    for (const io::RxDatagram& d : got) {
      for (std::size_t i = 0; i < d.segment_count(); ++i) {
        ByteSpan seg = d.segment(i);
        MutByteSpan mut(const_cast<std::uint8_t*>(seg.data()), seg.size());  // engine-owned buffer
        TQUIC_TRY(endpoint_->on_datagram(mut, PathTuple{d.local, d.remote},
                                         static_cast<transport::EcnMark>(d.ecn), now));
      }
    }
    // A short batch: the rest waits for the next turn (one syscall saved per turn).
    if (!port.engine.receive_more()) return ok_status();
  }
  receive_pending_ = true;
  return ok_status();
}

Status UdpNode::receive_and_tick(Timestamp now) {
  receive_pending_ = false;
  for (auto& port : ports_) TQUIC_TRY(receive_port(*port, now));
  if (endpoint_->next_deadline() <= now) endpoint_->on_timeout(now);
  return ok_status();
}

// The socket a train leaves from: the one bound to its local address, else
// the one with its port (a wildcard bind), else the first.
std::size_t UdpNode::port_for(const NetAddress& local) const {
  for (std::size_t i = 0; i < ports_.size(); ++i)
    if (ports_[i]->socket.local_address() == local) return i;
  for (std::size_t i = 0; i < ports_.size(); ++i)
    if (ports_[i]->socket.local_address().port == local.port) return i;
  return 0;
}

// Sends what is left of a blocked train; true when nothing is pending.
bool UdpNode::flush_pending() {
  if (!has_pending_) return true;
  auto p = ports_[pending_port_]->engine.send(std::span(&pending_, 1));
  if (!p) return false;
  if (p->datagrams == 1) {
    has_pending_ = false;
    return true;
  }
  const std::size_t sent = p->segments_into_next * std::max<std::size_t>(pending_.segment_size, 1);
  pending_.data = pending_.data.subspan(std::min(sent, pending_.data.size()));
  return false;
}

// Builds one train straight into io_uring's send memory (HOTPATH.md rule 2:
// the AEAD seal is the only copy before the kernel's). False when there was
// nothing to send or no send slot was free (direct_blocked_: completions
// free slots, so the loop waits on the ring).
Result<bool> UdpNode::send_direct(io::UringEngine& engine, Timestamp now) {
  // 65507: the largest UDP payload over IPv4 (a GSO train is one such datagram).
  constexpr std::size_t kMaxTrainBytes = 65507;
  auto space = engine.reserve_tx(std::min(tx_.size(), kMaxTrainBytes));
  if (!space) {
    if (space.error().kind != ErrorKind::blocked) return space.error();
    direct_blocked_ = true;
    return false;
  }
  auto t = endpoint_->write_train(*space, now);
  if (!t || t->segments == 0) {
    engine.abort_tx();
    if (!t) return t.error();
    return false;
  }
  const io::TxDatagram meta{{}, static_cast<std::uint16_t>(t->segments > 1 ? t->segment_size : 0),
                            t->tuple.remote, {}, static_cast<io::Ecn>(t->ecn)};
  TQUIC_TRY(engine.commit_tx(t->bytes, meta));
  return true;
}

Status UdpNode::send(Timestamp now) {
  if (!flush_pending()) return ok_status();
  direct_blocked_ = false;
  // One socket on io_uring: no choice of port to make, build in place.
  io::UringEngine* direct = ports_.size() == 1 ? ports_.front()->engine.uring() : nullptr;
  if (direct != nullptr) {
    // The committed trains are submitted by the loop's next wait() or
    // receive(), in the same io_uring_enter (HOTPATH.md rule 11).
    TQUIC_TRY(direct->take_send_failure());
    for (std::size_t trains = 0; trains < kTrainsPerTurn; ++trains) {
      TQUIC_TRY_ASSIGN(const bool sent, send_direct(*direct, now));
      if (!sent) break;
    }
    return ok_status();
  }
  for (std::size_t trains = 0; trains < kTrainsPerTurn; ++trains) {
    TQUIC_TRY_ASSIGN(transport::TxTrain t, endpoint_->write_train(tx_, now));
    if (t.segments == 0) break;
    pending_ = io::TxDatagram{ByteSpan(tx_.data(), t.bytes),
                              static_cast<std::uint16_t>(t.segments > 1 ? t.segment_size : 0), t.tuple.remote,
                              {}, static_cast<io::Ecn>(t.ecn)};
    pending_port_ = port_for(t.tuple.local);
    has_pending_ = true;
    if (!flush_pending()) break;  // socket full: wait for it to drain
  }
  return ok_status();
}

void UdpNode::append_poll_fds(std::vector<pollfd>& out) const {
  for (std::size_t i = 0; i < ports_.size(); ++i) {
    const io::UdpEngine& e = ports_[i]->engine;
    short events = POLLIN;
    // The mmsg engine waits for socket space; io_uring reports freed send
    // slots as completions on its ring descriptor (POLLIN).
    if (has_pending_ && pending_port_ == i && e.kind() == io::EngineKind::mmsg) events |= POLLOUT;
    out.push_back(pollfd{e.poll_fd(), events, 0});
  }
}

bool UdpNode::pollable() const {
  for (const auto& p : ports_) {
    const io::UringEngine* u = p->engine.uring();
    if (u && u->defer_taskrun()) return false;
  }
  return true;
}

Status UdpNode::wait(Duration timeout) {
  if (ports_.size() != 1) return Error::local("UdpNode::wait() is for a node with one socket");
  return ports_.front()->engine.wait(timeout, has_pending_);
}

io::IoStats UdpNode::io_stats() const {
  io::IoStats sum;
  for (const auto& p : ports_) {
    const io::IoStats& s = p->engine.stats();
    sum.rx_syscalls += s.rx_syscalls;
    sum.rx_buffers += s.rx_buffers;
    sum.rx_segments += s.rx_segments;
    sum.rx_bytes += s.rx_bytes;
    sum.rx_truncated += s.rx_truncated;
    sum.tx_syscalls += s.tx_syscalls;
    sum.tx_messages += s.tx_messages;
    sum.tx_segments += s.tx_segments;
    sum.tx_bytes += s.tx_bytes;
    sum.tx_blocked += s.tx_blocked;
    sum.tx_dropped_emsgsize += s.tx_dropped_emsgsize;
    sum.tx_dropped_unreachable += s.tx_dropped_unreachable;
    sum.gso_fallbacks += s.gso_fallbacks;
  }
  return sum;
}

}  // namespace tquic::runtime
