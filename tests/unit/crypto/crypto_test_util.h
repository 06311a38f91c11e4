// Small helpers shared by the crypto tests.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "crypto/aead.h"
#include "crypto/backend_selection.h"
#include "crypto/crypto_backend.h"
#include "crypto/header_protection.h"

namespace tquic::crypto::test {

// Hex to bytes; whitespace is ignored (the RFC text wraps long values).
inline std::vector<std::uint8_t> hex(std::string_view text) {
  std::vector<std::uint8_t> out;
  int hi = -1;
  for (char c : text) {
    int v = -1;
    if (c >= '0' && c <= '9')
      v = c - '0';
    else if (c >= 'a' && c <= 'f')
      v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      v = c - 'A' + 10;
    if (v < 0) continue;
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

inline std::string to_hex(ByteSpan bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (std::uint8_t b : bytes) {
    s.push_back(kDigits[b >> 4]);
    s.push_back(kDigits[b & 15]);
  }
  return s;
}

inline constexpr CryptoBackend kRealBackends[] = {CryptoBackend::openssl, CryptoBackend::gnutls};

inline std::unique_ptr<Aead> must_make_aead(CryptoBackend backend, CipherSuite suite, ByteSpan key,
                                            ByteSpan iv) {
  auto r = make_aead_with(backend, suite, key, iv);
  return r ? std::move(*r) : nullptr;
}

inline std::unique_ptr<HeaderProtector> must_make_hp(CryptoBackend backend, CipherSuite suite,
                                                     ByteSpan hp_key) {
  auto r = make_header_protector_with(backend, suite, hp_key);
  return r ? std::move(*r) : nullptr;
}

}  // namespace tquic::crypto::test
