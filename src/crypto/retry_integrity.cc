#include "crypto/retry_integrity.h"

#include "crypto/backend_selection.h"

namespace tquic::crypto {

Result<std::size_t> build_retry_pseudo_packet(const wire::ConnectionId& original_dcid,
                                              ByteSpan retry_without_tag, MutByteSpan out) {
  ByteWriter w(out);
  if (!w.write_u8(static_cast<std::uint8_t>(original_dcid.size())) ||
      !w.write_bytes(original_dcid.span()) || !w.write_bytes(retry_without_tag)) {
    return Error::local("retry pseudo-packet buffer too small");
  }
  return w.written();
}

Result<RetryIntegrity> RetryIntegrity::create(QuicVersion version) {
  return create(version, default_backends(CipherSuite::aes_128_gcm_sha256).aead);
}

Result<RetryIntegrity> RetryIntegrity::create(QuicVersion version, CryptoBackend backend) {
  const VersionConstants& v = version_constants(version);
  TQUIC_TRY_ASSIGN(auto aead, make_aead_with(backend, CipherSuite::aes_128_gcm_sha256, v.retry_key,
                                             v.retry_nonce));
  return RetryIntegrity(std::move(aead));
}

Result<RetryIntegrityTag> RetryIntegrity::compute_tag(ByteSpan pseudo_packet) {
  // Empty plaintext: the sealed buffer is just the tag. Packet number 0
  // leaves the fixed nonce as it is.
  RetryIntegrityTag tag{};
  TQUIC_TRY(aead_->seal(0, pseudo_packet, MutByteSpan(tag)));
  return tag;
}

Result<bool> RetryIntegrity::verify_tag(ByteSpan pseudo_packet, ByteSpan tag) {
  if (tag.size() != kRetryIntegrityTagLength) return false;
  RetryIntegrityTag buffer{};
  for (std::size_t i = 0; i < buffer.size(); ++i) buffer[i] = tag[i];
  TQUIC_TRY_ASSIGN(const OpenOutcome outcome, aead_->open(0, pseudo_packet, MutByteSpan(buffer)));
  return outcome == OpenOutcome::ok;
}

}  // namespace tquic::crypto
