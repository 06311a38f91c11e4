#include "wire/retry_packet.h"

#include "wire/header_drop.h"
#include "wire/invariant_header.h"
#include "wire/packet_header.h"

namespace tquic::wire {

std::size_t retry_size_without_tag(const RetryFields& f) {
  std::uint8_t bits = 0;
  if (!long_packet_type_bits(f.version, PacketType::retry, bits) || f.token.empty()) return 0;
  return 1 + 4 + 1 + f.dcid.size() + 1 + f.scid.size() + f.token.size();
}

Status write_retry(ByteWriter& w, const RetryFields& f) {
  const std::size_t size = retry_size_without_tag(f);
  if (size == 0) return Error::local("invalid retry fields");
  if (w.remaining() < size) return Error::blocked("no room for the retry packet");
  std::uint8_t type_bits = 0;
  (void)long_packet_type_bits(f.version, PacketType::retry, type_bits);
  // Every write below fits: the size was checked above.
  (void)w.write_u8(static_cast<std::uint8_t>(kHeaderFormBit | kFixedBit | (type_bits << 4) |
                                             (f.unused_bits & 0x0f)));
  (void)w.write_u32(f.version);
  (void)w.write_u8(static_cast<std::uint8_t>(f.dcid.size()));
  (void)w.write_bytes(f.dcid.span());
  (void)w.write_u8(static_cast<std::uint8_t>(f.scid.size()));
  (void)w.write_bytes(f.scid.span());
  (void)w.write_bytes(f.token);
  return ok_status();
}

Result<RetryPacket> parse_retry(ByteSpan packet) {
  TQUIC_TRY_ASSIGN(const PacketHeader h, parse_packet_header(packet, 0));
  if (h.type != PacketType::retry)
    return header_drop(HeaderDropReason::malformed_retry, "not a retry packet");
  RetryPacket p;
  p.first_byte = h.first_byte;
  p.version = h.version;
  p.dcid = h.dcid;
  p.scid = h.scid;
  p.token = h.token;
  p.integrity_tag = h.retry_integrity_tag;
  p.without_tag = packet.first(h.packet_size - kRetryIntegrityTagLength);
  return p;
}

std::size_t retry_pseudo_packet_size(const ConnectionId& original_dcid,
                                     ByteSpan retry_without_tag) {
  return 1 + original_dcid.size() + retry_without_tag.size();
}

Status write_retry_pseudo_packet(ByteWriter& w, const ConnectionId& original_dcid,
                                 ByteSpan retry_without_tag) {
  if (w.remaining() < retry_pseudo_packet_size(original_dcid, retry_without_tag))
    return Error::blocked("no room for the retry pseudo-packet");
  (void)w.write_u8(static_cast<std::uint8_t>(original_dcid.size()));
  (void)w.write_bytes(original_dcid.span());
  (void)w.write_bytes(retry_without_tag);
  return ok_status();
}

}  // namespace tquic::wire
