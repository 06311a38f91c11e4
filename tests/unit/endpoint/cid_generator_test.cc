#include "endpoint/cid_generator.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace tquic::endpoint {
namespace {

TEST(CidGenerator, UniqueRoutableAndUnpredictable) {
  CidGenerator gen;
  std::string err;
  const std::uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  const std::uint8_t sid[1] = {0x2a};
  ASSERT_TRUE(gen.configure(QuicLbConfig{}, sid, ByteSpan(key, 16), err)) << err;
  EXPECT_EQ(gen.cid_length(), 8u);
  std::set<std::string> seen;
  wire::ConnectionId prev;
  for (int i = 0; i < 10000; ++i) {
    wire::ConnectionId cid;
    ASSERT_TRUE(gen.next(cid));
    ASSERT_EQ(cid.size(), 8u);
    std::uint8_t shard[1] = {0};
    ASSERT_TRUE(gen.server_id_of(cid, shard));
    EXPECT_EQ(shard[0], 0x2a);
    EXPECT_TRUE(seen.insert(std::string(reinterpret_cast<const char*>(cid.data()), cid.size())).second);
    if (i > 0) {
      int same = 0;  // consecutive nonces share no structure
      for (std::size_t b = 2; b < 8; ++b) same += cid[b] == prev[b];
      EXPECT_LT(same, 4);
    }
    prev = cid;
  }
}

TEST(CidGenerator, DifferentKeysGiveDifferentSequences) {
  CidGenerator a, b;
  std::string err;
  const std::uint8_t k1[16] = {1}, k2[16] = {2}, sid[1] = {7};
  ASSERT_TRUE(a.configure(QuicLbConfig{}, sid, ByteSpan(k1, 16), err));
  ASSERT_TRUE(b.configure(QuicLbConfig{}, sid, ByteSpan(k2, 16), err));
  wire::ConnectionId x, y;
  ASSERT_TRUE(a.next(x));
  ASSERT_TRUE(b.next(y));
  EXPECT_FALSE(x == y);
  EXPECT_FALSE(a.configure(QuicLbConfig{}, sid, ByteSpan(k1, 8), err));
  EXPECT_NE(err.find("16"), std::string::npos);
}

}  // namespace
}  // namespace tquic::endpoint
