#include "endpoint/retry_responder.h"

#include <array>
#include <cstring>

#include "wire/retry_packet.h"
#include "wire/version.h"

namespace tquic::endpoint {

Status RetryResponder::configure() {
  auto a = crypto::RetryIntegrity::create(crypto::QuicVersion::v1);
  if (!a) return a.error();
  auto b = crypto::RetryIntegrity::create(crypto::QuicVersion::v2);
  if (!b) return b.error();
  v1_.emplace(std::move(*a));
  v2_.emplace(std::move(*b));
  return ok_status();
}

Result<std::size_t> RetryResponder::write(const RetryRequest& r, MutByteSpan out) {
  crypto::RetryIntegrity* integrity = r.version == wire::kQuicVersion1   ? (v1_ ? &*v1_ : nullptr)
                                      : r.version == wire::kQuicVersion2 ? (v2_ ? &*v2_ : nullptr)
                                                                         : nullptr;
  if (!integrity) return Error::local("no Retry integrity key for this version");
  wire::RetryFields f;
  f.version = r.version;
  f.dcid = r.client_scid;
  f.scid = r.retry_scid;
  f.token = r.token;
  f.unused_bits = r.unused_bits;
  const std::size_t body = wire::retry_size_without_tag(f);
  if (body == 0 || body + wire::kRetryIntegrityTagLength > out.size()) return Error::local("Retry does not fit");
  ByteWriter w(out);
  TQUIC_TRY(wire::write_retry(w, f));
  // Pseudo-packet: ODCID length | ODCID | Retry without tag (RFC 9001 §5.8).
  std::array<std::uint8_t, 1 + wire::kMaxCidLength + 512> pseudo{};
  if (1 + r.original_dcid.size() + body > pseudo.size()) return Error::local("Retry too large");
  ByteWriter pw(pseudo);
  TQUIC_TRY(wire::write_retry_pseudo_packet(pw, r.original_dcid, w.data()));
  TQUIC_TRY_ASSIGN(crypto::RetryIntegrityTag tag, integrity->compute_tag(pw.data()));
  std::memcpy(out.data() + body, tag.data(), tag.size());
  return body + tag.size();
}

}  // namespace tquic::endpoint
