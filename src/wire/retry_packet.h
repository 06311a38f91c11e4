// Retry packets (RFC 9000 §17.2.5) and the Retry pseudo-packet over which
// the Retry Integrity Tag is computed (RFC 9001 §5.8; RFC 9369 §3.3.3 for
// v2's key and nonce). This file only lays out bytes: the AES-128-GCM tag is
// computed and checked by crypto/.
//
// Sending:  write_retry(w, fields)             -> packet without the tag
//           write_retry_pseudo_packet(p, odcid, w.data() tail) -> tag input
//           append the 16-byte tag computed by crypto.
// Receiving: parse_retry(datagram)  -> token, tag and `without_tag`, then
//           build the pseudo-packet with the client's original DCID and let
//           crypto verify the tag.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "wire/connection_id.h"
#include "wire/version.h"

namespace tquic::wire {

inline constexpr std::size_t kRetryIntegrityTagLength = 16;

struct RetryFields {
  std::uint32_t version = kQuicVersion1;
  ConnectionId dcid;  // the client's Source CID
  ConnectionId scid;  // chosen by the server; must differ from the client's DCID
  ByteSpan token;     // must not be empty
  std::uint8_t unused_bits = 0;  // low 4 bits of the first byte, arbitrary
};

struct RetryPacket {
  std::uint8_t first_byte = 0;
  std::uint32_t version = 0;
  ConnectionId dcid;
  ConnectionId scid;
  ByteSpan token;          // never empty
  ByteSpan integrity_tag;  // 16 bytes
  ByteSpan without_tag;    // the packet minus the tag (pseudo-packet input)
};

// Size of the Retry packet without its tag; 0 if the fields are invalid
// (unsupported version or empty token).
std::size_t retry_size_without_tag(const RetryFields& f);

// Writes the Retry packet without the Integrity Tag. Errors: local (invalid
// fields), blocked (no room); writes nothing on error.
Status write_retry(ByteWriter& w, const RetryFields& f);

// `packet` is the rest of the datagram (a Retry is never followed by another
// packet). Errors: header drops (wire/header_drop.h); a packet that parses
// but is not a Retry is a drop with reason malformed_retry.
Result<RetryPacket> parse_retry(ByteSpan packet);

// Retry Pseudo-Packet (RFC 9001 §5.8): ODCID Length (8), Original
// Destination Connection ID, then the Retry packet without its tag.
std::size_t retry_pseudo_packet_size(const ConnectionId& original_dcid,
                                     ByteSpan retry_without_tag);
Status write_retry_pseudo_packet(ByteWriter& w, const ConnectionId& original_dcid,
                                 ByteSpan retry_without_tag);

}  // namespace tquic::wire
