// Which library protects packets for each cipher suite. The defaults come
// from bench/aead_bench.cc on the project's reference machine; the numbers
// and the exact command are in docs/CRYPTO.md.
//
// These factories only ever return OpenSSL or GnuTLS objects: asking for
// CryptoBackend::null_for_testing here is an error (the null protection is
// reachable only through make_null_protection_for_testing()).
#pragma once

#include <memory>

#include "crypto/aead.h"
#include "crypto/crypto_backend.h"
#include "crypto/header_protection.h"

namespace tquic::crypto {

struct BackendChoice {
  CryptoBackend aead;
  CryptoBackend header_protection;
};

// Measured per-suite default (docs/CRYPTO.md, "Backend choice").
BackendChoice default_backends(CipherSuite suite);

Result<std::unique_ptr<Aead>> make_aead_with(CryptoBackend backend, CipherSuite suite, ByteSpan key,
                                             ByteSpan iv);
// With default_backends(suite).aead. Usable as an AeadFactory.
Result<std::unique_ptr<Aead>> make_aead(CipherSuite suite, ByteSpan key, ByteSpan iv);

Result<std::unique_ptr<HeaderProtector>> make_header_protector_with(CryptoBackend backend,
                                                                    CipherSuite suite,
                                                                    ByteSpan hp_key);
Result<std::unique_ptr<HeaderProtector>> make_header_protector(CipherSuite suite, ByteSpan hp_key);

// Creates an AEAD for the TLS 1.3 cipher suite id negotiated by the
// handshake (0x1301, 0x1302, 0x1303); any other id is refused.
Result<std::unique_ptr<Aead>> make_aead_for_tls_suite(std::uint16_t tls_id, ByteSpan key,
                                                      ByteSpan iv);

}  // namespace tquic::crypto
