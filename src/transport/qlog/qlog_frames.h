// QUIC frames as qlog QuicFrame objects (draft-ietf-quic-qlog-quic-events
// "QUIC Frames"), decoded from a packet's plaintext payload: the same
// function serves packet_sent (before sealing) and packet_received (after
// opening), so the log shows exactly what was on the wire.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "transport/qlog/json_writer.h"
#include "wire/frames.h"

namespace tquic::transport::qlog {

// Writes one frame object. `ack_delay_exponent` scales ACK Delay fields.
void write_frame(JsonWriter& w, const wire::Frame& frame, std::uint64_t ack_delay_exponent);

// Writes {"frame_type": name} (frames known only by their type).
void write_frame_type_only(JsonWriter& w, const char* frame_type);

// Writes `"frames": [...]` for every frame in `payload`. A payload that does
// not decode (a peer's malformed packet) yields the frames before the bad
// one and then {"frame_type":"unknown"} carrying what could be read.
void write_frames(JsonWriter& w, ByteSpan payload, std::uint64_t ack_delay_exponent);

}  // namespace tquic::transport::qlog
