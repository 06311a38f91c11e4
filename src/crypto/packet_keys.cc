#include "crypto/packet_keys.h"

#include "crypto/hkdf.h"

namespace tquic::crypto {
namespace {

Status expand_into(HashAlgorithm hash, ByteSpan secret, std::string_view label, std::size_t len,
                   Secret& out) {
  if (!out.resize(len)) return Error::local("derived key too long");
  return hkdf_expand_label(hash, secret, label, ByteSpan(), out.mutable_span());
}

Status check_secret(CipherSuite suite, ByteSpan secret) {
  if (secret.size() != hash_length(cipher_suite_traits(suite).hash)) {
    return Error::local("traffic secret length does not match the suite's hash");
  }
  return ok_status();
}

}  // namespace

Status derive_aead_key_iv(CipherSuite suite, QuicVersion version, ByteSpan secret, Secret& key,
                          Secret& iv) {
  TQUIC_TRY(check_secret(suite, secret));
  const CipherSuiteTraits& t = cipher_suite_traits(suite);
  const VersionConstants& v = version_constants(version);
  TQUIC_TRY(expand_into(t.hash, secret, v.key_label, t.key_length, key));
  return expand_into(t.hash, secret, v.iv_label, kAeadIvLength, iv);
}

Result<PacketKeyMaterial> derive_packet_key_material(CipherSuite suite, QuicVersion version,
                                                     ByteSpan secret) {
  PacketKeyMaterial m;
  TQUIC_TRY(derive_aead_key_iv(suite, version, secret, m.key, m.iv));
  const CipherSuiteTraits& t = cipher_suite_traits(suite);
  TQUIC_TRY(
      expand_into(t.hash, secret, version_constants(version).hp_label, t.hp_key_length, m.hp_key));
  return m;
}

Result<PacketProtectionKeys> make_packet_protection_keys(CipherSuite suite, QuicVersion version,
                                                         ByteSpan secret, BackendChoice backends) {
  TQUIC_TRY_ASSIGN(const PacketKeyMaterial m, derive_packet_key_material(suite, version, secret));
  PacketProtectionKeys keys;
  TQUIC_TRY_ASSIGN(keys.aead, make_aead_with(backends.aead, suite, m.key.span(), m.iv.span()));
  TQUIC_TRY_ASSIGN(keys.header_protector,
                   make_header_protector_with(backends.header_protection, suite, m.hp_key.span()));
  return keys;
}

Result<PacketProtectionKeys> make_packet_protection_keys(CipherSuite suite, QuicVersion version,
                                                         ByteSpan secret) {
  return make_packet_protection_keys(suite, version, secret, default_backends(suite));
}

}  // namespace tquic::crypto
