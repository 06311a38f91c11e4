#include "crypto/header_protection.h"

namespace tquic::crypto {
namespace {

// Low bits of the first byte covered by protection: 4 for long headers,
// 5 for short headers (RFC 9001 §5.4.1). The header form bit is not secret.
std::uint8_t first_byte_mask_bits(std::uint8_t first_byte) {
  const std::uint8_t is_short = static_cast<std::uint8_t>((~first_byte >> 7) & 1);
  return static_cast<std::uint8_t>(0x0f | (is_short << 4));
}

bool sample_fits(std::size_t packet_size, std::size_t pn_offset) {
  constexpr std::size_t kNeeded = kMaxPacketNumberLength + kHpSampleLength;
  return pn_offset >= 1 && packet_size >= kNeeded && pn_offset <= packet_size - kNeeded;
}

ByteSpan sample_of(MutByteSpan packet, std::size_t pn_offset) {
  return ByteSpan(packet.data() + pn_offset + kMaxPacketNumberLength, kHpSampleLength);
}

}  // namespace

Status check_hp_key_size(CipherSuite suite, ByteSpan hp_key) {
  if (hp_key.size() != cipher_suite_traits(suite).hp_key_length) {
    return Error::local("header protection key has the wrong length for the cipher suite");
  }
  return ok_status();
}

Status apply_header_protection(MutByteSpan packet, std::size_t pn_offset, std::size_t pn_length,
                               HeaderProtector& hp) {
  if (pn_length < 1 || pn_length > kMaxPacketNumberLength) {
    return Error::local("packet number length must be 1..4");
  }
  if (!sample_fits(packet.size(), pn_offset)) {
    return Error::local("packet too short for a header protection sample");
  }
  HeaderProtectionMask mask{};
  TQUIC_TRY(hp.make_mask(sample_of(packet, pn_offset), mask));
  packet[0] = static_cast<std::uint8_t>(packet[0] ^ (mask[0] & first_byte_mask_bits(packet[0])));
  for (std::size_t i = 0; i < pn_length; ++i) {
    packet[pn_offset + i] = static_cast<std::uint8_t>(packet[pn_offset + i] ^ mask[1 + i]);
  }
  return ok_status();
}

Result<RemovedHeaderProtection> remove_header_protection(MutByteSpan packet, std::size_t pn_offset,
                                                         HeaderProtector& hp) {
  RemovedHeaderProtection out;
  if (!sample_fits(packet.size(), pn_offset)) return out;  // too_short
  HeaderProtectionMask mask{};
  TQUIC_TRY(hp.make_mask(sample_of(packet, pn_offset), mask));
  const std::uint8_t first =
      static_cast<std::uint8_t>(packet[0] ^ (mask[0] & first_byte_mask_bits(packet[0])));
  const std::size_t pn_length = static_cast<std::size_t>(first & 0x03) + 1;
  // Unmask exactly pn_length bytes, touching all four the same way.
  std::uint32_t field = 0;
  for (std::size_t i = 0; i < kMaxPacketNumberLength; ++i) {
    const std::uint8_t in_pn =
        static_cast<std::uint8_t>(0 - static_cast<std::uint8_t>(i < pn_length));
    const std::uint8_t b = static_cast<std::uint8_t>(packet[pn_offset + i] ^ (mask[1 + i] & in_pn));
    packet[pn_offset + i] = b;
    field = (field << 8) | b;
  }
  packet[0] = first;
  out.outcome = UnprotectOutcome::ok;
  out.first_byte = first;
  out.pn_length = pn_length;
  out.truncated_pn = field >> (8 * (kMaxPacketNumberLength - pn_length));
  out.header_length = pn_offset + pn_length;
  return out;
}

}  // namespace tquic::crypto
