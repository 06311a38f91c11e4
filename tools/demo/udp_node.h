// One QUIC endpoint on a real UDP socket: the endpoint (sans-I/O) driven by
// the sendmmsg/recvmmsg engine and the monotonic clock. A minimal runtime
// for the demo; the full per-core runtime lives in src/runtime.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "endpoint/endpoint.h"
#include "io/mmsg_engine.h"
#include "io/udp_socket.h"

namespace tquic::demo {

Timestamp monotonic_now();

class UdpNode {
 public:
  // Binds `local` and creates the endpoint; false with a one-line error.
  bool open(const NetAddress& local, endpoint::EndpointConfig config, endpoint::EndpointTls tls,
            std::string& error);
  const NetAddress& local() const { return socket_.local_address(); }
  endpoint::Endpoint& endpoint() { return *endpoint_; }
  int fd() const { return socket_.fd(); }

  // Receives everything pending, runs due timers, sends everything ready.
  Status pump(Timestamp now);
  Timestamp next_deadline() const { return endpoint_->next_deadline(); }
  const io::IoStats& io_stats() const { return engine_->stats(); }

 private:
  Status receive(Timestamp now);
  Status send(Timestamp now);

  io::UdpSocket socket_;
  std::unique_ptr<io::MmsgEngine> engine_;
  std::unique_ptr<endpoint::Endpoint> endpoint_;
  bool flush_pending();

  std::vector<std::uint8_t> tx_;
  // A train the socket did not take completely waits here (backpressure,
  // HOTPATH rule 10): it leaves before anything new is built.
  io::TxDatagram pending_{};
  bool has_pending_ = false;
};

}  // namespace tquic::demo
