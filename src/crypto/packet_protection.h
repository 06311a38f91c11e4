// Protecting and unprotecting whole QUIC packets in place (RFC 9001 §5.3,
// §5.4): the AEAD seals the payload with the header as associated data, then
// header protection hides the first byte's low bits and the packet number.
//
// Layout of `packet` (one QUIC packet; for a long header the caller slices it
// to pn_offset + the Length field):
//
//   [0, pn_offset)                   header up to the packet number
//   [pn_offset, pn_offset+pn_len)    packet number field
//   [.., +payload_len)               payload (plaintext / ciphertext)
//   [.., +16)                        AEAD tag
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/aead.h"
#include "crypto/header_protection.h"

namespace tquic::crypto {

// "No packet received yet in this space" for decode_packet_number().
inline constexpr std::uint64_t kNoPacketNumber = ~std::uint64_t{0};
inline constexpr std::uint64_t kMaxPacketNumber = (std::uint64_t{1} << 62) - 1;

// RFC 9000 §17.1 / Appendix A.3: the packet number closest to largest_pn + 1
// whose low 8 * pn_length bits are `truncated_pn`. Pass kNoPacketNumber as
// largest_pn before any packet was processed in the space. Branch-free.
std::uint64_t decode_packet_number(std::uint64_t largest_pn, std::uint32_t truncated_pn,
                                   std::size_t pn_length);

// Writes the low pn_length bytes of `packet_number` at pn_offset, seals the
// payload_len bytes that follow the packet number in place (the 16 bytes
// after them receive the tag), then applies header protection. The first
// byte's Packet Number Length bits must already say pn_length. The sample
// must fit: pn_length + payload_len + 16 >= 20 (RFC 9001 §5.4.2; the caller
// pads). Returns the protected packet length, pn_offset + pn_length +
// payload_len + 16.
Result<std::size_t> protect(MutByteSpan packet, std::size_t pn_offset, std::size_t pn_length,
                            std::uint64_t packet_number, std::size_t payload_len, Aead& aead,
                            HeaderProtector& hp);

struct UnprotectedPacket {
  // ok: everything below is valid. too_short / authentication_failed: drop
  // the packet (count authentication failures against the integrity limit).
  UnprotectOutcome outcome = UnprotectOutcome::too_short;
  std::uint8_t first_byte = 0;    // header protection removed
  std::size_t header_length = 0;  // pn_offset + pn_length
  std::size_t pn_length = 0;
  std::uint64_t packet_number = 0;  // full, decoded
  MutByteSpan payload;              // plaintext, inside `packet`
};

// Second half of unprotect(): opens the payload after header protection was
// removed and the packet number decoded (lets 1-RTT receivers pick the key
// phase from the first byte in between).
Result<UnprotectedPacket> open_payload(MutByteSpan packet, const RemovedHeaderProtection& header,
                                       std::uint64_t packet_number, Aead& aead);

// Removes header protection (PN length unknown: sample at pn_offset + 4),
// decodes the packet number against largest_pn and opens the payload in
// place. Forgeries and runts come back as outcomes, not errors; Error means
// misuse or a library failure.
Result<UnprotectedPacket> unprotect(MutByteSpan packet, std::size_t pn_offset,
                                    std::uint64_t largest_pn, Aead& aead, HeaderProtector& hp);

}  // namespace tquic::crypto
