// Header protection with OpenSSL: AES-ECB (one block per mask, context keyed
// once) and raw ChaCha20 (context keyed once, counter+nonce = the sample set
// per mask). RFC 9001 §5.4.3, §5.4.4.
#include <openssl/err.h>
#include <openssl/evp.h>

#include <array>
#include <cstring>

#include "crypto/header_protection.h"

namespace tquic::crypto {
namespace {

const EVP_CIPHER* evp_hp_cipher(CipherSuite suite) {
  switch (suite) {
    case CipherSuite::aes_128_gcm_sha256: return EVP_aes_128_ecb();
    case CipherSuite::aes_256_gcm_sha384: return EVP_aes_256_ecb();
    case CipherSuite::chacha20_poly1305_sha256: return EVP_chacha20();
  }
  return nullptr;
}

class OpensslHeaderProtector final : public HeaderProtector {
 public:
  OpensslHeaderProtector(HeaderProtectionAlgorithm algorithm, EVP_CIPHER_CTX* ctx)
      : algorithm_(algorithm), ctx_(ctx) {}
  ~OpensslHeaderProtector() override { EVP_CIPHER_CTX_free(ctx_); }

  Status make_mask(ByteSpan sample, HeaderProtectionMask& mask) override {
    if (sample.size() != kHpSampleLength)
      return Error::local("header protection sample must be 16 bytes");
    return algorithm_ == HeaderProtectionAlgorithm::aes_ecb ? aes_mask(sample, mask)
                                                            : chacha_mask(sample, mask);
  }

  CryptoBackend backend() const override { return CryptoBackend::openssl; }

 private:
  Status aes_mask(ByteSpan sample, HeaderProtectionMask& mask) {
    std::array<std::uint8_t, kHpSampleLength> block{};
    int outl = 0;
    if (EVP_EncryptUpdate(ctx_, block.data(), &outl, sample.data(),
                          static_cast<int>(sample.size())) != 1 ||
        outl != static_cast<int>(block.size())) {
      ERR_clear_error();
      return Error::local("openssl AES-ECB header protection failed");
    }
    std::memcpy(mask.data(), block.data(), mask.size());
    return ok_status();
  }

  Status chacha_mask(ByteSpan sample, HeaderProtectionMask& mask) {
    // EVP_chacha20's 16-byte IV is the little-endian 32-bit block counter
    // followed by the 96-bit nonce: exactly the sample layout of §5.4.4.
    static constexpr std::array<std::uint8_t, kHpMaskLength> kZeros{};
    int outl = 0;
    if (EVP_EncryptInit_ex(ctx_, nullptr, nullptr, nullptr, sample.data()) != 1 ||
        EVP_EncryptUpdate(ctx_, mask.data(), &outl, kZeros.data(),
                          static_cast<int>(kZeros.size())) != 1 ||
        outl != static_cast<int>(kZeros.size())) {
      ERR_clear_error();
      return Error::local("openssl ChaCha20 header protection failed");
    }
    return ok_status();
  }

  HeaderProtectionAlgorithm algorithm_;
  EVP_CIPHER_CTX* ctx_;
};

}  // namespace

Result<std::unique_ptr<HeaderProtector>> make_openssl_header_protector(CipherSuite suite,
                                                                       ByteSpan hp_key) {
  TQUIC_TRY(check_hp_key_size(suite, hp_key));
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) return Error::local("EVP_CIPHER_CTX_new failed");
  if (EVP_EncryptInit_ex(ctx, evp_hp_cipher(suite), nullptr, hp_key.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx, 0) != 1) {
    EVP_CIPHER_CTX_free(ctx);
    ERR_clear_error();
    return Error::local("openssl header protection key setup failed");
  }
  return std::unique_ptr<HeaderProtector>(
      new OpensslHeaderProtector(cipher_suite_traits(suite).hp_algorithm, ctx));
}

}  // namespace tquic::crypto
