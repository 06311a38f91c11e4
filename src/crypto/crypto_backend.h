// Which library implements an AEAD or header protection context.
#pragma once

#include <cstdint>

namespace tquic::crypto {

enum class CryptoBackend : std::uint8_t {
  openssl,           // OpenSSL libcrypto (EVP)
  gnutls,            // GnuTLS (nettle underneath)
  null_for_testing,  // make_null_protection_for_testing() only; never from a TLS suite
};

constexpr const char* crypto_backend_name(CryptoBackend b) {
  switch (b) {
    case CryptoBackend::openssl: return "openssl";
    case CryptoBackend::gnutls: return "gnutls";
    case CryptoBackend::null_for_testing: return "null";
  }
  return "?";
}

}  // namespace tquic::crypto
