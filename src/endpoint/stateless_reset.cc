#include "endpoint/stateless_reset.h"

#include <algorithm>
#include <cstring>

#include "wire/invariant_header.h"

namespace tquic::endpoint {

Status StatelessResetter::configure(ByteSpan static_key, const RateLimit& limit) {
  auto g = crypto::StatelessResetTokenGenerator::create(static_key);
  if (!g) return g.error();
  tokens_.emplace(std::move(*g));
  bucket_.configure(limit);
  return ok_status();
}

Result<wire::StatelessResetToken> StatelessResetter::token_for(const wire::ConnectionId& cid) {
  if (!tokens_) return Error::local("stateless reset key not configured");
  return tokens_->token_for(cid);
}

std::size_t StatelessResetter::reset_size(std::size_t trigger_size, std::uint64_t random) {
  if (trigger_size <= kMinResetSize) return 0;  // the reset must be smaller, and >= 21
  if (trigger_size <= kShortResetTrigger) return trigger_size - 1;
  // Above 43 bytes: anywhere in [42, min(trigger - 1, kMaxResetSize)], so
  // resets do not all share one telltale size (§10.3.3: >= 41 bytes).
  const std::size_t low = kShortResetTrigger - 1;
  const std::size_t high = std::min(trigger_size - 1, kMaxResetSize);
  return low + static_cast<std::size_t>(random % (high - low + 1));
}

ResetOutcome StatelessResetter::build(const wire::ConnectionId& dcid, std::size_t trigger_size,
                                      crypto::Csprng& rng, Timestamp now, MutByteSpan out,
                                      std::size_t& size) {
  const std::size_t n = reset_size(trigger_size, rng.next_u64());
  if (n == 0) return ResetOutcome::trigger_too_small;
  if (out.size() < n) return ResetOutcome::failed;
  if (!bucket_.take(now)) return ResetOutcome::rate_limited;
  auto token = token_for(dcid);
  if (!token) return ResetOutcome::failed;
  const std::size_t unpredictable = n - wire::kStatelessResetTokenLength;
  rng.fill(out.first(unpredictable));
  // Short header form (0), Fixed Bit 1, the other six bits random (§10.3).
  out[0] = static_cast<std::uint8_t>((out[0] & 0x3f) | wire::kFixedBit);
  std::memcpy(out.data() + unpredictable, token->data(), token->size());
  size = n;
  return ResetOutcome::built;
}

}  // namespace tquic::endpoint
