// Fixed-capacity storage for secret bytes (traffic secrets, keys) that wipes
// itself on destruction and on overwrite. Never allocates.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "crypto/cipher_suite.h"

namespace tquic::crypto {

// Overwrites `bytes` with zeros in a way the compiler may not elide.
void secure_zero(MutByteSpan bytes);

class Secret {
 public:
  static constexpr std::size_t kCapacity = kMaxHashLength;

  Secret() = default;
  Secret(const Secret& other) { assign_unchecked(other.span()); }
  Secret& operator=(const Secret& other) {
    if (this != &other) assign_unchecked(other.span());
    return *this;
  }
  ~Secret() { clear(); }

  // False (and leaves the secret empty) if `bytes` exceeds kCapacity.
  bool assign(ByteSpan bytes);
  // Makes room for `n` bytes (n <= kCapacity) to be written via mutable_span().
  bool resize(std::size_t n);
  void clear();

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ByteSpan span() const { return ByteSpan(bytes_.data(), size_); }
  MutByteSpan mutable_span() { return MutByteSpan(bytes_.data(), size_); }

 private:
  void assign_unchecked(ByteSpan bytes);

  std::array<std::uint8_t, kCapacity> bytes_{};
  std::size_t size_ = 0;
};

}  // namespace tquic::crypto
