// Stateless resets (RFC 9000 §10.3): the reset tokens the endpoint hands to
// its connections, and the reset it sends for a short-header packet whose
// DCID it does not know (a connection it lost, or one already removed).
//
// Tokens are HMAC(static key, CID) (crypto::StatelessResetTokenGenerator):
// an endpoint that lost all state still derives the token of any CID it
// issued, as long as the static key is the same.
//
// A reset must not start a loop or an amplification (§10.3, §10.3.3): it is
// always smaller than its trigger, at least 21 bytes (so triggers below 22
// bytes get none), one byte shorter than triggers of up to 43 bytes and at
// most kMaxResetSize otherwise; a token bucket bounds how many go out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "crypto/random.h"
#include "crypto/stateless_reset.h"
#include "endpoint/rate_limiter.h"
#include "wire/connection_id.h"

namespace tquic::endpoint {

inline constexpr std::size_t kMinResetSize = 21;       // 5 unpredictable bytes + token
inline constexpr std::size_t kShortResetTrigger = 43;  // up to here: one byte shorter
inline constexpr std::size_t kMaxResetSize = 64;

enum class ResetOutcome : std::uint8_t { built, trigger_too_small, rate_limited, failed };

class StatelessResetter {
 public:
  // `static_key`: >= 16 secret bytes, the same across restarts.
  Status configure(ByteSpan static_key, const RateLimit& limit);

  // The token for a CID we issue (HMAC-SHA256 truncated to 16 bytes).
  Result<wire::StatelessResetToken> token_for(const wire::ConnectionId& cid);

  // Size of the reset answering a trigger of `trigger_size` bytes; 0 if none
  // may be sent. `random` picks the size when the trigger exceeds 43 bytes.
  static std::size_t reset_size(std::size_t trigger_size, std::uint64_t random);

  // Writes a reset for a trigger of `trigger_size` bytes whose DCID was
  // `dcid` into `out` (>= kMaxResetSize bytes); `size` is set when built.
  ResetOutcome build(const wire::ConnectionId& dcid, std::size_t trigger_size, crypto::Csprng& rng,
                     Timestamp now, MutByteSpan out, std::size_t& size);

 private:
  std::optional<crypto::StatelessResetTokenGenerator> tokens_;
  TokenBucket bucket_;
};

}  // namespace tquic::endpoint
