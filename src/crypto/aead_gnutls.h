// AEAD backed by GnuTLS: gnutls_aead_cipher_init once per key, then
// gnutls_aead_cipher_encrypt/decrypt in place per packet (these do not
// allocate; see docs/CRYPTO.md for the measurement).
#pragma once

#include <memory>

#include "crypto/aead.h"

namespace tquic::crypto {

Result<std::unique_ptr<Aead>> make_gnutls_aead(CipherSuite suite, ByteSpan key, ByteSpan iv);

}  // namespace tquic::crypto
