// HTTP/3 Datagrams (RFC 9297 §2.1): the payload of a QUIC DATAGRAM frame is
//   Quarter Stream ID (i) + HTTP Datagram Payload (..)
// where Quarter Stream ID = (client-initiated bidirectional stream ID) / 4.
// The largest stream ID is 2^62-1, so the largest Quarter Stream ID is
// 2^60-1; a larger one, or a datagram too short to hold the varint, is a
// connection error H3_DATAGRAM_ERROR (0x33).
//
// Datagrams for a stream that is closed, not yet open, or over the stream
// limit are the caller's to drop, buffer or refuse (§2.1).
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"

namespace tquic::h3 {

inline constexpr std::uint64_t kMaxQuarterStreamId = (std::uint64_t{1} << 60) - 1;

struct HttpDatagram {
  std::uint64_t quarter_stream_id = 0;
  ByteSpan payload{};  // view into the DATAGRAM frame's data; may be empty
  std::uint64_t stream_id() const { return quarter_stream_id * 4; }
};

Result<HttpDatagram> decode_http_datagram(ByteSpan datagram_data);

// Only client-initiated bidirectional streams carry HTTP Datagrams.
constexpr bool stream_can_carry_datagrams(std::uint64_t stream_id) {
  return stream_id % 4 == 0 && stream_id / 4 <= kMaxQuarterStreamId;
}

// Bytes the Quarter Stream ID adds before the payload; 0 if `stream_id`
// cannot carry datagrams.
std::size_t http_datagram_overhead(std::uint64_t stream_id);

// Writes the Quarter Stream ID only, so the caller can write the payload
// straight after it (no intermediate copy). Atomic; false if the stream
// cannot carry datagrams or the buffer is too small.
bool write_http_datagram_header(ByteWriter& w, std::uint64_t stream_id);
// Writes Quarter Stream ID + payload. Atomic.
bool write_http_datagram(ByteWriter& w, std::uint64_t stream_id, ByteSpan payload);

}  // namespace tquic::h3
