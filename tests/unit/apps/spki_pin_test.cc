// The SPKI pin equals SHA-256 over the DER SubjectPublicKeyInfo as OpenSSL
// extracts it (what Chromium's --ignore-certificate-errors-spki-list checks).
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>

#include "apps/spki_pin.h"
#include "crypto/tls/self_signed.h"

namespace tquic::apps {
namespace {

std::string openssl_pin(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  unsigned char* der = nullptr;
  const int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
  unsigned char md[32];
  unsigned md_len = 0;
  EVP_Digest(der, static_cast<std::size_t>(len), md, &md_len, EVP_sha256(), nullptr);
  unsigned char b64[64];
  const int n = EVP_EncodeBlock(b64, md, static_cast<int>(md_len));
  OPENSSL_free(der);
  X509_free(x);
  BIO_free(bio);
  return std::string(reinterpret_cast<char*>(b64), static_cast<std::size_t>(n));
}

TEST(SpkiPin, MatchesOpenSsl) {
  std::string err;
  const auto cert = crypto::generate_self_signed(std::time(nullptr), {"localhost"}, {}, 1, err);
  std::string pin;
  ASSERT_TRUE(spki_sha256_base64(cert.cert_pem, pin, err)) << err;
  EXPECT_EQ(pin.size(), 44u);
  EXPECT_EQ(pin, openssl_pin(cert.cert_pem));
  EXPECT_FALSE(spki_sha256_base64("not a certificate", pin, err));
}

}  // namespace
}  // namespace tquic::apps
