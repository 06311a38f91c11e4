#include "crypto/header_protection.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "crypto/initial_secrets.h"
#include "unit/crypto/crypto_test_util.h"
#include "unit/crypto/rfc_vectors.h"

namespace tquic::crypto {
namespace {

using test::hex;
using test::to_hex;

// Masks from the appendices, through both backends.
TEST(HeaderProtection, RfcMasksWithBothBackends) {
  struct Case {
    CipherSuite suite;
    const char* hp;
    const char* sample;
    const char* mask;
  };
  const Case cases[] = {
      {CipherSuite::aes_128_gcm_sha256, rfc::kV1Initial.client.hp, rfc::kV1ClientSample,
       rfc::kV1ClientMask},
      {CipherSuite::aes_128_gcm_sha256, rfc::kV1Initial.server.hp, rfc::kV1ServerSample,
       rfc::kV1ServerMask},
      {CipherSuite::aes_128_gcm_sha256, rfc::kV2Initial.client.hp, rfc::kV2ClientSample,
       rfc::kV2ClientMask},
      {CipherSuite::aes_128_gcm_sha256, rfc::kV2Initial.server.hp, rfc::kV2ServerSample,
       rfc::kV2ServerMask},
      {CipherSuite::chacha20_poly1305_sha256, rfc::kV1Chacha.hp, rfc::kV1Chacha.sample,
       rfc::kV1Chacha.mask},
      {CipherSuite::chacha20_poly1305_sha256, rfc::kV2Chacha.hp, rfc::kV2Chacha.sample,
       rfc::kV2Chacha.mask},
  };
  for (CryptoBackend backend : test::kRealBackends) {
    for (const Case& c : cases) {
      auto hp = test::must_make_hp(backend, c.suite, hex(c.hp));
      ASSERT_NE(hp, nullptr);
      EXPECT_EQ(hp->backend(), backend);
      HeaderProtectionMask mask{};
      ASSERT_TRUE(hp->make_mask(hex(c.sample), mask).ok());
      EXPECT_EQ(to_hex(mask), c.mask) << crypto_backend_name(backend) << " " << c.sample;
      // The context is reused: a second mask from the same sample is the same.
      HeaderProtectionMask again{};
      ASSERT_TRUE(hp->make_mask(hex(c.sample), again).ok());
      EXPECT_EQ(mask, again);
    }
  }
}

// AES-256 (TLS_AES_256_GCM_SHA384): no RFC sample, so both backends must agree
// with each other and with a different sample giving a different mask.
TEST(HeaderProtection, BackendsAgreeForEverySuite) {
  for (CipherSuite suite : kAllCipherSuites) {
    const std::vector<std::uint8_t> key(cipher_suite_traits(suite).hp_key_length, 0x5a);
    auto a = test::must_make_hp(CryptoBackend::openssl, suite, key);
    auto b = test::must_make_hp(CryptoBackend::gnutls, suite, key);
    ASSERT_TRUE(a && b);
    for (int i = 0; i < 64; ++i) {
      std::vector<std::uint8_t> sample(16);
      for (std::size_t j = 0; j < 16; ++j) sample[j] = static_cast<std::uint8_t>(i * 31 + j * 7);
      HeaderProtectionMask ma{};
      HeaderProtectionMask mb{};
      ASSERT_TRUE(a->make_mask(sample, ma).ok());
      ASSERT_TRUE(b->make_mask(sample, mb).ok());
      EXPECT_EQ(ma, mb) << cipher_suite_traits(suite).name << " " << i;
    }
  }
}

TEST(HeaderProtection, BadKeyOrSampleSizeIsRefused) {
  for (CryptoBackend backend : test::kRealBackends) {
    const std::vector<std::uint8_t> k16(16, 1);
    const std::vector<std::uint8_t> k32(32, 1);
    EXPECT_FALSE(make_header_protector_with(backend, CipherSuite::aes_128_gcm_sha256, k32).ok());
    EXPECT_FALSE(
        make_header_protector_with(backend, CipherSuite::chacha20_poly1305_sha256, k16).ok());
    auto hp = test::must_make_hp(backend, CipherSuite::aes_128_gcm_sha256, k16);
    ASSERT_NE(hp, nullptr);
    HeaderProtectionMask mask{};
    const std::vector<std::uint8_t> short_sample(15);
    EXPECT_FALSE(hp->make_mask(short_sample, mask).ok());
  }
}

class ApplyRemoveTest : public testing::Test {
 protected:
  void SetUp() override {
    hp_ = test::must_make_hp(CryptoBackend::openssl, CipherSuite::aes_128_gcm_sha256,
                             hex(rfc::kV1Initial.client.hp));
    ASSERT_NE(hp_, nullptr);
  }
  std::unique_ptr<HeaderProtector> hp_;
};

// Long headers protect 4 bits of the first byte, short headers 5 (§5.4.1);
// the sample is the ciphertext 4 bytes after the packet number start.
TEST_F(ApplyRemoveTest, FirstByteBitsAndPacketNumberBytes) {
  for (std::uint8_t first : {std::uint8_t{0xc1}, std::uint8_t{0x41}}) {  // long / short, pn_len 2
    std::vector<std::uint8_t> p(40);
    for (std::size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>(i * 11 + 3);
    p[0] = first;
    const auto original = p;
    ASSERT_TRUE(apply_header_protection(p, 6, 2, *hp_).ok());
    HeaderProtectionMask mask{};
    ASSERT_TRUE(hp_->make_mask(ByteSpan(original).subspan(10, 16), mask).ok());
    const std::uint8_t bits = (first & 0x80) ? 0x0f : 0x1f;
    EXPECT_EQ(p[0], static_cast<std::uint8_t>(first ^ (mask[0] & bits)));
    EXPECT_EQ(p[6], static_cast<std::uint8_t>(original[6] ^ mask[1]));
    EXPECT_EQ(p[7], static_cast<std::uint8_t>(original[7] ^ mask[2]));
    for (std::size_t i = 1; i < p.size(); ++i) {
      if (i != 6 && i != 7) {
        EXPECT_EQ(p[i], original[i]) << i;  // nothing else moves
      }
    }
    auto r = remove_header_protection(p, 6, *hp_);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r->outcome, UnprotectOutcome::ok);
    EXPECT_EQ(r->first_byte, first);
    EXPECT_EQ(r->pn_length, 2u);
    EXPECT_EQ(r->header_length, 8u);
    EXPECT_EQ(r->truncated_pn, static_cast<std::uint32_t>(original[6] << 8 | original[7]));
    EXPECT_EQ(p, original);
  }
}

TEST_F(ApplyRemoveTest, SampleMustFit) {
  std::vector<std::uint8_t> p(6 + 4 + 16, 0x40);
  EXPECT_TRUE(apply_header_protection(p, 6, 1, *hp_).ok());
  std::vector<std::uint8_t> shorter(6 + 4 + 15, 0x40);
  EXPECT_FALSE(apply_header_protection(shorter, 6, 1, *hp_).ok());
  EXPECT_FALSE(apply_header_protection(p, 6, 0, *hp_).ok());
  EXPECT_FALSE(apply_header_protection(p, 6, 5, *hp_).ok());
  EXPECT_FALSE(apply_header_protection(p, 0, 1, *hp_).ok());
  auto r = remove_header_protection(shorter, 6, *hp_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->outcome, UnprotectOutcome::too_short);
  auto r0 = remove_header_protection(p, 0, *hp_);
  ASSERT_TRUE(r0.ok());
  EXPECT_EQ(r0->outcome, UnprotectOutcome::too_short);
  std::vector<std::uint8_t> empty;
  auto re = remove_header_protection(empty, 1, *hp_);
  ASSERT_TRUE(re.ok());
  EXPECT_EQ(re->outcome, UnprotectOutcome::too_short);
}

}  // namespace
}  // namespace tquic::crypto
