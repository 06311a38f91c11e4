#include "endpoint/quic_lb.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tquic::endpoint {
namespace {

std::vector<std::uint8_t> hex(const std::string& s) {
  std::vector<std::uint8_t> v;
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) v.push_back(static_cast<std::uint8_t>(std::stoi(s.substr(i, 2), nullptr, 16)));
  return v;
}

std::string to_hex(const wire::ConnectionId& c) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < c.size(); ++i) s += {d[c[i] >> 4], d[c[i] & 15]};
  return s;
}

Block test_key() {
  Block k{};
  auto v = hex("8f95f09245765f80256934e50c66207f");
  std::copy(v.begin(), v.end(), k.begin());
  return k;
}

struct Vector {
  std::uint8_t cr;
  std::string sid, nonce, cid;
  bool encrypted;
};

class QuicLbVectors : public ::testing::TestWithParam<Vector> {};

// draft-ietf-quic-load-balancers, "Load Balancer Test Vectors".
TEST_P(QuicLbVectors, EncodeAndDecodeMatchTheDraft) {
  const Vector& v = GetParam();
  auto sid = hex(v.sid), nonce = hex(v.nonce);
  QuicLbConfig cfg;
  cfg.config_id = v.cr;
  cfg.server_id_length = sid.size();
  cfg.nonce_length = nonce.size();
  if (v.encrypted) cfg.key = test_key();
  QuicLbCodec codec;
  std::string err;
  ASSERT_TRUE(codec.configure(cfg, err)) << err;
  wire::ConnectionId cid;
  ASSERT_TRUE(codec.encode(sid, nonce, 0, cid));
  EXPECT_EQ(to_hex(cid), v.cid);
  std::vector<std::uint8_t> sid_out(sid.size()), nonce_out(nonce.size());
  ASSERT_TRUE(codec.decode(cid, sid_out, nonce_out));
  EXPECT_EQ(sid_out, sid);
  EXPECT_EQ(nonce_out, nonce);
}

INSTANTIATE_TEST_SUITE_P(
    Draft, QuicLbVectors,
    ::testing::Values(Vector{0, "c4605e", "4504cc4f", "07c4605e4504cc4f", false},
                      Vector{0, "ed793a", "ee080dbf", "0720b1d07b359d3c", true},
                      Vector{1, "ed793a51d49b8f5fab65", "ee080dbf48", "2fcc381bc74cb4fbad2823a3d1f8fed2", true},
                      Vector{2, "ed793a51d49b8f5f", "ee080dbf48c0d1e5", "504dd2d05a7b0de9b2b9907afb5ecf8cc3", true}));

// The draft's fourth vector lists cr_bits 3 but a first octet of 0x12; the
// ciphertext after the first octet is what the algorithm defines.
TEST(QuicLb, FourPassWithLongServerIdMatchesDraftCiphertext) {
  auto sid = hex("ed793a51d49b8f5fab"), nonce = hex("ee080dbf48c0d1e55d");
  QuicLbConfig cfg{0, sid.size(), nonce.size(), test_key(), true};
  QuicLbCodec codec;
  std::string err;
  ASSERT_TRUE(codec.configure(cfg, err));
  wire::ConnectionId cid;
  ASSERT_TRUE(codec.encode(sid, nonce, 0, cid));
  EXPECT_EQ(to_hex(cid).substr(2), "5779c9cc86beb3a3a4a3ca96fce4bfe0cdbc");
}

TEST(QuicLb, RejectsBadConfigurationsWithAMessage) {
  QuicLbCodec codec;
  std::string err;
  EXPECT_FALSE(codec.configure(QuicLbConfig{7, 1, 6, std::nullopt, true}, err));
  EXPECT_FALSE(codec.configure(QuicLbConfig{0, 0, 6, std::nullopt, true}, err));
  EXPECT_FALSE(codec.configure(QuicLbConfig{0, 1, 3, std::nullopt, true}, err));
  EXPECT_FALSE(codec.configure(QuicLbConfig{0, 10, 10, std::nullopt, true}, err));
  EXPECT_NE(err.find("19"), std::string::npos);
}

TEST(QuicLb, DecodeRefusesOtherConfigsAndShortCids) {
  QuicLbCodec codec;
  std::string err;
  ASSERT_TRUE(codec.configure(QuicLbConfig{3, 2, 5, test_key(), true}, err));
  std::vector<std::uint8_t> sid{0xab, 0xcd}, nonce{1, 2, 3, 4, 5}, out(2);
  wire::ConnectionId cid;
  ASSERT_TRUE(codec.encode(sid, nonce, 0, cid));
  EXPECT_EQ(cid[0] >> 5, 3);
  ASSERT_TRUE(codec.decode(cid, out));
  EXPECT_EQ(out, sid);
  wire::ConnectionId other;
  std::vector<std::uint8_t> raw(cid.data(), cid.data() + cid.size());
  raw[0] = static_cast<std::uint8_t>((raw[0] & 0x1f) | (2 << 5));
  ASSERT_TRUE(wire::ConnectionId::from_bytes(raw, other));
  EXPECT_FALSE(codec.decode(other, out));
  ASSERT_TRUE(wire::ConnectionId::from_bytes(ByteSpan(raw.data(), 4), other));
  EXPECT_FALSE(codec.decode(other, out));
}

}  // namespace
}  // namespace tquic::endpoint
