#include "socket_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace tquic::relay {
namespace {

bool parse_port(std::string_view text, std::uint16_t& port) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

void raise_buffers(int fd, int bytes) {
  // SO_*BUFFORCE ignores rmem_max/wmem_max when we may (CAP_NET_ADMIN).
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0) {
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bytes, sizeof bytes) != 0) {
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
  }
}

int new_socket(sim::Address::Family family, int buffer_bytes, std::string& error) {
  const int domain = family == sim::Address::Family::ipv6 ? AF_INET6 : AF_INET;
  const int fd = socket(domain, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::string("cannot create a UDP socket: ") + std::strerror(errno);
    return -1;
  }
  raise_buffers(fd, buffer_bytes);
  // Report the ECN field of received datagrams (it travels through the link).
  const int on = 1;
  if (family == sim::Address::Family::ipv6) (void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &on, sizeof on);
  (void)setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof on);
  return fd;
}

}  // namespace

bool parse_ip_port(std::string_view text, sim::Address& out) {
  std::string host;
  std::string_view port;
  sim::Address::Family family = sim::Address::Family::ipv4;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return false;
    host.assign(text.substr(1, close - 1));
    port = text.substr(close + 2);
    family = sim::Address::Family::ipv6;
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    host.assign(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  sim::Address a;
  a.family = family;
  const int af = family == sim::Address::Family::ipv6 ? AF_INET6 : AF_INET;
  if (inet_pton(af, host.c_str(), a.bytes.data()) != 1 || !parse_port(port, a.port)) return false;
  out = a;
  return true;
}

socklen_t to_sockaddr(const sim::Address& address, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (address.family == sim::Address::Family::ipv6) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(address.port);
    std::memcpy(&sin6->sin6_addr, address.bytes.data(), 16);
    return sizeof(sockaddr_in6);
  }
  auto* sin = reinterpret_cast<sockaddr_in*>(&out);
  sin->sin_family = AF_INET;
  sin->sin_port = htons(address.port);
  std::memcpy(&sin->sin_addr, address.bytes.data(), 4);
  return sizeof(sockaddr_in);
}

sim::Address from_sockaddr(const sockaddr_storage& storage) {
  sim::Address a;
  if (storage.ss_family == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&storage);
    a.family = sim::Address::Family::ipv6;
    a.port = ntohs(sin6->sin6_port);
    std::memcpy(a.bytes.data(), &sin6->sin6_addr, 16);
  } else if (storage.ss_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&storage);
    a.family = sim::Address::Family::ipv4;
    a.port = ntohs(sin->sin_port);
    std::memcpy(a.bytes.data(), &sin->sin_addr, 4);
  }
  return a;
}

int open_udp(const sim::Address& local, int buffer_bytes, std::string& error) {
  const int fd = new_socket(local.family, buffer_bytes, error);
  if (fd < 0) return -1;
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(local, ss);
  if (bind(fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0) {
    error = std::string("cannot bind ") + sim::to_text(local).c_str() + ": " + std::strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

int open_connected_udp(const sim::Address& remote, int buffer_bytes, std::string& error) {
  const int fd = new_socket(remote.family, buffer_bytes, error);
  if (fd < 0) return -1;
  sockaddr_storage ss;
  const socklen_t len = to_sockaddr(remote, ss);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&ss), len) != 0) {
    error = std::string("cannot connect to ") + sim::to_text(remote).c_str() + ": " + std::strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

sim::Address local_address(int fd) {
  sockaddr_storage ss;
  socklen_t len = sizeof ss;
  std::memset(&ss, 0, sizeof ss);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return {};
  return from_sockaddr(ss);
}

}  // namespace tquic::relay
