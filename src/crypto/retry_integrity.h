// Retry Integrity Tag (RFC 9001 §5.8; QUIC v2 key and nonce from RFC 9369
// §3.3.3): AEAD_AES_128_GCM with a fixed key and nonce over an empty
// plaintext, the Retry Pseudo-Packet being the associated data:
//
//   ODCID Length (8) | Original Destination Connection ID | Retry packet
//   without its 16-byte tag
//
// A RetryIntegrity object holds the AES-GCM context for one version, created
// once (e.g. per endpoint) and reused for every Retry sent or received.
#pragma once

#include <array>
#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/aead.h"
#include "crypto/crypto_backend.h"
#include "crypto/quic_version.h"
#include "wire/connection_id.h"

namespace tquic::crypto {

inline constexpr std::size_t kRetryIntegrityTagLength = 16;
using RetryIntegrityTag = std::array<std::uint8_t, kRetryIntegrityTagLength>;

// Writes the pseudo-packet for `retry_without_tag` into `out`; returns its size.
Result<std::size_t> build_retry_pseudo_packet(const wire::ConnectionId& original_dcid,
                                              ByteSpan retry_without_tag, MutByteSpan out);

class RetryIntegrity {
 public:
  static Result<RetryIntegrity> create(QuicVersion version);
  static Result<RetryIntegrity> create(QuicVersion version, CryptoBackend backend);

  Result<RetryIntegrityTag> compute_tag(ByteSpan pseudo_packet);
  // True iff `tag` is the tag of `pseudo_packet` (constant-time compare).
  Result<bool> verify_tag(ByteSpan pseudo_packet, ByteSpan tag);

 private:
  explicit RetryIntegrity(std::unique_ptr<Aead> aead) : aead_(std::move(aead)) {}
  std::unique_ptr<Aead> aead_;
};

}  // namespace tquic::crypto
