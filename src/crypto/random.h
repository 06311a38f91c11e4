// A deterministic CSPRNG for the core (AES-256-CTR keystream). The core may
// not read /dev/urandom (it never calls the OS), so the caller seeds it:
// the runtime with 32+ bytes from the OS CSPRNG, the simulator with bytes
// derived from its seed, which makes simulated runs reproducible.
// Used for CIDs, PATH_CHALLENGE data and the like; never per packet.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"

namespace tquic::crypto {

class Csprng {
 public:
  Csprng() = default;
  ~Csprng();
  Csprng(const Csprng&) = delete;
  Csprng& operator=(const Csprng&) = delete;

  // Needs at least 32 bytes of seed.
  Status seed(ByteSpan seed);
  bool seeded() const { return ctx_ != nullptr; }
  void fill(MutByteSpan out);
  std::uint64_t next_u64();

 private:
  void* ctx_ = nullptr;  // EVP_CIPHER_CTX*
};

}  // namespace tquic::crypto
