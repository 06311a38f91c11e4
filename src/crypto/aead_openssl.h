// AEAD backed by OpenSSL libcrypto: one EVP_CIPHER_CTX per key, keyed once;
// each packet re-initialises only the nonce.
#pragma once

#include <memory>

#include "crypto/aead.h"

namespace tquic::crypto {

Result<std::unique_ptr<Aead>> make_openssl_aead(CipherSuite suite, ByteSpan key, ByteSpan iv);

}  // namespace tquic::crypto
