#include "wire/packet_header.h"

#include "wire/header_drop.h"
#include "wire/invariant_header.h"
#include "wire/varint.h"
#include "wire/version.h"

namespace tquic::wire {
namespace {

constexpr std::size_t kRetryTagLength = 16;  // RFC 9001 §5.8
// The smallest protected packet: a 4-byte-offset sample of 16 bytes.
constexpr std::size_t kMinBytesAfterPnOffset = kMaxPacketNumberLength + kHeaderProtectionSampleLength;

constexpr Error kTruncated = header_drop(HeaderDropReason::truncated, "packet header truncated");
constexpr Error kNoSample =
    header_drop(HeaderDropReason::too_short_for_sample, "packet too short for the HP sample");

// Copies the invariant CID views into ConnectionIds; v1/v2 CIDs are <= 20.
Status copy_cids(const InvariantHeader& inv, PacketHeader& h) {
  if (!ConnectionId::from_bytes(inv.dcid, h.dcid) || !ConnectionId::from_bytes(inv.scid, h.scid))
    return header_drop(HeaderDropReason::cid_too_long, "connection ID longer than 20 bytes");
  return ok_status();
}

// RFC 9000 §17.3.1.
Result<PacketHeader> parse_short(ByteSpan rest, const InvariantHeader& inv) {
  if ((inv.first_byte & kFixedBit) == 0)
    return header_drop(HeaderDropReason::fixed_bit_zero, "fixed bit is 0");
  PacketHeader h;
  h.type = PacketType::one_rtt;
  h.first_byte = inv.first_byte;
  (void)ConnectionId::from_bytes(inv.dcid, h.dcid);  // caller's length is <= 20
  h.spin_bit = (inv.first_byte & 0x20) != 0;
  h.pn_offset = inv.length;
  h.packet_size = rest.size();
  if (h.packet_size - h.pn_offset < kMinBytesAfterPnOffset) return kNoSample;
  return h;
}

// RFC 9000 §17.2.1: the rest of the datagram is a non-empty list of 32-bit
// versions. The Unused bits (fixed bit included) are ignored.
Result<PacketHeader> parse_version_negotiation_header(ByteSpan rest, const InvariantHeader& inv) {
  PacketHeader h;
  h.type = PacketType::version_negotiation;
  h.first_byte = inv.first_byte;
  TQUIC_TRY(copy_cids(inv, h));
  const std::size_t versions_len = rest.size() - inv.length;
  if (versions_len == 0 || versions_len % 4 != 0)
    return header_drop(HeaderDropReason::malformed_version_negotiation,
                       "version negotiation list empty or not a multiple of 4");
  h.packet_size = rest.size();
  return h;
}

// RFC 9000 §17.2.5: Retry Token (non-empty) then a 16-byte tag, to the end
// of the datagram.
Result<PacketHeader> finish_retry(ByteSpan rest, std::size_t token_offset, PacketHeader h) {
  const std::size_t after = rest.size() - token_offset;
  if (after <= kRetryTagLength)
    return header_drop(HeaderDropReason::malformed_retry, "retry without token or tag");
  h.token = rest.subspan(token_offset, after - kRetryTagLength);
  h.retry_integrity_tag = rest.subspan(rest.size() - kRetryTagLength);
  h.packet_size = rest.size();
  return h;
}

// Initial/0-RTT/Handshake: [Token Length, Token,] Length, then the PN.
Result<PacketHeader> finish_with_length(ByteReader& r, PacketHeader h) {
  if (h.type == PacketType::initial) {
    std::uint64_t token_len = 0;
    if (!read_varint(r, token_len) || token_len > r.remaining()) return kTruncated;
    (void)r.read_span(static_cast<std::size_t>(token_len), h.token);
  }
  if (!read_varint(r, h.length)) return kTruncated;
  if (h.length > r.remaining())
    return header_drop(HeaderDropReason::length_exceeds_datagram,
                       "length field exceeds the datagram");
  h.pn_offset = r.position();
  h.packet_size = h.pn_offset + static_cast<std::size_t>(h.length);
  if (h.length < kMinBytesAfterPnOffset) return kNoSample;
  return h;
}

Result<PacketHeader> parse_long(ByteSpan rest, const InvariantHeader& inv) {
  if (inv.version == kVersionNegotiationVersion) return parse_version_negotiation_header(rest, inv);
  if (!is_supported_version(inv.version))
    return header_drop(HeaderDropReason::unsupported_version, "unsupported version");
  if ((inv.first_byte & kFixedBit) == 0)
    return header_drop(HeaderDropReason::fixed_bit_zero, "fixed bit is 0");
  PacketHeader h;
  h.first_byte = inv.first_byte;
  h.version = inv.version;
  TQUIC_TRY(copy_cids(inv, h));
  (void)long_packet_type_from_bits(inv.version, static_cast<std::uint8_t>(inv.first_byte >> 4),
                                   h.type);
  if (h.type == PacketType::retry) return finish_retry(rest, inv.length, h);
  ByteReader r(rest);
  (void)r.skip(inv.length);
  return finish_with_length(r, h);
}

}  // namespace

Result<PacketHeader> parse_packet_header(ByteSpan datagram_rest,
                                         std::size_t short_header_dcid_len) {
  if (short_header_dcid_len > kMaxCidLength)
    return Error::local("short header connection ID length above 20");
  TQUIC_TRY_ASSIGN(const InvariantHeader inv,
                   parse_invariant_header(datagram_rest, short_header_dcid_len));
  if (!inv.long_header) return parse_short(datagram_rest, inv);
  return parse_long(datagram_rest, inv);
}

Result<UnprotectedHeader> read_unprotected_header(ByteSpan packet, const PacketHeader& header) {
  if (!has_packet_number(header.type)) return Error::local("packet type has no packet number");
  if (packet.size() < header.packet_size || header.pn_offset >= header.packet_size)
    return kTruncated;
  UnprotectedHeader u;
  u.first_byte = packet[0];
  u.pn_length = packet_number_length_from_first_byte(u.first_byte);
  const bool is_long = header.is_long_header();
  u.key_phase = !is_long && key_phase_from_first_byte(u.first_byte);
  u.reserved_bits = reserved_bits_from_first_byte(u.first_byte, is_long);
  ByteReader r(packet.first(header.packet_size));
  if (!r.skip(header.pn_offset) || !read_truncated_packet_number(r, u.pn_length, u.truncated_pn))
    return kTruncated;
  u.payload_offset = r.position();
  u.payload_length = r.remaining();
  return u;
}

Status check_reserved_bits(const UnprotectedHeader& h) {
  if (h.reserved_bits != 0)
    return Error::transport(TransportErrorCode::PROTOCOL_VIOLATION, "reserved bits are not zero");
  return ok_status();
}

}  // namespace tquic::wire
