// From a traffic secret to packet protection keys (RFC 9001 §5.1):
//   key = HKDF-Expand-Label(secret, "quic key", "", key_length)
//   iv  = HKDF-Expand-Label(secret, "quic iv",  "", 12)
//   hp  = HKDF-Expand-Label(secret, "quic hp",  "", hp_key_length)
// with the "quicv2 ..." labels for QUIC v2 (RFC 9369 §3.3.2).
#pragma once

#include <memory>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/aead.h"
#include "crypto/backend_selection.h"
#include "crypto/cipher_suite.h"
#include "crypto/header_protection.h"
#include "crypto/quic_version.h"
#include "crypto/secret.h"

namespace tquic::crypto {

struct PacketKeyMaterial {
  Secret key;
  Secret iv;
  Secret hp_key;
};

// `secret` must be hash_length() of the suite's hash.
Result<PacketKeyMaterial> derive_packet_key_material(CipherSuite suite, QuicVersion version,
                                                     ByteSpan secret);
// Only the AEAD key and IV (used by key updates, which keep the hp key).
Status derive_aead_key_iv(CipherSuite suite, QuicVersion version, ByteSpan secret, Secret& key,
                          Secret& iv);

// The keys protecting one direction at one encryption level.
struct PacketProtectionKeys {
  std::unique_ptr<Aead> aead;
  std::unique_ptr<HeaderProtector> header_protector;
};

Result<PacketProtectionKeys> make_packet_protection_keys(CipherSuite suite, QuicVersion version,
                                                         ByteSpan secret, BackendChoice backends);
Result<PacketProtectionKeys> make_packet_protection_keys(CipherSuite suite, QuicVersion version,
                                                         ByteSpan secret);

}  // namespace tquic::crypto
