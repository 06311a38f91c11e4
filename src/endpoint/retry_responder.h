// Retry (RFC 9000 §8.1.2, §17.2.5; RFC 9001 §5.8): the server's stateless
// answer to an Initial without a valid token when it wants the client's
// address validated before spending state on it. Holds the Retry integrity
// AEADs of QUIC v1 and v2, created once per endpoint.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/retry_integrity.h"
#include "wire/connection_id.h"

namespace tquic::endpoint {

struct RetryRequest {
  std::uint32_t version = 0;         // the Initial's version (v1 or v2)
  wire::ConnectionId client_scid;    // becomes the Retry's DCID
  wire::ConnectionId original_dcid;  // the Initial's DCID (integrity tag input)
  wire::ConnectionId retry_scid;     // our new CID, the client's next DCID
  ByteSpan token;                    // sealed Retry token
  std::uint8_t unused_bits = 0;
};

class RetryResponder {
 public:
  Status configure();
  // Writes the complete Retry packet (tag included); returns its size.
  Result<std::size_t> write(const RetryRequest& r, MutByteSpan out);

 private:
  std::optional<crypto::RetryIntegrity> v1_;
  std::optional<crypto::RetryIntegrity> v2_;
};

}  // namespace tquic::endpoint
