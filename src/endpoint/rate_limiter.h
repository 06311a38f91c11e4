// A token bucket in caller time (the core never reads a clock): limits how
// often the endpoint answers packets it has no connection for (Version
// Negotiation, stateless resets), so those answers cannot be turned into a
// reflector. Integer arithmetic only: the bucket holds "credit" measured in
// nanoseconds, one response costs 1 s / rate.
#pragma once

#include <algorithm>
#include <cstdint>

#include "base/time.h"

namespace tquic::endpoint {

struct RateLimit {
  std::uint32_t per_second = 100;  // sustained responses per second; 0 = never respond
  std::uint32_t burst = 20;        // responses allowed back to back
};

class TokenBucket {
 public:
  TokenBucket() = default;
  explicit TokenBucket(const RateLimit& limit) { configure(limit); }

  void configure(const RateLimit& limit) {
    cost_ = limit.per_second == 0 ? Duration::zero() : Duration(1s) / limit.per_second;
    capacity_ = cost_ * std::max<std::uint32_t>(limit.burst, 1);
    credit_ = capacity_;
    last_ = kTimeZero;
    started_ = false;
  }

  // True (and one response is spent) if a response may go out at `now`.
  bool take(Timestamp now) {
    if (cost_ == Duration::zero()) return false;
    if (!started_) {
      started_ = true;
      last_ = now;
    } else if (now > last_) {
      credit_ = std::min(capacity_, credit_ + (now - last_));
      last_ = now;
    }
    if (credit_ < cost_) return false;
    credit_ -= cost_;
    return true;
  }

 private:
  Duration cost_ = Duration::zero();
  Duration capacity_ = Duration::zero();
  Duration credit_ = Duration::zero();
  Timestamp last_ = kTimeZero;
  bool started_ = false;
};

}  // namespace tquic::endpoint
