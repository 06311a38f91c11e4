// A UDP socket configured for QUIC: non-blocking, large buffers, GRO on
// receive, GSO probed for send, ECN and local-address reporting, DF set for
// path MTU probing (RFC 9000 §14: datagrams must not be fragmented).
#pragma once

#include <string>

#include "base/net_address.h"

namespace tquic::io {

struct SocketOptions {
  bool reuse_port = false;    // SO_REUSEPORT: one socket per shard on the same port
  int recv_buffer = 4 << 20;  // bytes; the kernel may cap it (net.core.rmem_max)
  int send_buffer = 4 << 20;
  bool gro = true;            // UDP_GRO: coalesced receive
  bool ecn = true;            // report TOS/TCLASS on receive
  bool pktinfo = false;       // report the local address (needed on wildcard binds)
};

class UdpSocket {
 public:
  UdpSocket() = default;
  ~UdpSocket();
  UdpSocket(UdpSocket&& o) noexcept;
  UdpSocket& operator=(UdpSocket&& o) noexcept;
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  // Binds to `local` (port 0 picks one). False with a one-line `error`.
  static bool open(const NetAddress& local, const SocketOptions& opts, UdpSocket& out,
                   std::string& error);

  int fd() const { return fd_; }
  const NetAddress& local_address() const { return local_; }
  bool gso_supported() const { return gso_; }
  bool gro_enabled() const { return gro_; }
  void disable_gso() { gso_ = false; }

 private:
  void close();
  bool configure(const SocketOptions& opts, std::string& error);

  int fd_ = -1;
  NetAddress local_;
  bool gso_ = false;
  bool gro_ = false;
};

}  // namespace tquic::io
