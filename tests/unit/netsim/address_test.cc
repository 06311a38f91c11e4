#include "netsim/address.h"

#include <gtest/gtest.h>

#include <string>

namespace tquic::sim {
namespace {

std::string text(const Address& a) { return to_text(a).c_str(); }

Address v6(std::initializer_list<std::uint16_t> groups, std::uint16_t port) {
  std::array<std::uint8_t, 16> b{};
  std::size_t i = 0;
  for (std::uint16_t g : groups) {
    b[i++] = static_cast<std::uint8_t>(g >> 8);
    b[i++] = static_cast<std::uint8_t>(g);
  }
  return Address::ipv6(b, port);
}

TEST(Address, FormatsIpv4) {
  EXPECT_EQ(text(Address::ipv4(192, 0, 2, 1, 443)), "192.0.2.1:443");
  EXPECT_EQ(text(Address::ipv4(0, 0, 0, 0, 0)), "0.0.0.0:0");
  EXPECT_EQ(text(Address{}), "unspecified");
}

TEST(Address, FormatsIpv6WithRfc5952Compression) {
  EXPECT_EQ(text(v6({0, 0, 0, 0, 0, 0, 0, 1}, 4433)), "[::1]:4433");
  EXPECT_EQ(text(v6({0x2001, 0xdb8, 0, 0, 0, 0, 0, 1}, 80)), "[2001:db8::1]:80");
  EXPECT_EQ(text(v6({0x2001, 0xdb8, 0, 1, 0, 0, 0, 1}, 1)), "[2001:db8:0:1::1]:1");  // longest run wins
  EXPECT_EQ(text(v6({0x2001, 0, 0, 1, 0, 0, 1, 1}, 1)), "[2001::1:0:0:1:1]:1");    // first of equal runs
  EXPECT_EQ(text(v6({0x2001, 0xdb8, 0, 1, 1, 1, 1, 1}, 1)), "[2001:db8:0:1:1:1:1:1]:1");  // no 1-group ::
  EXPECT_EQ(text(v6({1, 0, 0, 0, 0, 0, 0, 0}, 2)), "[1::]:2");
  EXPECT_EQ(text(v6({0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff}, 65535)),
            "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
}

TEST(Address, FormatTruncatesSafely) {
  char small[6];
  const std::size_t n = format_address(Address::ipv4(192, 0, 2, 1, 443), small);
  EXPECT_EQ(n, 5u);
  EXPECT_STREQ(small, "192.0");
  EXPECT_EQ(format_address(Address{}, std::span<char>()), 0u);
}

TEST(Address, EqualityCoversFamilyBytesAndPort) {
  const Address a = Address::ipv4(10, 0, 0, 1, 1000);
  EXPECT_EQ(a, Address::ipv4(10, 0, 0, 1, 1000));
  EXPECT_NE(a, a.with_port(1001));
  EXPECT_NE(a, Address::ipv4(10, 0, 0, 2, 1000));
  EXPECT_TRUE(Address{}.is_unspecified());
  EXPECT_FALSE(a.is_unspecified());
}

}  // namespace
}  // namespace tquic::sim
