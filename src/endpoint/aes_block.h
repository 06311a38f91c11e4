// One AES-128 key in ECB mode, encrypt and decrypt, contexts made once.
// Used for QUIC-LB CID encoding and for unpredictable CID nonces; never per
// packet on the data path except when routing by an encrypted CID.
#pragma once

#include <array>
#include <cstdint>

#include "base/bytes.h"

namespace tquic::endpoint {

using Block = std::array<std::uint8_t, 16>;

class AesBlock {
 public:
  AesBlock() = default;
  ~AesBlock();
  AesBlock(const AesBlock&) = delete;
  AesBlock& operator=(const AesBlock&) = delete;

  bool set_key(ByteSpan key16);
  bool has_key() const { return enc_ != nullptr; }
  bool encrypt(const Block& in, Block& out) const;
  bool decrypt(const Block& in, Block& out) const;

 private:
  void* enc_ = nullptr;  // EVP_CIPHER_CTX*
  void* dec_ = nullptr;
};

}  // namespace tquic::endpoint
