#include "crypto/aead_gnutls.h"

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

namespace tquic::crypto {
namespace {

gnutls_cipher_algorithm_t gnutls_aead(CipherSuite suite) {
  switch (suite) {
    case CipherSuite::aes_128_gcm_sha256: return GNUTLS_CIPHER_AES_128_GCM;
    case CipherSuite::aes_256_gcm_sha384: return GNUTLS_CIPHER_AES_256_GCM;
    case CipherSuite::chacha20_poly1305_sha256: return GNUTLS_CIPHER_CHACHA20_POLY1305;
  }
  return GNUTLS_CIPHER_UNKNOWN;
}

class GnutlsAead final : public Aead {
 public:
  GnutlsAead(CipherSuite suite, const AeadNonce& iv, gnutls_aead_cipher_hd_t handle)
      : Aead(suite, iv), handle_(handle) {}
  ~GnutlsAead() override { gnutls_aead_cipher_deinit(handle_); }

  Status seal(std::uint64_t packet_number, ByteSpan associated_data, MutByteSpan buffer) override {
    if (buffer.size() < kTag) return Error::local("AEAD buffer shorter than the tag");
    const AeadNonce nonce = nonce_for(packet_number);
    std::size_t out_len = buffer.size();
    const int rc = gnutls_aead_cipher_encrypt(
        handle_, nonce.data(), nonce.size(), associated_data.data(), associated_data.size(), kTag,
        buffer.data(), buffer.size() - kTag, buffer.data(), &out_len);
    if (rc != 0 || out_len != buffer.size()) return Error::local("gnutls AEAD encrypt failed");
    return ok_status();
  }

  Result<OpenOutcome> open(std::uint64_t packet_number, ByteSpan associated_data,
                           MutByteSpan buffer) override {
    if (buffer.size() < kTag) return Error::local("AEAD buffer shorter than the tag");
    const AeadNonce nonce = nonce_for(packet_number);
    std::size_t out_len = buffer.size() - kTag;
    const int rc = gnutls_aead_cipher_decrypt(
        handle_, nonce.data(), nonce.size(), associated_data.data(), associated_data.size(), kTag,
        buffer.data(), buffer.size(), buffer.data(), &out_len);
    if (rc == GNUTLS_E_DECRYPTION_FAILED) return OpenOutcome::authentication_failed;
    if (rc != 0) return Error::local("gnutls AEAD decrypt failed");
    return OpenOutcome::ok;
  }

  CryptoBackend backend() const override { return CryptoBackend::gnutls; }

 private:
  gnutls_aead_cipher_hd_t handle_;
};

}  // namespace

Result<std::unique_ptr<Aead>> make_gnutls_aead(CipherSuite suite, ByteSpan key, ByteSpan iv) {
  TQUIC_TRY(check_aead_key_sizes(suite, key, iv));
  gnutls_aead_cipher_hd_t handle = nullptr;
  gnutls_datum_t key_datum{const_cast<unsigned char*>(key.data()),
                           static_cast<unsigned int>(key.size())};
  if (gnutls_aead_cipher_init(&handle, gnutls_aead(suite), &key_datum) != 0) {
    return Error::local("gnutls AEAD key setup failed");
  }
  return std::unique_ptr<Aead>(new GnutlsAead(suite, aead_iv_from(iv), handle));
}

}  // namespace tquic::crypto
