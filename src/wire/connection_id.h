// Connection IDs and stateless-reset tokens (RFC 9000 §5.1, §10.3).
// Inline storage: a CID never allocates. QUIC v1/v2 CIDs are 0..20 bytes;
// longer ones (other versions, RFC 8999) are only ever seen as views while
// answering with Version Negotiation.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "base/bytes.h"

namespace tquic::wire {

inline constexpr std::size_t kMaxCidLength = 20;
inline constexpr std::size_t kStatelessResetTokenLength = 16;

using StatelessResetToken = std::array<std::uint8_t, kStatelessResetTokenLength>;

class ConnectionId {
 public:
  constexpr ConnectionId() = default;

  // False (and leaves `out` empty) if `bytes` is longer than 20.
  static bool from_bytes(ByteSpan bytes, ConnectionId& out) {
    if (bytes.size() > kMaxCidLength) return false;
    out.len_ = static_cast<std::uint8_t>(bytes.size());
    if (!bytes.empty()) std::memcpy(out.bytes_.data(), bytes.data(), bytes.size());
    return true;
  }

  std::size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }
  const std::uint8_t* data() const { return bytes_.data(); }
  ByteSpan span() const { return ByteSpan(bytes_.data(), len_); }
  std::uint8_t operator[](std::size_t i) const { return bytes_[i]; }

  friend bool operator==(const ConnectionId& a, const ConnectionId& b) {
    return a.len_ == b.len_ && std::equal(a.bytes_.begin(), a.bytes_.begin() + a.len_, b.bytes_.begin());
  }

 private:
  std::uint8_t len_ = 0;
  std::array<std::uint8_t, kMaxCidLength> bytes_{};
};

}  // namespace tquic::wire
