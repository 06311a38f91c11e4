#include "crypto/cipher_suite.h"

#include <limits>

namespace tquic::crypto {
namespace {

// RFC 9001 §6.6: AES-GCM confidentiality 2^23 packets, integrity 2^52;
// ChaCha20-Poly1305 confidentiality exceeds 2^62 packets (so it is never
// reached), integrity 2^36.
constexpr std::uint64_t kGcmConfidentialityLimit = std::uint64_t{1} << 23;
constexpr std::uint64_t kGcmIntegrityLimit = std::uint64_t{1} << 52;
constexpr std::uint64_t kChachaConfidentialityLimit = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kChachaIntegrityLimit = std::uint64_t{1} << 36;

constexpr CipherSuiteTraits kAes128Gcm{
    0x1301, "TLS_AES_128_GCM_SHA256",           HashAlgorithm::sha256,    16,
    16,     HeaderProtectionAlgorithm::aes_ecb, kGcmConfidentialityLimit, kGcmIntegrityLimit};
constexpr CipherSuiteTraits kAes256Gcm{
    0x1302, "TLS_AES_256_GCM_SHA384",           HashAlgorithm::sha384,    32,
    32,     HeaderProtectionAlgorithm::aes_ecb, kGcmConfidentialityLimit, kGcmIntegrityLimit};
constexpr CipherSuiteTraits kChacha20{0x1303,
                                      "TLS_CHACHA20_POLY1305_SHA256",
                                      HashAlgorithm::sha256,
                                      32,
                                      32,
                                      HeaderProtectionAlgorithm::chacha20,
                                      kChachaConfidentialityLimit,
                                      kChachaIntegrityLimit};

}  // namespace

const CipherSuiteTraits& cipher_suite_traits(CipherSuite suite) {
  switch (suite) {
    case CipherSuite::aes_128_gcm_sha256: return kAes128Gcm;
    case CipherSuite::aes_256_gcm_sha384: return kAes256Gcm;
    case CipherSuite::chacha20_poly1305_sha256: return kChacha20;
  }
  return kAes128Gcm;  // unreachable: every enumerator is handled above
}

std::uint64_t aead_confidentiality_limit(CipherSuite suite) {
  return cipher_suite_traits(suite).confidentiality_limit;
}

std::uint64_t aead_integrity_limit(CipherSuite suite) {
  return cipher_suite_traits(suite).integrity_limit;
}

Result<CipherSuite> cipher_suite_from_tls_id(std::uint16_t tls_id) {
  for (CipherSuite s : kAllCipherSuites) {
    if (cipher_suite_traits(s).tls_id == tls_id) return s;
  }
  return Error::local("cipher suite not usable with QUIC");
}

}  // namespace tquic::crypto
