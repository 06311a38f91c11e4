#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "endpoint/token.h"

namespace tquic::endpoint {
namespace {

std::vector<std::uint8_t> key(std::uint8_t v) { return std::vector<std::uint8_t>(kTokenKeyMaterialLength, v); }

wire::ConnectionId cid(std::uint8_t fill, std::size_t n) {
  std::vector<std::uint8_t> b(n, fill);
  wire::ConnectionId c;
  wire::ConnectionId::from_bytes(b, c);
  return c;
}

const NetAddress kClient = NetAddress::ipv4({192, 0, 2, 7}, 4433);
constexpr std::uint64_t kNow = 1'700'000'000;

struct Minted {
  std::array<std::uint8_t, kMaxTokenLength> buf{};
  std::size_t size = 0;
  ByteSpan span() const { return ByteSpan(buf.data(), size); }
};

Minted mint(TokenCodec& c, const TokenFields& f) {
  Minted m;
  auto n = c.seal(f, m.buf);
  EXPECT_TRUE(n) << n.error().reason;
  if (n) m.size = *n;
  return m;
}

TEST(Token, RetryTokenRoundTrip) {
  TokenCodec c;
  ASSERT_TRUE(c.configure(key(1), 77));
  const TokenFields f{TokenKind::retry, kClient, kNow, cid(0xaa, 16), cid(0xbb, 8)};
  const Minted m = mint(c, f);
  TokenKind kind{};
  ASSERT_TRUE(token_kind(m.span(), kind));
  EXPECT_EQ(kind, TokenKind::retry);
  TokenFields out;
  ASSERT_EQ(c.validate(m.span(), NetAddress::ipv4({192, 0, 2, 7}, 9999), kNow + 3, {}, out), TokenCheck::valid)
      << "a port change is fine (NAT rebinding)";
  EXPECT_EQ(out.kind, TokenKind::retry);
  EXPECT_EQ(out.issued_unix_seconds, kNow);
  EXPECT_EQ(out.original_dcid, f.original_dcid);
  EXPECT_EQ(out.retry_scid, f.retry_scid);
  EXPECT_TRUE(out.client.same_ip(kClient));
}

TEST(Token, NewTokenForIpv6RoundTrip) {
  TokenCodec c;
  ASSERT_TRUE(c.configure(key(2), 0));
  std::array<std::uint8_t, 16> ip{};
  ip[0] = 0x20, ip[1] = 0x01, ip[15] = 0x42;
  const NetAddress client = NetAddress::ipv6(ip, 443);
  const Minted m = mint(c, TokenFields{TokenKind::new_token, client, kNow, {}, {}});
  TokenFields out;
  ASSERT_EQ(c.validate(m.span(), client, kNow + 23 * 3600, {}, out), TokenCheck::valid);
  EXPECT_EQ(out.kind, TokenKind::new_token);
  EXPECT_TRUE(out.original_dcid.empty());
  EXPECT_EQ(c.validate(m.span(), client, kNow + 25 * 3600, {}, out), TokenCheck::expired);
}

TEST(Token, EveryAlteredByteIsRejected) {
  TokenCodec c;
  ASSERT_TRUE(c.configure(key(3), 5));
  const Minted m = mint(c, TokenFields{TokenKind::retry, kClient, kNow, cid(1, 8), cid(2, 8)});
  for (std::size_t i = 0; i < m.size; ++i) {
    for (std::uint8_t flip : {0x01, 0x80}) {
      Minted t = m;
      t.buf[i] ^= flip;
      TokenFields out;
      const TokenCheck r = c.validate(t.span(), kClient, kNow, {}, out);
      EXPECT_TRUE(r == TokenCheck::forged || r == TokenCheck::malformed) << "byte " << i;
    }
  }
  TokenFields out;
  EXPECT_EQ(c.validate(m.span().first(m.size - 1), kClient, kNow, {}, out), TokenCheck::forged);
  EXPECT_EQ(c.validate(m.span().first(10), kClient, kNow, {}, out), TokenCheck::malformed);
  EXPECT_EQ(c.validate({}, kClient, kNow, {}, out), TokenCheck::malformed);
}

TEST(Token, OtherKeyCannotOpen) {
  TokenCodec a, b;
  ASSERT_TRUE(a.configure(key(4), 0));
  ASSERT_TRUE(b.configure(key(5), 0));
  const Minted m = mint(a, TokenFields{TokenKind::new_token, kClient, kNow, {}, {}});
  TokenFields out;
  EXPECT_EQ(b.validate(m.span(), kClient, kNow, {}, out), TokenCheck::forged);
  EXPECT_EQ(a.validate(m.span(), kClient, kNow, {}, out), TokenCheck::valid);
}

TEST(Token, AddressAndTimeChecks) {
  TokenCodec c;
  ASSERT_TRUE(c.configure(key(6), 0));
  const Minted m = mint(c, TokenFields{TokenKind::retry, kClient, kNow, cid(1, 8), cid(2, 8)});
  TokenFields out;
  EXPECT_EQ(c.validate(m.span(), NetAddress::ipv4({192, 0, 2, 8}, 4433), kNow, {}, out), TokenCheck::wrong_address);
  std::array<std::uint8_t, 16> v6{};
  EXPECT_EQ(c.validate(m.span(), NetAddress::ipv6(v6, 4433), kNow, {}, out), TokenCheck::wrong_address);
  EXPECT_EQ(c.validate(m.span(), kClient, kNow + 10, {}, out), TokenCheck::valid);   // boundary: 10 s
  EXPECT_EQ(c.validate(m.span(), kClient, kNow + 11, {}, out), TokenCheck::expired);
  EXPECT_EQ(c.validate(m.span(), kClient, kNow - 2, {}, out), TokenCheck::valid);    // small skew
  EXPECT_EQ(c.validate(m.span(), kClient, kNow - 3, {}, out), TokenCheck::expired);  // from the future
  TokenLifetimes longer;
  longer.retry_seconds = 60;
  EXPECT_EQ(c.validate(m.span(), kClient, kNow + 59, longer, out), TokenCheck::valid);
}

TEST(Token, TokensDifferAndHideTheirSequence) {
  TokenCodec c;
  ASSERT_TRUE(c.configure(key(7), 1000));
  const TokenFields f{TokenKind::new_token, kClient, kNow, {}, {}};
  const Minted a = mint(c, f), b = mint(c, f);
  ASSERT_EQ(a.size, b.size);
  EXPECT_NE(std::vector<std::uint8_t>(a.span().begin(), a.span().end()),
            std::vector<std::uint8_t>(b.span().begin(), b.span().end()));
  int same = 0;  // consecutive sequence blocks share no visible structure
  for (std::size_t i = 1; i < 17; ++i) same += a.buf[i] == b.buf[i];
  EXPECT_LT(same, 6);
  TokenFields out;
  EXPECT_EQ(c.validate(a.span(), kClient, kNow, {}, out), TokenCheck::valid);
  EXPECT_EQ(c.validate(b.span(), kClient, kNow, {}, out), TokenCheck::valid);
}

TEST(Token, MisuseIsReported) {
  TokenCodec c;
  EXPECT_FALSE(c.configure(std::vector<std::uint8_t>(16, 1), 0));
  std::array<std::uint8_t, kMaxTokenLength> buf{};
  EXPECT_FALSE(c.seal(TokenFields{}, buf));  // not configured
  ASSERT_TRUE(c.configure(key(8), 0));
  EXPECT_FALSE(c.seal(TokenFields{}, buf));  // no client address
  std::array<std::uint8_t, 8> small{};
  EXPECT_FALSE(c.seal(TokenFields{TokenKind::retry, kClient, kNow, {}, {}}, small));
  TokenKind kind{};
  const std::uint8_t foreign[4] = {0x12, 1, 2, 3};
  EXPECT_FALSE(token_kind(ByteSpan(foreign, 4), kind));
  const std::uint8_t bad_kind[4] = {0xb7, 1, 2, 3};
  EXPECT_FALSE(token_kind(ByteSpan(bad_kind, 4), kind));
}

}  // namespace
}  // namespace tquic::endpoint
