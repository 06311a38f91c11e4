#include "crypto/aead.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "crypto/aead_null.h"
#include "crypto/backend_selection.h"
#include "crypto/cipher_suite.h"
#include "crypto/packet_protection.h"
#include "unit/crypto/crypto_test_util.h"

namespace tquic::crypto {
namespace {

using test::to_hex;

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(seed + i * 131 + (i >> 3));
  return v;
}

struct SuiteKeys {
  std::vector<std::uint8_t> key;
  std::vector<std::uint8_t> iv;
};

SuiteKeys keys_for(CipherSuite suite) {
  return {pattern(cipher_suite_traits(suite).key_length, 0x11), pattern(kAeadIvLength, 0x77)};
}

struct AeadCase {
  CipherSuite suite;
  CryptoBackend backend;
};

class AeadTest : public testing::TestWithParam<AeadCase> {
 protected:
  void SetUp() override {
    const SuiteKeys k = keys_for(GetParam().suite);
    aead_ = test::must_make_aead(GetParam().backend, GetParam().suite, k.key, k.iv);
    ASSERT_NE(aead_, nullptr);
  }
  std::unique_ptr<Aead> aead_;
};

TEST_P(AeadTest, SealThenOpenRoundTripsInPlaceForManySizes) {
  EXPECT_EQ(aead_->suite(), GetParam().suite);
  EXPECT_EQ(aead_->backend(), GetParam().backend);
  const auto ad = pattern(23, 3);
  for (std::size_t len : {0, 1, 15, 16, 17, 63, 64, 1162, 1350, 1452, 9000}) {
    const auto plaintext = pattern(len, static_cast<std::uint8_t>(len));
    std::vector<std::uint8_t> buf = plaintext;
    buf.resize(len + kAeadTagLength);
    ASSERT_TRUE(aead_->seal(1000 + len, ad, buf).ok());
    if (len >= 16) {
      EXPECT_NE(to_hex(ByteSpan(buf).first(len)), to_hex(plaintext)) << len;
    }
    auto opened = aead_->open(1000 + len, ad, buf);
    ASSERT_TRUE(opened.ok());
    ASSERT_EQ(*opened, OpenOutcome::ok) << len;
    EXPECT_EQ(to_hex(ByteSpan(buf).first(len)), to_hex(plaintext)) << len;
  }
}

TEST_P(AeadTest, TamperedCiphertextTagAdOrPacketNumberIsRejected) {
  const auto ad = pattern(20, 9);
  const auto plaintext = pattern(200, 5);
  std::vector<std::uint8_t> sealed = plaintext;
  sealed.resize(plaintext.size() + kAeadTagLength);
  ASSERT_TRUE(aead_->seal(42, ad, sealed).ok());

  auto expect_rejected = [&](std::vector<std::uint8_t> buf, std::vector<std::uint8_t> a,
                             std::uint64_t pn, const char* what) {
    auto r = aead_->open(pn, a, buf);
    ASSERT_TRUE(r.ok()) << what;  // a forgery is an outcome, not an error
    EXPECT_EQ(*r, OpenOutcome::authentication_failed) << what;
  };
  for (std::size_t pos : {std::size_t{0}, std::size_t{99}, plaintext.size() - 1}) {
    auto b = sealed;
    b[pos] ^= 0x04;
    expect_rejected(b, ad, 42, "ciphertext");
  }
  for (std::size_t pos = plaintext.size(); pos < sealed.size(); ++pos) {
    auto b = sealed;
    b[pos] ^= 0x80;
    expect_rejected(b, ad, 42, "tag");
  }
  auto bad_ad = ad;
  bad_ad[0] ^= 1;
  expect_rejected(sealed, bad_ad, 42, "associated data");
  expect_rejected(sealed, ad, 43, "packet number");
  auto truncated = sealed;
  truncated.pop_back();
  expect_rejected(truncated, ad, 42, "truncated");
  // The untouched packet still opens after all those failures (no state leak).
  auto b = sealed;
  auto r = aead_->open(42, ad, b);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, OpenOutcome::ok);
}

TEST_P(AeadTest, BufferShorterThanTagIsMisuse) {
  std::vector<std::uint8_t> small(15);
  EXPECT_FALSE(aead_->seal(1, ByteSpan(), small).ok());
  EXPECT_FALSE(aead_->open(1, ByteSpan(), small).ok());
  std::vector<std::uint8_t> tag_only(16);
  ASSERT_TRUE(aead_->seal(1, ByteSpan(), tag_only).ok());  // empty plaintext
  auto r = aead_->open(1, ByteSpan(), tag_only);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, OpenOutcome::ok);
}

// Nothing of the plaintext survives in the buffer after an in-place seal.
TEST_P(AeadTest, InPlaceSealLeavesNoPlaintextBehind) {
  const std::string secret_text = "ATTACK AT DAWN -- the plaintext that must not remain ";
  std::vector<std::uint8_t> buf;
  for (int i = 0; i < 20; ++i) buf.insert(buf.end(), secret_text.begin(), secret_text.end());
  const std::size_t len = buf.size();
  buf.resize(len + kAeadTagLength);
  ASSERT_TRUE(aead_->seal(7, ByteSpan(), buf).ok());
  const std::string needle = "ATTACK";
  auto it = std::search(buf.begin(), buf.end(), needle.begin(), needle.end());
  EXPECT_EQ(it, buf.end());
  // Bytes equal by chance are fine; long runs are not.
  std::size_t same = 0;
  std::size_t longest = 0;
  for (std::size_t i = 0; i < len; ++i) {
    same = buf[i] == static_cast<std::uint8_t>(secret_text[i % secret_text.size()]) ? same + 1 : 0;
    longest = std::max(longest, same);
  }
  EXPECT_LT(longest, 4u);
}

INSTANTIATE_TEST_SUITE_P(
    AllSuitesAndBackends, AeadTest,
    testing::Values(AeadCase{CipherSuite::aes_128_gcm_sha256, CryptoBackend::openssl},
                    AeadCase{CipherSuite::aes_128_gcm_sha256, CryptoBackend::gnutls},
                    AeadCase{CipherSuite::aes_256_gcm_sha384, CryptoBackend::openssl},
                    AeadCase{CipherSuite::aes_256_gcm_sha384, CryptoBackend::gnutls},
                    AeadCase{CipherSuite::chacha20_poly1305_sha256, CryptoBackend::openssl},
                    AeadCase{CipherSuite::chacha20_poly1305_sha256, CryptoBackend::gnutls}),
    [](const testing::TestParamInfo<AeadCase>& p) {
      return std::string(cipher_suite_traits(p.param.suite).name).substr(4) + "_" +
             crypto_backend_name(p.param.backend);
    });

// Both libraries must produce identical bytes for identical inputs, packet
// after packet with the same context, and open each other's output.
TEST(AeadBackends, ProduceIdenticalOutputAndInteroperate) {
  for (CipherSuite suite : kAllCipherSuites) {
    const SuiteKeys k = keys_for(suite);
    auto a = test::must_make_aead(CryptoBackend::openssl, suite, k.key, k.iv);
    auto b = test::must_make_aead(CryptoBackend::gnutls, suite, k.key, k.iv);
    ASSERT_TRUE(a && b);
    for (std::uint64_t pn = 0; pn < 50; ++pn) {
      const std::size_t len = (pn * 97) % 1400;
      const auto ad = pattern(1 + pn % 40, static_cast<std::uint8_t>(pn));
      std::vector<std::uint8_t> x = pattern(len, static_cast<std::uint8_t>(pn * 3));
      x.resize(len + kAeadTagLength);
      std::vector<std::uint8_t> y = x;
      ASSERT_TRUE(a->seal(pn, ad, x).ok());
      ASSERT_TRUE(b->seal(pn, ad, y).ok());
      ASSERT_EQ(to_hex(x), to_hex(y)) << cipher_suite_traits(suite).name << " pn " << pn;
      auto ra = a->open(pn, ad, y);  // OpenSSL opens GnuTLS's packet
      auto rb = b->open(pn, ad, x);  // and the other way round
      ASSERT_TRUE(ra.ok() && rb.ok());
      EXPECT_EQ(*ra, OpenOutcome::ok);
      EXPECT_EQ(*rb, OpenOutcome::ok);
    }
  }
}

TEST(AeadNonce, IsIvXorLeftPaddedPacketNumber) {
  const SuiteKeys k = keys_for(CipherSuite::aes_128_gcm_sha256);
  const std::vector<std::uint8_t> iv(12, 0xff);
  auto a = test::must_make_aead(CryptoBackend::openssl, CipherSuite::aes_128_gcm_sha256, k.key, iv);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(to_hex(a->nonce_for(0)), "ffffffffffffffffffffffff");
  EXPECT_EQ(to_hex(a->nonce_for(0x0102)), "fffffffffffffffffffffefd");
  EXPECT_EQ(to_hex(a->nonce_for(kMaxPacketNumber)), "ffffffffc000000000000000");
}

TEST(AeadKeys, WrongKeyOrIvLengthIsRefused) {
  for (CryptoBackend backend : test::kRealBackends) {
    for (CipherSuite suite : kAllCipherSuites) {
      const std::size_t key_len = cipher_suite_traits(suite).key_length;
      const std::vector<std::uint8_t> short_key(key_len - 1);
      const std::vector<std::uint8_t> key(key_len);
      const std::vector<std::uint8_t> iv(12);
      const std::vector<std::uint8_t> bad_iv(8);
      EXPECT_FALSE(make_aead_with(backend, suite, short_key, iv).ok());
      EXPECT_FALSE(make_aead_with(backend, suite, key, bad_iv).ok());
      EXPECT_TRUE(make_aead_with(backend, suite, key, iv).ok());
    }
  }
}

// RFC 9001 §6.6 limits.
TEST(CipherSuites, UsageLimits) {
  EXPECT_EQ(aead_confidentiality_limit(CipherSuite::aes_128_gcm_sha256), std::uint64_t{1} << 23);
  EXPECT_EQ(aead_confidentiality_limit(CipherSuite::aes_256_gcm_sha384), std::uint64_t{1} << 23);
  EXPECT_GT(aead_confidentiality_limit(CipherSuite::chacha20_poly1305_sha256),
            std::uint64_t{1} << 62);
  EXPECT_EQ(aead_integrity_limit(CipherSuite::aes_128_gcm_sha256), std::uint64_t{1} << 52);
  EXPECT_EQ(aead_integrity_limit(CipherSuite::aes_256_gcm_sha384), std::uint64_t{1} << 52);
  EXPECT_EQ(aead_integrity_limit(CipherSuite::chacha20_poly1305_sha256), std::uint64_t{1} << 36);
}

TEST(CipherSuites, TlsIdMapping) {
  EXPECT_EQ(*cipher_suite_from_tls_id(0x1301), CipherSuite::aes_128_gcm_sha256);
  EXPECT_EQ(*cipher_suite_from_tls_id(0x1302), CipherSuite::aes_256_gcm_sha384);
  EXPECT_EQ(*cipher_suite_from_tls_id(0x1303), CipherSuite::chacha20_poly1305_sha256);
  EXPECT_FALSE(cipher_suite_from_tls_id(0x1304).ok());  // AES-CCM: not offered
  EXPECT_FALSE(cipher_suite_from_tls_id(0x1305).ok());  // CCM_8: forbidden in QUIC (§5.3)
  EXPECT_FALSE(cipher_suite_from_tls_id(0x0000).ok());
}

// No TLS cipher suite id, whatever its value, can yield the null AEAD, and the
// backend factories refuse to build one.
TEST(CipherSuites, NoTlsSuiteIdEverMapsToTheNullAead) {
  const std::vector<std::uint8_t> key(32, 1);
  const std::vector<std::uint8_t> iv(12, 2);
  int usable = 0;
  for (std::uint32_t id = 0; id <= 0xffff; ++id) {
    auto suite = cipher_suite_from_tls_id(static_cast<std::uint16_t>(id));
    if (!suite) continue;
    ++usable;
    const std::size_t key_len = cipher_suite_traits(*suite).key_length;
    auto aead =
        make_aead_for_tls_suite(static_cast<std::uint16_t>(id), ByteSpan(key).first(key_len), iv);
    ASSERT_TRUE(aead.ok());
    EXPECT_NE((*aead)->backend(), CryptoBackend::null_for_testing) << id;
    EXPECT_NE(default_backends(*suite).aead, CryptoBackend::null_for_testing);
    EXPECT_NE(default_backends(*suite).header_protection, CryptoBackend::null_for_testing);
  }
  EXPECT_EQ(usable, 3);
  EXPECT_FALSE(make_aead_with(CryptoBackend::null_for_testing, CipherSuite::aes_128_gcm_sha256,
                              ByteSpan(key).first(16), iv)
                   .ok());
  EXPECT_FALSE(make_header_protector_with(CryptoBackend::null_for_testing,
                                          CipherSuite::aes_128_gcm_sha256, ByteSpan(key).first(16))
                   .ok());
}

TEST(NullProtection, IdentityPayloadButTagStillChecked) {
  NullProtection p = make_null_protection_for_testing();
  ASSERT_TRUE(p.aead && p.header_protector && p.aead_factory);
  EXPECT_EQ(p.aead->backend(), CryptoBackend::null_for_testing);
  const auto ad = pattern(10, 1);
  const auto plaintext = pattern(100, 2);
  std::vector<std::uint8_t> buf = plaintext;
  buf.resize(plaintext.size() + kAeadTagLength);
  ASSERT_TRUE(p.aead->seal(5, ad, buf).ok());
  EXPECT_EQ(to_hex(ByteSpan(buf).first(plaintext.size())), to_hex(plaintext));
  auto ok = p.aead->open(5, ad, buf);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, OpenOutcome::ok);
  for (std::size_t pos = 0; pos < buf.size(); ++pos) {  // every single-byte flip is caught
    auto b = buf;
    b[pos] ^= 0x01;
    auto r = p.aead->open(5, ad, b);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, OpenOutcome::authentication_failed) << pos;
  }
  auto wrong_pn = p.aead->open(6, ad, buf);
  EXPECT_EQ(*wrong_pn, OpenOutcome::authentication_failed);
  // Keys made by the factory differ from each other: a wrong key phase fails.
  const std::vector<std::uint8_t> iv(12, 0);
  auto k1 = p.aead_factory(CipherSuite::aes_128_gcm_sha256, pattern(16, 1), iv);
  auto k2 = p.aead_factory(CipherSuite::aes_128_gcm_sha256, pattern(16, 2), iv);
  ASSERT_TRUE(k1.ok() && k2.ok());
  auto b = plaintext;
  b.resize(plaintext.size() + kAeadTagLength);
  ASSERT_TRUE((*k1)->seal(9, ad, b).ok());
  EXPECT_EQ(*(*k2)->open(9, ad, b), OpenOutcome::authentication_failed);
  EXPECT_EQ(*(*k1)->open(9, ad, b), OpenOutcome::ok);
  // Header protection is the identity.
  HeaderProtectionMask mask{1, 1, 1, 1, 1};
  ASSERT_TRUE(p.header_protector->make_mask(pattern(16, 0), mask).ok());
  EXPECT_EQ(to_hex(mask), "0000000000");
}

}  // namespace
}  // namespace tquic::crypto
