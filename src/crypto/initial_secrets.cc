#include "crypto/initial_secrets.h"

#include "crypto/hkdf.h"
#include "wire/connection_id.h"

namespace tquic::crypto {

Result<InitialSecrets> derive_initial_secrets(QuicVersion version, ByteSpan client_dcid) {
  if (client_dcid.size() > wire::kMaxCidLength)
    return Error::local("Initial DCID longer than 20 bytes");
  constexpr HashAlgorithm kHash = HashAlgorithm::sha256;
  constexpr std::size_t kLen = hash_length(kHash);
  InitialSecrets s;
  if (!s.initial.resize(kLen) || !s.client.resize(kLen) || !s.server.resize(kLen)) {
    return Error::local("initial secret buffer too small");
  }
  TQUIC_TRY(hkdf_extract(kHash, version_constants(version).initial_salt, client_dcid,
                         s.initial.mutable_span()));
  TQUIC_TRY(
      hkdf_expand_label(kHash, s.initial.span(), "client in", ByteSpan(), s.client.mutable_span()));
  TQUIC_TRY(
      hkdf_expand_label(kHash, s.initial.span(), "server in", ByteSpan(), s.server.mutable_span()));
  return s;
}

Result<InitialKeys> make_initial_keys(QuicVersion version, ByteSpan client_dcid,
                                      BackendChoice backends) {
  TQUIC_TRY_ASSIGN(const InitialSecrets s, derive_initial_secrets(version, client_dcid));
  InitialKeys keys;
  TQUIC_TRY_ASSIGN(keys.client, make_packet_protection_keys(kInitialCipherSuite, version,
                                                            s.client.span(), backends));
  TQUIC_TRY_ASSIGN(keys.server, make_packet_protection_keys(kInitialCipherSuite, version,
                                                            s.server.span(), backends));
  return keys;
}

Result<InitialKeys> make_initial_keys(QuicVersion version, ByteSpan client_dcid) {
  return make_initial_keys(version, client_dcid, default_backends(kInitialCipherSuite));
}

}  // namespace tquic::crypto
