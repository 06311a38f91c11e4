#include "crypto/hkdf.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/packet_keys.h"
#include "unit/crypto/crypto_test_util.h"
#include "unit/crypto/rfc_vectors.h"

namespace tquic::crypto {
namespace {

using test::hex;
using test::to_hex;

std::string label_hex(std::uint16_t length, std::string_view label) {
  std::vector<std::uint8_t> buf(600);
  auto n = encode_hkdf_label(length, label, ByteSpan(), buf);
  EXPECT_TRUE(n.ok());
  return n ? to_hex(ByteSpan(buf.data(), *n)) : std::string();
}

// RFC 9001 A.1 and RFC 9369 A.1 list the HkdfLabel bytes of each label.
TEST(Hkdf, LabelEncodingMatchesRfcAppendices) {
  EXPECT_EQ(label_hex(32, "client in"), rfc::kLabelClientIn);
  EXPECT_EQ(label_hex(32, "server in"), rfc::kLabelServerIn);
  EXPECT_EQ(label_hex(16, "quic key"), rfc::kV1LabelQuicKey);
  EXPECT_EQ(label_hex(12, "quic iv"), rfc::kV1LabelQuicIv);
  EXPECT_EQ(label_hex(16, "quic hp"), rfc::kV1LabelQuicHp);
  EXPECT_EQ(label_hex(16, "quicv2 key"), rfc::kV2LabelQuicKey);
  EXPECT_EQ(label_hex(12, "quicv2 iv"), rfc::kV2LabelQuicIv);
  EXPECT_EQ(label_hex(16, "quicv2 hp"), rfc::kV2LabelQuicHp);
}

TEST(Hkdf, LabelEncodingBoundaries) {
  std::vector<std::uint8_t> buf(600);
  const std::string longest(kMaxHkdfLabelLength, 'x');
  auto ok = encode_hkdf_label(1, longest, ByteSpan(), buf);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(buf[2], 255);  // "tls13 " + 249 bytes
  EXPECT_FALSE(encode_hkdf_label(1, longest + "x", ByteSpan(), buf).ok());
  const std::vector<std::uint8_t> context(256, 1);
  EXPECT_FALSE(encode_hkdf_label(1, "quic key", context, buf).ok());
  std::vector<std::uint8_t> tiny(10);
  EXPECT_FALSE(encode_hkdf_label(16, "quic key", ByteSpan(), tiny).ok());
}

// RFC 5869 Appendix A.1 (SHA-256).
TEST(Hkdf, Rfc5869TestCase1Sha256) {
  const auto ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  const auto salt = hex("000102030405060708090a0b0c");
  const auto info = hex("f0f1f2f3f4f5f6f7f8f9");
  std::vector<std::uint8_t> prk(32);
  ASSERT_TRUE(hkdf_extract(HashAlgorithm::sha256, salt, ikm, prk).ok());
  EXPECT_EQ(to_hex(prk), "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  std::vector<std::uint8_t> okm(42);
  ASSERT_TRUE(hkdf_expand(HashAlgorithm::sha256, prk, info, okm).ok());
  EXPECT_EQ(to_hex(okm),
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

// Same inputs with SHA-384; expected values computed independently with
// Python's hmac/hashlib. 100 bytes of output cross three HMAC blocks.
TEST(Hkdf, Sha384ExtractAndMultiBlockExpand) {
  const auto ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  const auto salt = hex("000102030405060708090a0b0c");
  const auto info = hex("f0f1f2f3f4f5f6f7f8f9");
  std::vector<std::uint8_t> prk(48);
  ASSERT_TRUE(hkdf_extract(HashAlgorithm::sha384, salt, ikm, prk).ok());
  EXPECT_EQ(to_hex(prk),
            "704b39990779ce1dc548052c7dc39f303570dd13fb39f7acc564680bef80e8dec70ee9a7e1f3e293ef"
            "68eceb072a5ade");
  std::vector<std::uint8_t> okm(100);
  ASSERT_TRUE(hkdf_expand(HashAlgorithm::sha384, prk, info, okm).ok());
  EXPECT_EQ(to_hex(okm),
            "9b5097a86038b805309076a44b3a9f38063e25b516dcbf369f394cfab43685f748b6457763e4f0204f"
            "c5d95d1da3e62587b22eb8943d0fab6bb631a2fe9df1a68c6ce5d56116a52005b3f122b88b39b7251f"
            "cd6c44d3ef25f20ed96802bf1b2c1d98bf74");
}

// TLS_AES_256_GCM_SHA384 packet keys (no RFC sample exists; Python reference).
TEST(Hkdf, Aes256Sha384PacketKeyMaterial) {
  std::vector<std::uint8_t> secret(48);
  for (std::size_t i = 0; i < secret.size(); ++i) secret[i] = static_cast<std::uint8_t>(i);
  auto m = derive_packet_key_material(CipherSuite::aes_256_gcm_sha384, QuicVersion::v1, secret);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(to_hex(m->key.span()),
            "95c517eea81b6469ff8f27a065fd04c1a27b3023591b93e273a9df5f921d1f68");
  EXPECT_EQ(to_hex(m->iv.span()), "a8d8316bf5bb0bbfa74cbf17");
  EXPECT_EQ(to_hex(m->hp_key.span()),
            "307135de335efef95873468a03d3dfa1e38050df7cc6ab7f22fd7aced73b66e5");
}

TEST(Hkdf, RejectsBadSizes) {
  std::vector<std::uint8_t> prk(32);
  std::vector<std::uint8_t> wrong(31);
  EXPECT_FALSE(hkdf_extract(HashAlgorithm::sha256, ByteSpan(), prk, wrong).ok());
  std::vector<std::uint8_t> too_long(255 * 32 + 1);
  EXPECT_FALSE(hkdf_expand(HashAlgorithm::sha256, prk, ByteSpan(), too_long).ok());
  std::vector<std::uint8_t> max_len(255 * 32);
  EXPECT_TRUE(hkdf_expand(HashAlgorithm::sha256, prk, ByteSpan(), max_len).ok());
  std::vector<std::uint8_t> short_prk(16);
  std::vector<std::uint8_t> out(16);
  EXPECT_FALSE(hkdf_expand(HashAlgorithm::sha256, short_prk, ByteSpan(), out).ok());
  // A traffic secret must match the suite's hash length.
  EXPECT_FALSE(
      derive_packet_key_material(CipherSuite::aes_256_gcm_sha384, QuicVersion::v1, prk).ok());
}

}  // namespace
}  // namespace tquic::crypto
