#include "io/address_text.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace tquic::io {
namespace {

bool parse_port(std::string_view s, std::uint16_t& port) {
  unsigned v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || v > 65535) return false;
  port = static_cast<std::uint16_t>(v);
  return true;
}

}  // namespace

bool parse_address(std::string_view text, NetAddress& out, std::string& error) {
  const auto fail = [&](const char* why) {
    error = "address '" + std::string(text) + "' " + why +
            " (use IPv4:PORT like 127.0.0.1:4433 or [IPv6]:PORT like [::1]:4433)";
    return false;
  };
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return fail("has no ]:PORT");
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return fail("has no :PORT");
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
  }
  std::uint16_t port = 0;
  if (!parse_port(port_text, port)) return fail("has an invalid port");
  std::array<std::uint8_t, 16> buf{};
  if (inet_pton(AF_INET, host.c_str(), buf.data()) == 1) {
    out = NetAddress::ipv4({buf[0], buf[1], buf[2], buf[3]}, port);
    return true;
  }
  if (inet_pton(AF_INET6, host.c_str(), buf.data()) == 1) {
    out = NetAddress::ipv6(buf, port);
    return true;
  }
  return fail("is not a numeric IPv4 or IPv6 address");
}

std::string format_address(const NetAddress& a) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (a.family == AddressFamily::ipv4) {
    inet_ntop(AF_INET, a.ip.data(), buf, sizeof buf);
    std::string s(buf);
    s += ':';
    s += std::to_string(a.port);
    return s;
  }
  if (a.family == AddressFamily::ipv6) {
    inet_ntop(AF_INET6, a.ip.data(), buf, sizeof buf);
    std::string s("[");
    s += buf;
    s += "]:";
    s += std::to_string(a.port);
    return s;
  }
  return "(none)";
}

socklen_t to_sockaddr(const NetAddress& a, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (a.family == AddressFamily::ipv4) {
    auto* s = reinterpret_cast<sockaddr_in*>(&out);
    s->sin_family = AF_INET;
    s->sin_port = htons(a.port);
    std::memcpy(&s->sin_addr, a.ip.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* s = reinterpret_cast<sockaddr_in6*>(&out);
  s->sin6_family = AF_INET6;
  s->sin6_port = htons(a.port);
  s->sin6_scope_id = a.ipv6_scope;
  std::memcpy(&s->sin6_addr, a.ip.data(), 16);
  return sizeof(sockaddr_in6);
}

NetAddress from_sockaddr(const sockaddr* sa) {
  NetAddress n;
  if (sa->sa_family == AF_INET) {
    const auto* s = reinterpret_cast<const sockaddr_in*>(sa);
    n.family = AddressFamily::ipv4;
    n.port = ntohs(s->sin_port);
    std::memcpy(n.ip.data(), &s->sin_addr, 4);
  } else if (sa->sa_family == AF_INET6) {
    const auto* s = reinterpret_cast<const sockaddr_in6*>(sa);
    n.port = ntohs(s->sin6_port);
    n.ipv6_scope = s->sin6_scope_id;
    // An IPv4-mapped address on a dual-stack socket is reported as IPv4.
    if (IN6_IS_ADDR_V4MAPPED(&s->sin6_addr)) {
      n.family = AddressFamily::ipv4;
      std::memcpy(n.ip.data(), reinterpret_cast<const std::uint8_t*>(&s->sin6_addr) + 12, 4);
      n.ipv6_scope = 0;
    } else {
      n.family = AddressFamily::ipv6;
      std::memcpy(n.ip.data(), &s->sin6_addr, 16);
    }
  }
  return n;
}

}  // namespace tquic::io
