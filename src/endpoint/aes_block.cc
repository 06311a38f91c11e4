#include "endpoint/aes_block.h"

#include <openssl/evp.h>

namespace tquic::endpoint {
namespace {

EVP_CIPHER_CTX* make_ctx(ByteSpan key, int enc) {
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  if (!c) return nullptr;
  if (EVP_CipherInit_ex(c, EVP_aes_128_ecb(), nullptr, key.data(), nullptr, enc) != 1 ||
      EVP_CIPHER_CTX_set_padding(c, 0) != 1) {
    EVP_CIPHER_CTX_free(c);
    return nullptr;
  }
  return c;
}

bool run(void* ctx, const Block& in, Block& out) {
  int len = 0;
  return ctx && EVP_CipherUpdate(static_cast<EVP_CIPHER_CTX*>(ctx), out.data(), &len, in.data(), 16) == 1 &&
         len == 16;
}

}  // namespace

AesBlock::~AesBlock() {
  EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX*>(enc_));
  EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX*>(dec_));
}

bool AesBlock::set_key(ByteSpan key16) {
  if (key16.size() != 16) return false;
  EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX*>(enc_));
  EVP_CIPHER_CTX_free(static_cast<EVP_CIPHER_CTX*>(dec_));
  enc_ = make_ctx(key16, 1);
  dec_ = make_ctx(key16, 0);
  return enc_ && dec_;
}

bool AesBlock::encrypt(const Block& in, Block& out) const { return run(enc_, in, out); }
bool AesBlock::decrypt(const Block& in, Block& out) const { return run(dec_, in, out); }

}  // namespace tquic::endpoint
