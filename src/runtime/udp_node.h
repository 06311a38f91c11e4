// One QUIC endpoint on real UDP sockets: the sans-I/O endpoint driven by an
// I/O engine (io_uring or sendmmsg/recvmmsg, io/engine_select.h). A node
// usually has one socket; a client that migrates opens a second one
// (add_socket) and the trains the endpoint builds for the new path leave
// from it. Everything belongs to the thread that runs the node.
#pragma once

#include <poll.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "endpoint/endpoint.h"
#include "io/engine_select.h"
#include "io/udp_socket.h"

namespace tquic::runtime {

struct NodeOptions {
  NetAddress local;                          // port 0: the kernel picks one
  io::EngineKind engine = io::EngineKind::automatic;
  io::SocketOptions socket;
  io::EngineConfig engine_config;
  // The node shares its thread's wait with other descriptors (several
  // nodes in one EventLoop, or add_socket()). io_uring then runs without
  // DEFER_TASKRUN: with it, completions do not make the ring descriptor
  // readable for poll(), only io_uring_enter() sees them.
  bool shared_loop = false;
};

class UdpNode {
 public:
  static constexpr std::size_t kReceiveBatchesPerTurn = 64;  // bounded: other work gets its turn
  static constexpr std::size_t kTrainsPerTurn = 256;

  // Binds the first socket, opens the engine and creates the endpoint.
  // nullptr and a one-line `error` on failure.
  static std::unique_ptr<UdpNode> open(const NodeOptions& options, endpoint::EndpointConfig config,
                                       endpoint::EndpointTls tls, std::string& error);
  ~UdpNode();
  UdpNode(const UdpNode&) = delete;
  UdpNode& operator=(const UdpNode&) = delete;

  // Opens one more socket at `local` with the same engine kind; `bound`
  // receives its address (with the port the kernel chose). Needs a node
  // opened with shared_loop.
  bool add_socket(const NetAddress& local, NetAddress& bound, std::string& error);

  endpoint::Endpoint& endpoint() { return *endpoint_; }
  const NetAddress& local() const;            // the first socket's address
  io::EngineKind engine_kind() const;         // what `automatic` became
  const std::string& engine_fallback_reason() const;

  // Receives what is pending (bounded), runs due timers: call first in a turn.
  Status receive_and_tick(Timestamp now);
  // Sends everything the endpoint has ready, until the socket pushes back.
  Status send(Timestamp now);

  Timestamp next_deadline() const { return endpoint_->next_deadline(); }
  // More received data may be waiting in the engine (the per-turn bound
  // was reached): the next wait must not sleep.
  bool receive_pending() const { return receive_pending_; }
  bool send_blocked() const { return has_pending_ || direct_blocked_; }
  // What to wait on: POLLIN on each engine, POLLOUT while a send is blocked.
  void append_poll_fds(std::vector<pollfd>& out) const;
  // True when append_poll_fds() descriptors report every completion (no
  // io_uring with DEFER_TASKRUN).
  bool pollable() const;
  std::size_t socket_count() const { return ports_.size(); }
  // Sleeps in the engine itself (one socket only): until something arrives,
  // a blocked send can go on, or `timeout` passes.
  Status wait(Duration timeout);

  io::IoStats io_stats() const;  // summed over the sockets

 private:
  struct Port;
  UdpNode() = default;
  bool open_port(const NetAddress& local, std::string& error);
  Status receive_port(Port& port, Timestamp now);
  std::size_t port_for(const NetAddress& local) const;
  bool flush_pending();
  Result<bool> send_direct(io::UringEngine& engine, Timestamp now);

  NodeOptions options_;
  std::vector<std::unique_ptr<Port>> ports_;
  std::unique_ptr<endpoint::Endpoint> endpoint_;
  std::vector<std::uint8_t> tx_;
  bool receive_pending_ = false;
  // A train the socket did not take completely waits here (backpressure,
  // HOTPATH rule 10): it leaves before anything new is built.
  io::TxDatagram pending_{};
  std::size_t pending_port_ = 0;
  bool has_pending_ = false;
  bool direct_blocked_ = false;  // io_uring had no send slot free for the next train
};

}  // namespace tquic::runtime
