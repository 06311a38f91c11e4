// Null packet protection for the deterministic simulator and the fuzzers:
// the "ciphertext" is the plaintext, header protection masks nothing, but
// the 16-byte tag is still a keyed checksum over key, nonce, associated data
// and payload that open() verifies, so corruption, a wrong key phase or a
// wrong packet number are still detected.
//
// The only way to obtain it is the explicitly named factory below; no
// CipherSuite or TLS cipher suite id maps to it (see backend_selection.h).
#pragma once

#include <memory>

#include "crypto/aead.h"
#include "crypto/header_protection.h"

namespace tquic::crypto {

struct NullProtection {
  std::unique_ptr<Aead> aead;  // keyed with an all-zero key and IV
  std::unique_ptr<HeaderProtector> header_protector;
  AeadFactory aead_factory = nullptr;  // more null AEADs, keyed (for key updates)
};

NullProtection make_null_protection_for_testing();

}  // namespace tquic::crypto
