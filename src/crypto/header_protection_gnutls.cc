// Header protection with GnuTLS. GnuTLS has no public AES-ECB, but one block
// of AES-CBC with an all-zero IV is exactly AES-ECB of that block, so the IV
// is reset before each mask. ChaCha20 uses GNUTLS_CIPHER_CHACHA20_32 (32-bit
// counter, 96-bit nonce; the 16-byte IV is counter || nonce as in §5.4.4).
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include <array>
#include <cstring>

#include "crypto/header_protection.h"

namespace tquic::crypto {
namespace {

gnutls_cipher_algorithm_t gnutls_hp_cipher(CipherSuite suite) {
  switch (suite) {
    case CipherSuite::aes_128_gcm_sha256: return GNUTLS_CIPHER_AES_128_CBC;
    case CipherSuite::aes_256_gcm_sha384: return GNUTLS_CIPHER_AES_256_CBC;
    case CipherSuite::chacha20_poly1305_sha256: return GNUTLS_CIPHER_CHACHA20_32;
  }
  return GNUTLS_CIPHER_UNKNOWN;
}

class GnutlsHeaderProtector final : public HeaderProtector {
 public:
  GnutlsHeaderProtector(HeaderProtectionAlgorithm algorithm, gnutls_cipher_hd_t handle)
      : algorithm_(algorithm), handle_(handle) {}
  ~GnutlsHeaderProtector() override { gnutls_cipher_deinit(handle_); }

  Status make_mask(ByteSpan sample, HeaderProtectionMask& mask) override {
    if (sample.size() != kHpSampleLength)
      return Error::local("header protection sample must be 16 bytes");
    return algorithm_ == HeaderProtectionAlgorithm::aes_ecb ? aes_mask(sample, mask)
                                                            : chacha_mask(sample, mask);
  }

  CryptoBackend backend() const override { return CryptoBackend::gnutls; }

 private:
  Status aes_mask(ByteSpan sample, HeaderProtectionMask& mask) {
    std::array<std::uint8_t, 16> zero_iv{};
    std::array<std::uint8_t, kHpSampleLength> block{};
    gnutls_cipher_set_iv(handle_, zero_iv.data(), zero_iv.size());
    if (gnutls_cipher_encrypt2(handle_, sample.data(), sample.size(), block.data(), block.size()) !=
        0) {
      return Error::local("gnutls AES header protection failed");
    }
    std::memcpy(mask.data(), block.data(), mask.size());
    return ok_status();
  }

  Status chacha_mask(ByteSpan sample, HeaderProtectionMask& mask) {
    static constexpr std::array<std::uint8_t, kHpMaskLength> kZeros{};
    std::array<std::uint8_t, kHpSampleLength> iv{};
    std::memcpy(iv.data(), sample.data(), iv.size());
    gnutls_cipher_set_iv(handle_, iv.data(), iv.size());
    if (gnutls_cipher_encrypt2(handle_, kZeros.data(), kZeros.size(), mask.data(), mask.size()) !=
        0) {
      return Error::local("gnutls ChaCha20 header protection failed");
    }
    return ok_status();
  }

  HeaderProtectionAlgorithm algorithm_;
  gnutls_cipher_hd_t handle_;
};

}  // namespace

Result<std::unique_ptr<HeaderProtector>> make_gnutls_header_protector(CipherSuite suite,
                                                                      ByteSpan hp_key) {
  TQUIC_TRY(check_hp_key_size(suite, hp_key));
  std::array<std::uint8_t, 16> zero_iv{};
  gnutls_datum_t key{const_cast<unsigned char*>(hp_key.data()),
                     static_cast<unsigned int>(hp_key.size())};
  gnutls_datum_t iv{zero_iv.data(), static_cast<unsigned int>(zero_iv.size())};
  gnutls_cipher_hd_t handle = nullptr;
  if (gnutls_cipher_init(&handle, gnutls_hp_cipher(suite), &key, &iv) != 0) {
    return Error::local("gnutls header protection key setup failed");
  }
  return std::unique_ptr<HeaderProtector>(
      new GnutlsHeaderProtector(cipher_suite_traits(suite).hp_algorithm, handle));
}

}  // namespace tquic::crypto
