// Why a packet header was rejected, and how the endpoint must react.
//
// Policy (RFC 9000 §5.2, §12.2, §17; RFC 9001 §5.4.2): every problem found
// while parsing a packet header, before any decryption, means "silently drop
// this packet" -- never a CONNECTION_CLOSE, because nothing authenticated it
// yet and an off-path attacker could otherwise kill connections. A header
// error also ends parsing of the datagram, since the next packet's start
// cannot be known (for a long header only its own Length field says where it
// ends).
//
// Such errors are returned as Error{kind = local, code = kHeaderDropCodeBase
// + reason}; `is_header_drop(e)` recognises them. The endpoint maps them to
// "drop the packet, count it, log qlog packet_dropped" -- never to an
// INTERNAL_ERROR close, which is what a generic local error would mean.
//
// The only header-level *connection* error is non-zero Reserved Bits, and it
// may only be raised after the packet was successfully decrypted
// (RFC 9000 §17.2, §17.3.1; RFC 9001 §9.5): see
// check_reserved_bits() in wire/packet_header.h, which returns a transport
// PROTOCOL_VIOLATION.
//
// Not decided here (the wire layer does not know the role or state): a
// server Initial with a non-empty token (RFC 9000 §17.2.2), a Retry whose SCID
// equals the client's original DCID, Initial datagrams smaller than 1200
// bytes, coalesced packets with a different DCID (RFC 9000 §12.2).
#pragma once

#include <cstdint>

#include "base/error.h"

namespace tquic::wire {

enum class HeaderDropReason : std::uint8_t {
  truncated = 1,              // the header runs past the end of the datagram
  fixed_bit_zero,             // v1/v2 or short header with Fixed Bit 0 (§17.2, §17.3.1)
  unsupported_version,        // long header, version not v1/v2/VN: answer with VN (§6)
  cid_too_long,               // v1/v2 CID length > 20 (§17.2)
  length_exceeds_datagram,    // Length field larger than the rest of the datagram
  too_short_for_sample,       // no room for the 16-byte HP sample (RFC 9001 §5.4.2)
  malformed_version_negotiation,  // no versions, or not a multiple of 4 bytes
  malformed_retry,            // no room for the tag, or empty token (§17.2.5)
};

inline constexpr std::uint64_t kHeaderDropCodeBase = 0x68647200;  // "hdr\0"

constexpr Error header_drop(HeaderDropReason reason, const char* why) {
  return Error{ErrorKind::local, kHeaderDropCodeBase + static_cast<std::uint64_t>(reason), 0,
               why};
}

constexpr bool is_header_drop(const Error& e) {
  return e.kind == ErrorKind::local && e.code > kHeaderDropCodeBase &&
         e.code <= kHeaderDropCodeBase +
                       static_cast<std::uint64_t>(HeaderDropReason::malformed_retry);
}

// Precondition: is_header_drop(e).
constexpr HeaderDropReason header_drop_reason(const Error& e) {
  return static_cast<HeaderDropReason>(e.code - kHeaderDropCodeBase);
}

}  // namespace tquic::wire
