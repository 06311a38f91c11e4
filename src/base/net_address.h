// A network address (IPv4 or IPv6 + UDP port) as plain data. The core keeps
// paths' 4-tuples in this form without ever seeing a sockaddr; io/ converts
// to and from the OS types and text (io/address_text.h).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace tquic {

enum class AddressFamily : std::uint8_t { none = 0, ipv4 = 4, ipv6 = 6 };

struct NetAddress {
  AddressFamily family = AddressFamily::none;
  std::uint16_t port = 0;                 // host byte order
  std::array<std::uint8_t, 16> ip{};      // network order; IPv4 uses the first 4
  std::uint32_t ipv6_scope = 0;

  static NetAddress ipv4(std::array<std::uint8_t, 4> a, std::uint16_t port) {
    NetAddress n;
    n.family = AddressFamily::ipv4;
    n.port = port;
    std::memcpy(n.ip.data(), a.data(), 4);
    return n;
  }
  static NetAddress ipv6(const std::array<std::uint8_t, 16>& a, std::uint16_t port) {
    NetAddress n;
    n.family = AddressFamily::ipv6;
    n.port = port;
    n.ip = a;
    return n;
  }

  bool valid() const { return family != AddressFamily::none; }
  std::size_t ip_size() const { return family == AddressFamily::ipv4 ? 4 : family == AddressFamily::ipv6 ? 16 : 0; }
  // Same host, any port (RFC 9000 §9.3: a port-only change is a NAT rebinding).
  bool same_ip(const NetAddress& o) const {
    return family == o.family && std::memcmp(ip.data(), o.ip.data(), ip_size()) == 0;
  }
  friend bool operator==(const NetAddress& a, const NetAddress& b) {
    return a.family == b.family && a.port == b.port && a.same_ip(b) && a.ipv6_scope == b.ipv6_scope;
  }

  // Seedless 64-bit mix for hash tables keyed by address.
  std::uint64_t hash() const {
    std::uint64_t h = static_cast<std::uint64_t>(family) * 0x9e3779b97f4a7c15ull ^ port;
    for (std::size_t i = 0; i < ip_size(); ++i) h = (h ^ ip[i]) * 0x100000001b3ull;
    return h;
  }
};

// The 4-tuple a path is identified by (local, remote).
struct PathTuple {
  NetAddress local;
  NetAddress remote;
  friend bool operator==(const PathTuple&, const PathTuple&) = default;
};

}  // namespace tquic
