#include "crypto/aead.h"

namespace tquic::crypto {

AeadNonce Aead::nonce_for(std::uint64_t packet_number) const {
  AeadNonce nonce = iv_;
  // The packet number occupies the low 8 bytes of the 12-byte nonce.
  for (std::size_t i = 0; i < 8; ++i) {
    nonce[kAeadIvLength - 1 - i] ^= static_cast<std::uint8_t>(packet_number >> (8 * i));
  }
  return nonce;
}

}  // namespace tquic::crypto

namespace tquic::crypto {

Status check_aead_key_sizes(CipherSuite suite, ByteSpan key, ByteSpan iv) {
  if (key.size() != cipher_suite_traits(suite).key_length) {
    return Error::local("AEAD key has the wrong length for the cipher suite");
  }
  if (iv.size() != kAeadIvLength) return Error::local("AEAD IV must be 12 bytes");
  return ok_status();
}

AeadNonce aead_iv_from(ByteSpan iv) {
  AeadNonce out{};
  for (std::size_t i = 0; i < out.size() && i < iv.size(); ++i) out[i] = iv[i];
  return out;
}

}  // namespace tquic::crypto
