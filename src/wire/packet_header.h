// QUIC v1/v2 packet headers (RFC 9000 §17, RFC 9369 §3), parsed in two
// phases because header protection (RFC 9001 §5.4) hides the Packet Number
// Length, the Packet Number, the Reserved Bits and the Key Phase:
//
//  1. parse_packet_header() reads what is visible on the wire: type,
//     version, CIDs, token, Length, where the protected packet number starts
//     (pn_offset) and how many bytes of the datagram this packet occupies
//     (packet_size; long-header packets may be coalesced, RFC 9000 §12.2).
//  2. crypto removes header protection in place; read_unprotected_header()
//     then reads the Packet Number Length, truncated Packet Number, Key
//     Phase and Reserved Bits from the now-clear bytes. After the AEAD opened
//     the packet, check_reserved_bits() turns non-zero Reserved Bits into a
//     PROTOCOL_VIOLATION.
//
// Walking a datagram:
//   ByteSpan rest = datagram;
//   while (!rest.empty()) {
//     auto h = parse_packet_header(rest, our_cid_len);
//     if (!h) break;                       // drop the rest: see header_drop.h
//     handle(rest.first(h->packet_size), *h);
//     rest = rest.subspan(h->packet_size);
//   }
//
// What is a drop and what is an error: every failure of phase 1 is a silent
// drop (wire/header_drop.h explains why and which reasons exist). In phase 2,
// a packet too short for its packet number is a drop; Reserved Bits != 0 is
// the only connection error, raised by check_reserved_bits() after
// successful decryption. Packets of a version we do not speak fail with
// HeaderDropReason::unsupported_version; use parse_invariant_header()
// (wire/invariant_header.h) to get their CIDs (up to 255 bytes) for Version
// Negotiation. The Fixed Bit must be 1: greasing it (RFC 9287) is not
// supported.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "wire/connection_id.h"
#include "wire/packet_number.h"
#include "wire/packet_type.h"

namespace tquic::wire {

// RFC 9001 §5.4.2: the sample starts 4 bytes after the start of the Packet
// Number field (as if it were 4 bytes long) and is 16 bytes for every AEAD
// that QUIC v1 and v2 use.
inline constexpr std::size_t kHeaderProtectionSampleLength = 16;

struct PacketHeader {
  PacketType type = PacketType::one_rtt;
  // First byte as received: for types with a packet number its low bits are
  // still header-protected (mask with header_protection_mask()).
  std::uint8_t first_byte = 0;
  std::uint32_t version = 0;  // long headers; 0 for 1-RTT (the connection knows it)
  ConnectionId dcid;
  ConnectionId scid;           // long headers only
  ByteSpan token;              // Initial: Token; Retry: Retry Token; else empty
  ByteSpan retry_integrity_tag;  // Retry only: the trailing 16 bytes
  std::uint64_t length = 0;    // Length field (Initial, 0-RTT, Handshake)
  std::size_t pn_offset = 0;   // types with a PN: protected PN offset from the packet start
  std::size_t packet_size = 0;  // bytes of this packet within the datagram
  bool spin_bit = false;        // 1-RTT: the latency spin bit is not protected

  bool is_long_header() const { return type != PacketType::one_rtt; }
  // Offset of the header-protection sample from the packet start.
  std::size_t sample_offset() const { return pn_offset + kMaxPacketNumberLength; }
};

// Phase 1. `datagram_rest` starts at the packet and runs to the end of the
// UDP datagram; `short_header_dcid_len` (0..20) is the length of the CIDs
// this endpoint issues. Errors: header drops (wire/header_drop.h), or a
// local error if short_header_dcid_len > 20.
Result<PacketHeader> parse_packet_header(ByteSpan datagram_rest,
                                         std::size_t short_header_dcid_len);

// Header-protection masks for the first byte (RFC 9001 §5.4.1).
constexpr std::uint8_t header_protection_mask(bool long_header) {
  return long_header ? 0x0f : 0x1f;
}

// Readers for an *unprotected* first byte.
constexpr std::size_t packet_number_length_from_first_byte(std::uint8_t b) {
  return static_cast<std::size_t>(b & 0x03) + 1;
}
constexpr bool key_phase_from_first_byte(std::uint8_t b) { return (b & 0x04) != 0; }
// Long header: bits 0x0c; short header: bits 0x18. Returns them as 0..3.
constexpr std::uint8_t reserved_bits_from_first_byte(std::uint8_t b, bool long_header) {
  return long_header ? static_cast<std::uint8_t>((b & 0x0c) >> 2)
                     : static_cast<std::uint8_t>((b & 0x18) >> 3);
}

struct UnprotectedHeader {
  std::uint8_t first_byte = 0;     // header protection removed
  std::size_t pn_length = 0;       // 1..4
  std::uint32_t truncated_pn = 0;  // feed to decode_packet_number()
  bool key_phase = false;          // 1-RTT only
  std::uint8_t reserved_bits = 0;  // must be 0: check_reserved_bits()
  std::size_t payload_offset = 0;  // from the packet start (= pn_offset + pn_length)
  std::size_t payload_length = 0;  // protected payload incl. AEAD tag
};

// Phase 2. `packet` starts at the packet (header protection already
// removed) and holds at least header.packet_size bytes. Errors: local if the
// type has no packet number; drop (truncated) if `packet` is too short.
Result<UnprotectedHeader> read_unprotected_header(ByteSpan packet, const PacketHeader& header);

// RFC 9000 §17.2/§17.3.1: call only after the packet was decrypted and
// authenticated; non-zero Reserved Bits are then a PROTOCOL_VIOLATION.
Status check_reserved_bits(const UnprotectedHeader& h);

}  // namespace tquic::wire
