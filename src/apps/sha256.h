// Streaming SHA-256 (OpenSSL) for checking transferred files: `tquic get`
// prints it per file, `tquic demo` compares both ends.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "base/bytes.h"

namespace tquic::apps {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&& o) noexcept;
  Sha256& operator=(Sha256&& o) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(ByteSpan data);
  // The digest as 64 lowercase hex digits; the hash then starts over.
  std::string hex_digest();
  std::array<std::uint8_t, 32> digest();

 private:
  void* ctx_;  // EVP_MD_CTX
};

}  // namespace tquic::apps
