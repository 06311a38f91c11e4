// The version-independent view of a QUIC packet (RFC 8999 §5): header form,
// version and connection IDs. It is what an endpoint can read from a packet
// of a version it does not speak -- enough to route it or to answer with
// Version Negotiation, where CIDs may be up to 255 bytes long.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"

namespace tquic::wire {

inline constexpr std::uint8_t kHeaderFormBit = 0x80;  // 1 = long header
inline constexpr std::uint8_t kFixedBit = 0x40;       // RFC 9000 §17.2, §17.3.1
inline constexpr std::size_t kMaxInvariantCidLength = 255;

struct InvariantHeader {
  std::uint8_t first_byte = 0;
  bool long_header = false;
  std::uint32_t version = 0;  // long headers only
  ByteSpan dcid;              // long: 0..255 bytes; short: the length the caller gave
  ByteSpan scid;              // long headers only
  std::size_t length = 0;     // bytes up to and including the last CID
};

// Parses the invariant fields at the start of `datagram_rest`. A short
// header carries no DCID length, so the caller supplies the length of the
// connection IDs it issues. Errors (all header drops, wire/header_drop.h):
// truncated. Never reads past the end.
Result<InvariantHeader> parse_invariant_header(ByteSpan datagram_rest,
                                               std::size_t short_header_dcid_len);

}  // namespace tquic::wire
