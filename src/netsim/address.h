// A network address as the simulator and the relay see it: IPv4 or IPv6
// bytes plus a UDP port. Plain value type, no allocation, no OS headers.
//
// The transport will later pass addresses around as `tquic::NetAddress`;
// until that type exists in base/, netsim uses this one (conversion is a
// field-by-field copy: family, 16 address bytes, port).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace tquic::sim {

struct Address {
  enum class Family : std::uint8_t { unspecified = 0, ipv4 = 4, ipv6 = 6 };

  Family family = Family::unspecified;
  std::uint16_t port = 0;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 uses bytes[0..3], the rest stay 0

  static constexpr Address ipv4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                                std::uint16_t port) {
    Address addr;
    addr.family = Family::ipv4;
    addr.port = port;
    addr.bytes[0] = a;
    addr.bytes[1] = b;
    addr.bytes[2] = c;
    addr.bytes[3] = d;
    return addr;
  }
  static constexpr Address ipv6(const std::array<std::uint8_t, 16>& b, std::uint16_t port) {
    Address addr;
    addr.family = Family::ipv6;
    addr.port = port;
    addr.bytes = b;
    return addr;
  }

  constexpr Address with_port(std::uint16_t p) const {
    Address addr = *this;
    addr.port = p;
    return addr;
  }
  constexpr bool is_unspecified() const { return family == Family::unspecified; }

  friend constexpr bool operator==(const Address&, const Address&) = default;
};

// Longest text format() writes, including the terminating NUL:
// "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535".
inline constexpr std::size_t kAddressTextMax = 48;

// Writes "192.0.2.1:443", "[2001:db8::1]:443" (RFC 5952 compression) or
// "unspecified" into `out`, NUL-terminated and truncated to fit; returns the
// number of characters written (without the NUL).
std::size_t format_address(const Address& address, std::span<char> out);

// Convenience for logs and test messages: the text in a small fixed buffer.
struct AddressText {
  std::array<char, kAddressTextMax> text{};
  const char* c_str() const { return text.data(); }
};
AddressText to_text(const Address& address);

}  // namespace tquic::sim
