#include "wire/version_negotiation.h"

#include "wire/header_drop.h"
#include "wire/invariant_header.h"
#include "wire/version.h"

namespace tquic::wire {

Result<VersionNegotiationPacket> parse_version_negotiation(ByteSpan packet) {
  TQUIC_TRY_ASSIGN(const InvariantHeader inv, parse_invariant_header(packet, 0));
  if (!inv.long_header || inv.version != kVersionNegotiationVersion)
    return header_drop(HeaderDropReason::malformed_version_negotiation,
                       "not a version negotiation packet");
  const ByteSpan list = packet.subspan(inv.length);
  if (list.empty() || list.size() % 4 != 0)
    return header_drop(HeaderDropReason::malformed_version_negotiation,
                       "version negotiation list empty or not a multiple of 4");
  VersionNegotiationPacket vn;
  vn.first_byte = inv.first_byte;
  vn.dcid = inv.dcid;
  vn.scid = inv.scid;
  vn.versions = VersionList(list);
  return vn;
}

std::size_t version_negotiation_size(std::size_t dcid_length, std::size_t scid_length,
                                     std::size_t version_count) {
  if (dcid_length > kMaxInvariantCidLength || scid_length > kMaxInvariantCidLength) return 0;
  if (version_count == 0 || version_count > SIZE_MAX / 8) return 0;
  return 1 + 4 + 1 + dcid_length + 1 + scid_length + 4 * version_count;
}

Status write_version_negotiation(ByteWriter& w, ByteSpan dcid, ByteSpan scid,
                                 std::span<const std::uint32_t> versions,
                                 std::uint8_t random_first_byte_bits) {
  const std::size_t size = version_negotiation_size(dcid.size(), scid.size(), versions.size());
  if (size == 0) return Error::local("invalid version negotiation fields");
  if (w.remaining() < size) return Error::blocked("no room for version negotiation");
  // Every write below fits: the size was checked above.
  (void)w.write_u8(static_cast<std::uint8_t>(kHeaderFormBit | kFixedBit |
                                             (random_first_byte_bits & 0x3f)));
  (void)w.write_u32(kVersionNegotiationVersion);
  (void)w.write_u8(static_cast<std::uint8_t>(dcid.size()));
  (void)w.write_bytes(dcid);
  (void)w.write_u8(static_cast<std::uint8_t>(scid.size()));
  (void)w.write_bytes(scid);
  for (std::uint32_t v : versions) (void)w.write_u32(v);
  return ok_status();
}

}  // namespace tquic::wire
