#include <gtest/gtest.h>

#include "apps/url.h"

namespace tquic::apps {
namespace {

TEST(Url, ParsesHostPortAndPath) {
  Url u;
  std::string err;
  ASSERT_TRUE(parse_url("https://example.org:4433/dir/file.bin?x=1", u, err)) << err;
  EXPECT_EQ(u.host, "example.org");
  EXPECT_EQ(u.port, 4433);
  EXPECT_EQ(u.path, "/dir/file.bin?x=1");
  EXPECT_EQ(u.authority(), "example.org:4433");
  ASSERT_TRUE(parse_url("https://127.0.0.1", u, err));
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.path, "/");
  ASSERT_TRUE(parse_url("https://[::1]:8443/x", u, err)) << err;
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.authority(), "[::1]:8443");
  EXPECT_TRUE(is_ip_literal("::1"));
  EXPECT_TRUE(is_ip_literal("10.0.0.1"));
  EXPECT_FALSE(is_ip_literal("localhost"));
}

TEST(Url, RejectsWithOneLineReasons) {
  const std::pair<const char*, const char*> bad[] = {
      {"http://h/", "only https:// URLs"},
      {"https://:443/", "the host is empty"},
      {"https://h:0/", "the port must be a number from 1 to 65535"},
      {"https://h:99999/", "the port must be"},
      {"https://h:x/", "the port must be"},
      {"https://::1/", "IPv6 addresses need brackets"},
      {"https://[::1/", "unterminated '['"},
      {"https://[nothost]:1/", "is not an IPv6 address"},
      {"https://h!/", "the host contains '!'"},
      {"https://h/a b", "white space"},
  };
  for (auto [text, why] : bad) {
    Url u;
    std::string err;
    EXPECT_FALSE(parse_url(text, u, err)) << text;
    EXPECT_NE(err.find(why), std::string::npos) << text << " -> " << err;
    EXPECT_NE(err.find("use https://HOST[:PORT]/PATH"), std::string::npos) << err;
  }
}

TEST(Url, ResolvesLiteralsAndLocalhost) {
  Url u;
  std::string err;
  NetAddress a;
  ASSERT_TRUE(parse_url("https://127.0.0.1:4433/", u, err));
  ASSERT_TRUE(resolve_host(u, a, err)) << err;
  EXPECT_EQ(a.port, 4433);
  EXPECT_EQ(a.family, AddressFamily::ipv4);
  ASSERT_TRUE(parse_url("https://localhost:1234/", u, err));  // /etc/hosts: no DNS traffic
  ASSERT_TRUE(resolve_host(u, a, err)) << err;
  EXPECT_EQ(a.port, 1234);
}

}  // namespace
}  // namespace tquic::apps
