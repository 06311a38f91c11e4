// Counting packets that fail authentication against the integrity limit of
// RFC 9001 §6.6 (across all keys of a connection).
#pragma once

#include <cstdint>

#include "base/result.h"
#include "crypto/cipher_suite.h"

namespace tquic::crypto {

class IntegrityLimitCounter {
 public:
  // Counts one packet that failed authentication under `suite`. Returns
  // AEAD_LIMIT_REACHED once the count exceeds the suite's integrity limit:
  // the connection must close immediately.
  Status on_authentication_failure(CipherSuite suite) {
    return on_authentication_failure(aead_integrity_limit(suite));
  }
  // Same with an explicit limit (a stricter local policy, or tests).
  Status on_authentication_failure(std::uint64_t integrity_limit) {
    ++failures_;
    if (failures_ > integrity_limit) {
      return Error::transport(TransportErrorCode::AEAD_LIMIT_REACHED,
                              "too many packets failed authentication");
    }
    return ok_status();
  }
  std::uint64_t failures() const { return failures_; }

 private:
  std::uint64_t failures_ = 0;
};

}  // namespace tquic::crypto
