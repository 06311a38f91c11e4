#include "crypto/secret.h"

#include <openssl/crypto.h>

#include <cstring>

namespace tquic::crypto {

void secure_zero(MutByteSpan bytes) {
  if (!bytes.empty()) OPENSSL_cleanse(bytes.data(), bytes.size());
}

bool Secret::assign(ByteSpan bytes) {
  if (bytes.size() > kCapacity) {
    clear();
    return false;
  }
  assign_unchecked(bytes);
  return true;
}

bool Secret::resize(std::size_t n) {
  if (n > kCapacity) return false;
  clear();
  size_ = n;
  return true;
}

void Secret::clear() {
  secure_zero(MutByteSpan(bytes_));
  size_ = 0;
}

void Secret::assign_unchecked(ByteSpan bytes) {
  clear();
  if (!bytes.empty()) std::memcpy(bytes_.data(), bytes.data(), bytes.size());
  size_ = bytes.size();
}

}  // namespace tquic::crypto
