#include "crypto/random.h"

#include <openssl/evp.h>

#include <array>
#include <cstring>

namespace tquic::crypto {

Csprng::~Csprng() { EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX*>(ctx_)); }

Status Csprng::seed(ByteSpan seed) {
  if (seed.size() < 32) return Error::local("CSPRNG seed needs at least 32 bytes");
  // Fold any extra seed bytes into the key so none are wasted.
  std::array<std::uint8_t, 32> key{};
  std::array<std::uint8_t, 16> iv{};
  for (std::size_t i = 0; i < seed.size(); ++i) key[i % 32] ^= seed[i];
  EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX*>(ctx_));
  auto* c = EVP_CIPHER_CTX_new();
  if (!c || EVP_EncryptInit_ex(c, EVP_aes_256_ctr(), nullptr, key.data(), iv.data()) != 1) {
    EVP_CIPHER_CTX_free(c);
    ctx_ = nullptr;
    return Error::local("cannot initialise the CSPRNG");
  }
  ctx_ = c;
  return ok_status();
}

void Csprng::fill(MutByteSpan out) {
  // Keystream = AES-CTR over zeros.
  std::memset(out.data(), 0, out.size());
  int len = 0;
  if (ctx_) EVP_EncryptUpdate(static_cast<EVP_CIPHER_CTX*>(ctx_), out.data(), &len, out.data(),
                              static_cast<int>(out.size()));
}

std::uint64_t Csprng::next_u64() {
  std::uint8_t b[8];
  fill(MutByteSpan(b, 8));
  std::uint64_t v;
  std::memcpy(&v, b, 8);
  return v;
}

}  // namespace tquic::crypto
