// Initial packet protection (RFC 9001 §5.2, RFC 9369 §3.3.1):
//   initial_secret = HKDF-Extract(version salt, client's first DCID)
//   client_initial_secret = HKDF-Expand-Label(initial_secret, "client in", "", 32)
//   server_initial_secret = HKDF-Expand-Label(initial_secret, "server in", "", 32)
// always with SHA-256 and AEAD_AES_128_GCM.
#pragma once

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/packet_keys.h"
#include "crypto/quic_version.h"
#include "crypto/secret.h"

namespace tquic::crypto {

inline constexpr CipherSuite kInitialCipherSuite = CipherSuite::aes_128_gcm_sha256;

struct InitialSecrets {
  Secret initial;  // the extracted PRK, kept for tests and diagnostics
  Secret client;
  Secret server;
};

// `client_dcid` is the Destination Connection ID of the client's first
// Initial (or the server-chosen one after a Retry): 0..20 bytes.
Result<InitialSecrets> derive_initial_secrets(QuicVersion version, ByteSpan client_dcid);

struct InitialKeys {
  PacketProtectionKeys client;  // protects what the client sends
  PacketProtectionKeys server;  // protects what the server sends
};

Result<InitialKeys> make_initial_keys(QuicVersion version, ByteSpan client_dcid,
                                      BackendChoice backends);
Result<InitialKeys> make_initial_keys(QuicVersion version, ByteSpan client_dcid);

}  // namespace tquic::crypto
