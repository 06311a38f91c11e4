// Writers for Initial, 0-RTT, Handshake (long header) and 1-RTT (short
// header) packet headers (RFC 9000 §17.2, §17.3; RFC 9369 §3.2). The header
// is written unprotected (Reserved Bits 0); crypto applies header and packet
// protection afterwards using the offsets returned in HeaderLayout.
//
// The long-header Length field is reserved at a fixed varint width (2 bytes:
// up to 16383, or 4 bytes for larger packets) so the packet builder can
// patch it once the payload size is known:
//   auto layout = write_long_header(w, fields, pn, pn_len);
//   ... write frames, leave room for the AEAD tag ...
//   set_long_header_length(w.buffer(), *layout, end_of_packet_incl_tag);
//
// Sizes are available before writing; a writer either writes the whole
// header or nothing. Errors: blocked (buffer too small -- not a failure),
// local (invalid arguments).
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "wire/connection_id.h"
#include "wire/packet_type.h"
#include "wire/version.h"

namespace tquic::wire {

struct LongHeaderFields {
  PacketType type = PacketType::initial;  // initial, zero_rtt or handshake
  std::uint32_t version = kQuicVersion1;
  ConnectionId dcid;
  ConnectionId scid;
  ByteSpan token;                     // Initial only (empty otherwise)
  std::size_t length_field_size = 2;  // 2 or 4 bytes
};

struct ShortHeaderFields {
  ConnectionId dcid;
  bool spin_bit = false;
  bool key_phase = false;
};

// Offsets into the writer's whole buffer (ByteWriter::buffer()), not from
// the packet start; pn_offset - packet_start is the offset within the packet.
struct HeaderLayout {
  std::size_t packet_start = 0;
  std::size_t length_offset = 0;      // long headers only
  std::size_t length_field_size = 0;  // 0 for short headers
  std::size_t pn_offset = 0;
  std::size_t pn_length = 0;
  std::size_t header_end() const { return pn_offset + pn_length; }
};

// Header bytes including the packet number; 0 if the fields are invalid
// (type without a Length field, token on a non-Initial, bad widths).
std::size_t long_header_size(const LongHeaderFields& f, std::size_t pn_length);
std::size_t short_header_size(std::size_t dcid_length, std::size_t pn_length);

// Writes the header with Length = 0 at its reserved width and the
// pn_length-byte truncation of `full_pn`.
Result<HeaderLayout> write_long_header(ByteWriter& w, const LongHeaderFields& f,
                                       std::uint64_t full_pn, std::size_t pn_length);
Result<HeaderLayout> write_short_header(ByteWriter& w, const ShortHeaderFields& f,
                                        std::uint64_t full_pn, std::size_t pn_length);

// Patches Length = packet_end - pn_offset (packet number + payload + AEAD
// tag). False if packet_end is before the end of the header, beyond the
// buffer, or the value does not fit the reserved width.
bool set_long_header_length(MutByteSpan buffer, const HeaderLayout& layout,
                            std::size_t packet_end);

}  // namespace tquic::wire
