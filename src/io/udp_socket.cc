#include "io/udp_socket.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "io/address_text.h"

namespace tquic::io {
namespace {

bool set_int(int fd, int level, int opt, int value) {
  return setsockopt(fd, level, opt, &value, sizeof value) == 0;
}

std::string os_error(const char* what, const NetAddress& a) {
  return std::string(what) + " " + format_address(a) + ": " + std::strerror(errno);
}

}  // namespace

UdpSocket::~UdpSocket() { close(); }

UdpSocket::UdpSocket(UdpSocket&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)), local_(o.local_), gso_(o.gso_), gro_(o.gro_) {}

UdpSocket& UdpSocket::operator=(UdpSocket&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = std::exchange(o.fd_, -1);
    local_ = o.local_;
    gso_ = o.gso_;
    gro_ = o.gro_;
  }
  return *this;
}

void UdpSocket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool UdpSocket::configure(const SocketOptions& opts, std::string& error) {
  const bool v6 = local_.family == AddressFamily::ipv6;
  if (v6 && !set_int(fd_, IPPROTO_IPV6, IPV6_V6ONLY, 1)) return (error = "IPV6_V6ONLY failed"), false;
  if (opts.reuse_port && !set_int(fd_, SOL_SOCKET, SO_REUSEPORT, 1))
    return (error = "SO_REUSEPORT is not supported"), false;
  // Buffer sizes are best effort: the kernel caps them at rmem_max/wmem_max.
  set_int(fd_, SOL_SOCKET, SO_RCVBUF, opts.recv_buffer);
  set_int(fd_, SOL_SOCKET, SO_SNDBUF, opts.send_buffer);
  // DF on every datagram; PMTU probes larger than the route MTU fail with
  // EMSGSIZE instead of being fragmented (RFC 9000 §14, RFC 8899).
  if (v6) set_int(fd_, IPPROTO_IPV6, IPV6_MTU_DISCOVER, IPV6_PMTUDISC_PROBE);
  else set_int(fd_, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE);
  if (opts.ecn) {
    if (v6) set_int(fd_, IPPROTO_IPV6, IPV6_RECVTCLASS, 1);
    else set_int(fd_, IPPROTO_IP, IP_RECVTOS, 1);
  }
  if (opts.pktinfo) {
    if (v6) set_int(fd_, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
    else set_int(fd_, IPPROTO_IP, IP_PKTINFO, 1);
  }
  gro_ = opts.gro && set_int(fd_, SOL_UDP, UDP_GRO, 1);
  // GSO is probed: setting a segment size of 0 succeeds only if supported.
  int seg = 0;
  gso_ = setsockopt(fd_, SOL_UDP, UDP_SEGMENT, &seg, sizeof seg) == 0;
  return true;
}

bool UdpSocket::open(const NetAddress& local, const SocketOptions& opts, UdpSocket& out,
                     std::string& error) {
  if (!local.valid()) return (error = "no local address given"), false;
  UdpSocket s;
  s.local_ = local;
  const int family = local.family == AddressFamily::ipv6 ? AF_INET6 : AF_INET;
  s.fd_ = ::socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (s.fd_ < 0) return (error = os_error("cannot create a UDP socket for", local)), false;
  if (!s.configure(opts, error)) return false;
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(local, ss);
  if (::bind(s.fd_, reinterpret_cast<sockaddr*>(&ss), len) != 0)
    return (error = os_error("cannot bind", local)), false;
  socklen_t got = sizeof ss;
  if (::getsockname(s.fd_, reinterpret_cast<sockaddr*>(&ss), &got) == 0)
    s.local_ = from_sockaddr(reinterpret_cast<sockaddr*>(&ss));
  out = std::move(s);
  return true;
}

}  // namespace tquic::io
