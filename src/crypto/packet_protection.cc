#include "crypto/packet_protection.h"

namespace tquic::crypto {

std::uint64_t decode_packet_number(std::uint64_t largest_pn, std::uint32_t truncated_pn,
                                   std::size_t pn_length) {
  const std::uint64_t expected_pn = largest_pn + 1;  // kNoPacketNumber wraps to 0
  const std::uint64_t pn_win = std::uint64_t{1} << (8 * pn_length);
  const std::uint64_t pn_hwin = pn_win / 2;
  const std::uint64_t pn_mask = pn_win - 1;
  const std::uint64_t candidate = (expected_pn & ~pn_mask) | (truncated_pn & pn_mask);
  // candidate <= expected_pn - pn_hwin (no underflow: checked as an addition)
  // and candidate < 2^62 - pn_win  ->  move up one window.
  const std::uint64_t up =
      static_cast<std::uint64_t>(candidate + pn_hwin <= expected_pn) &
      static_cast<std::uint64_t>(candidate < (std::uint64_t{1} << 62) - pn_win);
  // candidate > expected_pn + pn_hwin and candidate >= pn_win  ->  move down.
  const std::uint64_t down = static_cast<std::uint64_t>(candidate > expected_pn + pn_hwin) &
                             static_cast<std::uint64_t>(candidate >= pn_win);
  return candidate + up * pn_win - down * pn_win;
}

Result<std::size_t> protect(MutByteSpan packet, std::size_t pn_offset, std::size_t pn_length,
                            std::uint64_t packet_number, std::size_t payload_len, Aead& aead,
                            HeaderProtector& hp) {
  if (pn_length < 1 || pn_length > kMaxPacketNumberLength) {
    return Error::local("packet number length must be 1..4");
  }
  if (pn_offset < 1 || pn_offset > packet.size() || packet.size() - pn_offset < pn_length) {
    return Error::local("packet number outside the packet");
  }
  const std::size_t header_length = pn_offset + pn_length;
  if (packet.size() - header_length < kAeadTagLength ||
      payload_len > packet.size() - header_length - kAeadTagLength) {
    return Error::local("packet buffer too small for payload and tag");
  }
  if (pn_length + payload_len + kAeadTagLength < kMaxPacketNumberLength + kHpSampleLength) {
    return Error::local("payload too short for the header protection sample");
  }
  if (static_cast<std::size_t>(packet[0] & 0x03) + 1 != pn_length) {
    return Error::local("first byte packet number length disagrees with pn_length");
  }
  for (std::size_t i = 0; i < pn_length; ++i) {
    packet[pn_offset + i] = static_cast<std::uint8_t>(packet_number >> (8 * (pn_length - 1 - i)));
  }
  const std::size_t total = header_length + payload_len + kAeadTagLength;
  const MutByteSpan protected_packet = packet.first(total);
  TQUIC_TRY(aead.seal(packet_number, protected_packet.first(header_length),
                      protected_packet.subspan(header_length)));
  TQUIC_TRY(apply_header_protection(protected_packet, pn_offset, pn_length, hp));
  return total;
}

Result<UnprotectedPacket> open_payload(MutByteSpan packet, const RemovedHeaderProtection& header,
                                       std::uint64_t packet_number, Aead& aead) {
  UnprotectedPacket out;
  out.outcome = header.outcome;
  if (header.outcome != UnprotectOutcome::ok) return out;
  if (header.header_length > packet.size() ||
      packet.size() - header.header_length < kAeadTagLength) {
    out.outcome = UnprotectOutcome::too_short;
    return out;
  }
  const MutByteSpan body = packet.subspan(header.header_length);
  TQUIC_TRY_ASSIGN(const OpenOutcome opened,
                   aead.open(packet_number, packet.first(header.header_length), body));
  out.first_byte = header.first_byte;
  out.header_length = header.header_length;
  out.pn_length = header.pn_length;
  out.packet_number = packet_number;
  if (opened != OpenOutcome::ok) {
    out.outcome = UnprotectOutcome::authentication_failed;
    return out;
  }
  out.outcome = UnprotectOutcome::ok;
  out.payload = body.first(body.size() - kAeadTagLength);
  return out;
}

Result<UnprotectedPacket> unprotect(MutByteSpan packet, std::size_t pn_offset,
                                    std::uint64_t largest_pn, Aead& aead, HeaderProtector& hp) {
  TQUIC_TRY_ASSIGN(const RemovedHeaderProtection header,
                   remove_header_protection(packet, pn_offset, hp));
  if (header.outcome != UnprotectOutcome::ok) {
    UnprotectedPacket out;
    out.outcome = header.outcome;
    return out;
  }
  const std::uint64_t pn = decode_packet_number(largest_pn, header.truncated_pn, header.pn_length);
  return open_payload(packet, header, pn, aead);
}

}  // namespace tquic::crypto
