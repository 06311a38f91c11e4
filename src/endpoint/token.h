// Address-validation tokens (RFC 9000 §8.1): the Retry token and the token
// sent in NEW_TOKEN, both minted and checked only by this endpoint, so the
// format is ours. A token is sealed with AES-128-GCM under a key the caller
// supplies (a static key survives restarts, so NEW_TOKEN tokens do too):
//
//   marker (1)      0xb0 | kind -- lets the server tell a Retry token from a
//                   NEW_TOKEN token before opening it (§8.1.3)
//   sequence (16)   AES-128(mask key, 64-bit sequence || 8 zero bytes): the
//                   GCM nonce is IV XOR sequence, unique per token, and the
//                   block hides how many tokens were issued (HOTPATH rule 16)
//   sealed          issue time (unix seconds, 64) | family (8) | IP (32/128)
//                   | ODCID length (8) | ODCID | retry SCID length (8) |
//                   retry SCID, then the 16-byte GCM tag
//
// The marker and sequence block are the associated data. No port is bound:
// NATs rebind ports between connections (§8.1.3 suggests the IP only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/bytes.h"
#include "base/net_address.h"
#include "base/result.h"
#include "crypto/aead.h"
#include "endpoint/aes_block.h"
#include "wire/connection_id.h"

namespace tquic::endpoint {

enum class TokenKind : std::uint8_t { retry = 1, new_token = 2 };

struct TokenFields {
  TokenKind kind = TokenKind::retry;
  NetAddress client;                   // only family and IP are bound
  std::uint64_t issued_unix_seconds = 0;
  wire::ConnectionId original_dcid;    // Retry: the client's first DCID
  wire::ConnectionId retry_scid;       // Retry: the SCID of our Retry
};

enum class TokenCheck : std::uint8_t {
  valid,
  malformed,      // not a token of ours (wrong size or marker)
  forged,         // authentication failed: altered, or another key
  expired,        // older than its lifetime, or issued in the future
  wrong_address,  // minted for another client IP
};

struct TokenLifetimes {
  std::uint64_t retry_seconds = 10;             // a Retry token is used at once
  std::uint64_t new_token_seconds = 24 * 3600;  // NEW_TOKEN: a later connection
};

inline constexpr std::size_t kTokenKeyMaterialLength = 16 + 12 + 16;  // GCM key, IV, mask key
inline constexpr std::size_t kMaxTokenLength = 1 + 16 + (8 + 1 + 16 + 1 + 20 + 1 + 20) + 16;

// Reads the marker only: which kind of token this claims to be.
bool token_kind(ByteSpan token, TokenKind& kind);

class TokenCodec {
 public:
  // `key_material`: kTokenKeyMaterialLength secret bytes. `first_sequence`:
  // a random start, so a restart under the same static key does not reuse
  // GCM nonces.
  Status configure(ByteSpan key_material, std::uint64_t first_sequence);

  // Seals `f` into `out` (at least kMaxTokenLength bytes); returns the size.
  Result<std::size_t> seal(const TokenFields& f, MutByteSpan out);
  // Opens and authenticates `token` (no expiry or address check).
  TokenCheck open(ByteSpan token, TokenFields& out);
  // open() plus the checks: same client IP, issued no later than now + 2 s
  // (clock skew) and no longer ago than the kind's lifetime.
  TokenCheck validate(ByteSpan token, const NetAddress& client, std::uint64_t now_unix_seconds,
                      const TokenLifetimes& lifetimes, TokenFields& out);

 private:
  std::unique_ptr<crypto::Aead> aead_;
  AesBlock mask_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace tquic::endpoint
