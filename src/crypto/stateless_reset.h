// Keyed derivations for values another party sees (HOTPATH.md rule 16):
// stateless reset tokens (RFC 9000 §10.3.2) and any other keyed CID/token
// bytes. The output depends only on the static key and the bytes passed in:
// never on a pointer, an address, a counter or any hidden state, so the same
// key and input always give the same output (across restarts and shards
// sharing the key) and nothing about our memory leaks.
//
// The static key is passed in; the caller draws it from a CSPRNG at startup.
// HMAC-SHA256 with the keyed context prepared once; each derivation reuses it
// without allocating.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "wire/connection_id.h"

namespace tquic::crypto {

inline constexpr std::size_t kMinStaticKeyLength = 16;
inline constexpr std::size_t kKeyedDigestLength = 32;  // SHA-256

class KeyedHasher {
 public:
  // Local error if the key is shorter than kMinStaticKeyLength.
  static Result<KeyedHasher> create(ByteSpan static_key);

  KeyedHasher(KeyedHasher&& other) noexcept;
  KeyedHasher& operator=(KeyedHasher&& other) noexcept;
  KeyedHasher(const KeyedHasher&) = delete;
  KeyedHasher& operator=(const KeyedHasher&) = delete;
  ~KeyedHasher();

  // out = HMAC-SHA256(key, input) truncated to out.size() (<= 32). Give
  // each purpose its own static key (reset tokens, CID encoding, ...).
  Status digest(ByteSpan input, MutByteSpan out);

 private:
  explicit KeyedHasher(void* handle) : handle_(handle) {}
  void* handle_ = nullptr;  // gnutls_hmac_hd_t
};

class StatelessResetTokenGenerator {
 public:
  static Result<StatelessResetTokenGenerator> create(ByteSpan static_key);

  // The token for a connection ID we issued: HMAC-SHA256(key, cid)[0..16].
  Result<wire::StatelessResetToken> token_for(const wire::ConnectionId& cid);

 private:
  explicit StatelessResetTokenGenerator(KeyedHasher hasher) : hasher_(std::move(hasher)) {}
  KeyedHasher hasher_;
};

}  // namespace tquic::crypto
