#include "crypto/aead_openssl.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <climits>

namespace tquic::crypto {
namespace {

const EVP_CIPHER* evp_aead(CipherSuite suite) {
  switch (suite) {
    case CipherSuite::aes_128_gcm_sha256: return EVP_aes_128_gcm();
    case CipherSuite::aes_256_gcm_sha384: return EVP_aes_256_gcm();
    case CipherSuite::chacha20_poly1305_sha256: return EVP_chacha20_poly1305();
  }
  return nullptr;
}

Error openssl_failure(const char* why) {
  ERR_clear_error();  // keep the thread's error queue from growing
  return Error::local(why);
}

class OpensslAead final : public Aead {
 public:
  OpensslAead(CipherSuite suite, const AeadNonce& iv, EVP_CIPHER_CTX* ctx)
      : Aead(suite, iv), ctx_(ctx) {}
  ~OpensslAead() override { EVP_CIPHER_CTX_free(ctx_); }

  Status seal(std::uint64_t packet_number, ByteSpan associated_data, MutByteSpan buffer) override {
    TQUIC_TRY(begin(packet_number, associated_data, buffer, 1));
    const std::size_t text_len = buffer.size() - kTag;
    int outl = 0;
    if (text_len > 0 && EVP_CipherUpdate(ctx_, buffer.data(), &outl, buffer.data(),
                                         static_cast<int>(text_len)) != 1) {
      return openssl_failure("openssl AEAD encrypt failed");
    }
    int final_len = 0;
    if (EVP_CipherFinal_ex(ctx_, buffer.data() + outl, &final_len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kTag),
                            buffer.data() + text_len) != 1) {
      return openssl_failure("openssl AEAD tag computation failed");
    }
    return ok_status();
  }

  Result<OpenOutcome> open(std::uint64_t packet_number, ByteSpan associated_data,
                           MutByteSpan buffer) override {
    TQUIC_TRY(begin(packet_number, associated_data, buffer, 0));
    const std::size_t text_len = buffer.size() - kTag;
    if (EVP_CIPHER_CTX_ctrl(ctx_, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kTag),
                            buffer.data() + text_len) != 1) {
      return openssl_failure("openssl AEAD set tag failed");
    }
    int outl = 0;
    if (text_len > 0 && EVP_CipherUpdate(ctx_, buffer.data(), &outl, buffer.data(),
                                         static_cast<int>(text_len)) != 1) {
      return openssl_failure("openssl AEAD decrypt failed");
    }
    int final_len = 0;
    if (EVP_CipherFinal_ex(ctx_, buffer.data() + outl, &final_len) != 1) {
      ERR_clear_error();
      return OpenOutcome::authentication_failed;
    }
    return OpenOutcome::ok;
  }

  CryptoBackend backend() const override { return CryptoBackend::openssl; }

 private:
  // Checks sizes, sets the per-packet nonce and feeds the associated data.
  Status begin(std::uint64_t packet_number, ByteSpan associated_data, MutByteSpan buffer,
               int encrypt) {
    if (buffer.size() < kTag) return Error::local("AEAD buffer shorter than the tag");
    if (buffer.size() > INT_MAX || associated_data.size() > INT_MAX) {
      return Error::local("AEAD input too large");
    }
    const AeadNonce nonce = nonce_for(packet_number);
    if (EVP_CipherInit_ex(ctx_, nullptr, nullptr, nullptr, nonce.data(), encrypt) != 1) {
      return openssl_failure("openssl AEAD nonce setup failed");
    }
    int outl = 0;
    if (!associated_data.empty() &&
        EVP_CipherUpdate(ctx_, nullptr, &outl, associated_data.data(),
                         static_cast<int>(associated_data.size())) != 1) {
      return openssl_failure("openssl AEAD associated data failed");
    }
    return ok_status();
  }

  EVP_CIPHER_CTX* ctx_;
};

}  // namespace

Result<std::unique_ptr<Aead>> make_openssl_aead(CipherSuite suite, ByteSpan key, ByteSpan iv) {
  TQUIC_TRY(check_aead_key_sizes(suite, key, iv));
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return openssl_failure("EVP_CIPHER_CTX_new failed");
  // Key once; the nonce is set per packet. The IV length default (12) is
  // what every QUIC AEAD uses.
  if (EVP_CipherInit_ex(ctx, evp_aead(suite), nullptr, key.data(), nullptr, 1) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    return openssl_failure("openssl AEAD key setup failed");
  }
  return std::unique_ptr<Aead>(new OpensslAead(suite, aead_iv_from(iv), ctx));
}

}  // namespace tquic::crypto
