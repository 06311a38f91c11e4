// The TLS 1.3 cipher suites QUIC can use (RFC 9001 §5.3) and what packet
// protection needs to know about each: key sizes, hash, header protection
// algorithm and AEAD usage limits (RFC 9001 §6.6).
//
// There is deliberately no "null" suite here: the only way to obtain the
// null protection used by the simulator and fuzzers is
// make_null_protection_for_testing() (aead_null.h), so no TLS cipher suite id
// can ever map to it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/result.h"

namespace tquic::crypto {

enum class CipherSuite : std::uint8_t {
  aes_128_gcm_sha256,        // TLS_AES_128_GCM_SHA256        0x1301
  aes_256_gcm_sha384,        // TLS_AES_256_GCM_SHA384        0x1302
  chacha20_poly1305_sha256,  // TLS_CHACHA20_POLY1305_SHA256  0x1303
};

inline constexpr CipherSuite kAllCipherSuites[] = {
    CipherSuite::aes_128_gcm_sha256,
    CipherSuite::aes_256_gcm_sha384,
    CipherSuite::chacha20_poly1305_sha256,
};

enum class HashAlgorithm : std::uint8_t { sha256, sha384 };

enum class HeaderProtectionAlgorithm : std::uint8_t {
  aes_ecb,   // RFC 9001 §5.4.3 (AES-128 or AES-256 by key size)
  chacha20,  // RFC 9001 §5.4.4
};

inline constexpr std::size_t kAeadTagLength = 16;   // every QUIC suite (§5.3)
inline constexpr std::size_t kAeadIvLength = 12;    // nonce length of every suite
inline constexpr std::size_t kHpSampleLength = 16;  // §5.4.2
inline constexpr std::size_t kMaxAeadKeyLength = 32;
inline constexpr std::size_t kMaxHpKeyLength = 32;
inline constexpr std::size_t kMaxHashLength = 48;  // SHA-384

struct CipherSuiteTraits {
  std::uint16_t tls_id;
  const char* name;
  HashAlgorithm hash;
  std::size_t key_length;
  std::size_t hp_key_length;
  HeaderProtectionAlgorithm hp_algorithm;
  // RFC 9001 §6.6: packets that may be protected with one key before a key
  // update, and packets failing authentication a connection may see.
  std::uint64_t confidentiality_limit;
  std::uint64_t integrity_limit;
};

const CipherSuiteTraits& cipher_suite_traits(CipherSuite suite);

constexpr std::size_t hash_length(HashAlgorithm h) { return h == HashAlgorithm::sha384 ? 48 : 32; }

// RFC 9001 §6.6 limits, spelled out for the transport.
std::uint64_t aead_confidentiality_limit(CipherSuite suite);
std::uint64_t aead_integrity_limit(CipherSuite suite);

// Maps a TLS 1.3 cipher suite id to a suite QUIC can use. TLS_AES_128_CCM_SHA256
// (0x1304) and TLS_AES_128_CCM_8_SHA256 (0x1305) are refused like any unknown id.
Result<CipherSuite> cipher_suite_from_tls_id(std::uint16_t tls_id);

}  // namespace tquic::crypto
