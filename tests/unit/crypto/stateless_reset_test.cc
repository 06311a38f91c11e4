#include "crypto/stateless_reset.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/crypto/crypto_test_util.h"

namespace tquic::crypto {
namespace {

using test::hex;
using test::to_hex;

wire::ConnectionId cid(const std::vector<std::uint8_t>& bytes) {
  wire::ConnectionId c;
  EXPECT_TRUE(wire::ConnectionId::from_bytes(bytes, c));
  return c;
}

// RFC 4231 test case 1: HMAC-SHA256(0x0b * 20, "Hi There"); the token is the
// first 16 bytes.
TEST(StatelessReset, TokenIsTruncatedHmacSha256OfTheCid) {
  const std::vector<std::uint8_t> key(20, 0x0b);
  auto gen = StatelessResetTokenGenerator::create(key);
  ASSERT_TRUE(gen.ok());
  const std::string hi = "Hi There";
  auto token = gen->token_for(cid(std::vector<std::uint8_t>(hi.begin(), hi.end())));
  ASSERT_TRUE(token.ok());
  EXPECT_EQ(to_hex(*token), "b0344c61d8db38535ca8afceaf0bf12b");
}

// Same key and CID -> same token: across calls (no counter), across
// instances (no pointer or per-object state). Different key or CID -> different.
TEST(StatelessReset, DependsOnlyOnKeyAndCid) {
  const std::vector<std::uint8_t> key(32, 0x42);
  auto a = StatelessResetTokenGenerator::create(key);
  auto b = StatelessResetTokenGenerator::create(key);
  ASSERT_TRUE(a.ok() && b.ok());
  const auto c1 = cid(hex("0102030405060708"));
  const auto c2 = cid(hex("0102030405060709"));
  const auto t1 = *a->token_for(c1);
  EXPECT_EQ(*a->token_for(c1), t1);
  EXPECT_EQ(*a->token_for(c1), t1);
  EXPECT_EQ(*b->token_for(c1), t1);
  EXPECT_NE(*a->token_for(c2), t1);
  std::vector<std::uint8_t> other_key = key;
  other_key[31] ^= 1;
  auto c = StatelessResetTokenGenerator::create(other_key);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(*c->token_for(c1), t1);
  // Zero-length CIDs still get a (key-dependent) token.
  EXPECT_EQ(*a->token_for(wire::ConnectionId()), *b->token_for(wire::ConnectionId()));
}

TEST(StatelessReset, ShortStaticKeyIsRefused) {
  const std::vector<std::uint8_t> short_key(kMinStaticKeyLength - 1, 1);
  EXPECT_FALSE(StatelessResetTokenGenerator::create(short_key).ok());
  EXPECT_FALSE(KeyedHasher::create(short_key).ok());
}

TEST(KeyedHasher, DigestLengthsAndMoves) {
  const std::vector<std::uint8_t> key(20, 0x0b);
  auto h = KeyedHasher::create(key);
  ASSERT_TRUE(h.ok());
  const std::string hi = "Hi There";
  const std::vector<std::uint8_t> input(hi.begin(), hi.end());
  std::vector<std::uint8_t> full(32);
  ASSERT_TRUE(h->digest(input, full).ok());
  EXPECT_EQ(to_hex(full), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  std::vector<std::uint8_t> too_long(33);
  EXPECT_FALSE(h->digest(input, too_long).ok());
  KeyedHasher moved = std::move(*h);
  std::vector<std::uint8_t> again(8);
  ASSERT_TRUE(moved.digest(input, again).ok());
  EXPECT_EQ(to_hex(again), "b0344c61d8db3853");
  EXPECT_FALSE(h->digest(input, again).ok());  // moved-from: no key
}

}  // namespace
}  // namespace tquic::crypto
