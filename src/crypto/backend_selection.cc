#include "crypto/backend_selection.h"

#include "crypto/aead_gnutls.h"
#include "crypto/aead_openssl.h"

namespace tquic::crypto {

BackendChoice default_backends(CipherSuite suite) {
  // bench_aead on the reference VM (docs/CRYPTO.md "Backend choice"):
  //  - AES-GCM AEAD: GnuTLS (nettle) seals/opens 1.2-1.45x faster than
  //    OpenSSL 3.0, whose per-call provider overhead dominates at 1350 bytes.
  //  - ChaCha20-Poly1305 AEAD: OpenSSL is ~5x faster than GnuTLS.
  //  - Header protection masks are a tie (within 5%) for every suite; OpenSSL
  //    does AES-ECB natively (GnuTLS needs a CBC IV reset per mask).
  switch (suite) {
    case CipherSuite::aes_128_gcm_sha256:
    case CipherSuite::aes_256_gcm_sha384: return {CryptoBackend::gnutls, CryptoBackend::openssl};
    case CipherSuite::chacha20_poly1305_sha256:
      return {CryptoBackend::openssl, CryptoBackend::openssl};
  }
  return {CryptoBackend::openssl, CryptoBackend::openssl};
}

Result<std::unique_ptr<Aead>> make_aead_with(CryptoBackend backend, CipherSuite suite, ByteSpan key,
                                             ByteSpan iv) {
  switch (backend) {
    case CryptoBackend::openssl: return make_openssl_aead(suite, key, iv);
    case CryptoBackend::gnutls: return make_gnutls_aead(suite, key, iv);
    case CryptoBackend::null_for_testing: break;
  }
  return Error::local("no AEAD backend for this request");
}

Result<std::unique_ptr<Aead>> make_aead(CipherSuite suite, ByteSpan key, ByteSpan iv) {
  return make_aead_with(default_backends(suite).aead, suite, key, iv);
}

Result<std::unique_ptr<HeaderProtector>> make_header_protector_with(CryptoBackend backend,
                                                                    CipherSuite suite,
                                                                    ByteSpan hp_key) {
  switch (backend) {
    case CryptoBackend::openssl: return make_openssl_header_protector(suite, hp_key);
    case CryptoBackend::gnutls: return make_gnutls_header_protector(suite, hp_key);
    case CryptoBackend::null_for_testing: break;
  }
  return Error::local("no header protection backend for this request");
}

Result<std::unique_ptr<HeaderProtector>> make_header_protector(CipherSuite suite, ByteSpan hp_key) {
  return make_header_protector_with(default_backends(suite).header_protection, suite, hp_key);
}

Result<std::unique_ptr<Aead>> make_aead_for_tls_suite(std::uint16_t tls_id, ByteSpan key,
                                                      ByteSpan iv) {
  TQUIC_TRY_ASSIGN(const CipherSuite suite, cipher_suite_from_tls_id(tls_id));
  return make_aead(suite, key, iv);
}

}  // namespace tquic::crypto
