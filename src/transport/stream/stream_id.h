// Stream identifiers (RFC 9000 §2.1).
//
// A stream ID is a 62-bit integer. Bit 0x01 names the initiator (0 = client,
// 1 = server), bit 0x02 the direction (0 = bidirectional, 1 =
// unidirectional). The remaining bits are the stream's index (ordinal) within
// its type: streams of one type are opened in increasing index order.
#pragma once

#include <cstdint>

#include "wire/role.h"

namespace tquic::transport {

using StreamId = std::uint64_t;

inline constexpr StreamId kMaxStreamId = (std::uint64_t{1} << 62) - 1;
// Largest stream count a MAX_STREAMS frame or max_streams transport parameter
// may carry (RFC 9000 §4.6): 2^60.
inline constexpr std::uint64_t kMaxStreamsLimit = std::uint64_t{1} << 60;
// Largest offset + length a stream may reach (RFC 9000 §19.8): 2^62 - 1.
inline constexpr std::uint64_t kMaxStreamOffset = (std::uint64_t{1} << 62) - 1;

enum class StreamDirection : std::uint8_t { bidi, uni };

// The four stream types of RFC 9000 Table 1; the value is the low two bits.
enum class StreamType : std::uint8_t {
  client_bidi = 0x00,
  server_bidi = 0x01,
  client_uni = 0x02,
  server_uni = 0x03,
};

constexpr StreamType stream_type(StreamId id) { return static_cast<StreamType>(id & 0x03); }

constexpr StreamType stream_type_of(wire::Role initiator, StreamDirection dir) {
  return static_cast<StreamType>((initiator == wire::Role::server ? 0x01 : 0x00) |
                                 (dir == StreamDirection::uni ? 0x02 : 0x00));
}

constexpr wire::Role stream_initiator(StreamId id) {
  return (id & 0x01) ? wire::Role::server : wire::Role::client;
}

constexpr StreamDirection stream_direction(StreamId id) {
  return (id & 0x02) ? StreamDirection::uni : StreamDirection::bidi;
}

constexpr bool is_bidi(StreamId id) { return (id & 0x02) == 0; }
constexpr bool is_uni(StreamId id) { return (id & 0x02) != 0; }

// Ordinal of the stream within its type: 0 for the first stream of a type.
constexpr std::uint64_t stream_index(StreamId id) { return id >> 2; }

// The stream of `type` with ordinal `index` (index < 2^60).
constexpr StreamId make_stream_id(StreamType type, std::uint64_t index) {
  return (index << 2) | static_cast<std::uint64_t>(type);
}

constexpr bool is_locally_initiated(StreamId id, wire::Role local) {
  return stream_initiator(id) == local;
}

// Whether an endpoint in role `local` may send on the stream: bidirectional
// streams, and unidirectional streams it initiated.
constexpr bool local_can_send(StreamId id, wire::Role local) {
  return is_bidi(id) || is_locally_initiated(id, local);
}

// Whether an endpoint in role `local` may receive on the stream:
// bidirectional streams, and unidirectional streams its peer initiated.
constexpr bool local_can_receive(StreamId id, wire::Role local) {
  return is_bidi(id) || !is_locally_initiated(id, local);
}

}  // namespace tquic::transport
