// Every QUIC frame type codepoint tquic understands:
//  - RFC 9000 §19 (Table 3, §12.4): 0x00-0x1e;
//  - RFC 9221 DATAGRAM: 0x30-0x31;
//  - draft-ietf-quic-ack-frequency: IMMEDIATE_ACK 0x1f, ACK_FREQUENCY 0xaf;
//  - draft-ietf-quic-multipath: PATH_ACK 0x3e-0x3f and 0x3e75-0x3e7c.
//
// Types that carry flags in their low bits (ACK, STREAM, MAX_STREAMS,
// STREAMS_BLOCKED, CONNECTION_CLOSE, DATAGRAM, PATH_ACK) have one enumerator
// per codepoint, so a FrameType always names the exact wire value.
#pragma once

#include <cstdint>

namespace tquic::wire {

enum class FrameType : std::uint64_t {
  padding = 0x00,
  ping = 0x01,
  ack = 0x02,
  ack_ecn = 0x03,
  reset_stream = 0x04,
  stop_sending = 0x05,
  crypto = 0x06,
  new_token = 0x07,
  // STREAM 0b00001XXX: OFF (0x04), LEN (0x02), FIN (0x01); RFC 9000 §19.8.
  stream = 0x08,
  stream_fin = 0x09,
  stream_len = 0x0a,
  stream_len_fin = 0x0b,
  stream_off = 0x0c,
  stream_off_fin = 0x0d,
  stream_off_len = 0x0e,
  stream_off_len_fin = 0x0f,
  max_data = 0x10,
  max_stream_data = 0x11,
  max_streams_bidi = 0x12,
  max_streams_uni = 0x13,
  data_blocked = 0x14,
  stream_data_blocked = 0x15,
  streams_blocked_bidi = 0x16,
  streams_blocked_uni = 0x17,
  new_connection_id = 0x18,
  retire_connection_id = 0x19,
  path_challenge = 0x1a,
  path_response = 0x1b,
  connection_close = 0x1c,      // transport error (QUIC layer)
  connection_close_app = 0x1d,  // application error
  handshake_done = 0x1e,
  immediate_ack = 0x1f,  // draft-ietf-quic-ack-frequency
  datagram = 0x30,       // RFC 9221, no Length field
  datagram_len = 0x31,   // RFC 9221, with Length field
  path_ack = 0x3e,       // draft-ietf-quic-multipath
  path_ack_ecn = 0x3f,
  ack_frequency = 0xaf,  // draft-ietf-quic-ack-frequency
  path_abandon = 0x3e75,
  path_status_backup = 0x3e76,
  path_status_available = 0x3e77,
  path_new_connection_id = 0x3e78,
  path_retire_connection_id = 0x3e79,
  max_path_id = 0x3e7a,
  paths_blocked = 0x3e7b,
  path_cids_blocked = 0x3e7c,
};

// STREAM type bits (RFC 9000 §19.8).
inline constexpr std::uint64_t kStreamFrameOffBit = 0x04;
inline constexpr std::uint64_t kStreamFrameLenBit = 0x02;
inline constexpr std::uint64_t kStreamFrameFinBit = 0x01;
// DATAGRAM LEN bit (RFC 9221 §4).
inline constexpr std::uint64_t kDatagramFrameLenBit = 0x01;

constexpr std::uint64_t to_wire(FrameType t) { return static_cast<std::uint64_t>(t); }

// True if `v` is a frame type tquic can parse (RFC 9000 §12.4: any other
// value is a FRAME_ENCODING_ERROR).
constexpr bool is_known_frame_type(std::uint64_t v) {
  if (v <= 0x1f) return true;
  switch (v) {
    case 0x30: case 0x31: case 0x3e: case 0x3f: case 0xaf:
      return true;
    default:
      return v >= 0x3e75 && v <= 0x3e7c;
  }
}

constexpr bool is_stream_frame_type(FrameType t) {
  return to_wire(t) >= 0x08 && to_wire(t) <= 0x0f;
}

constexpr FrameType stream_frame_type(bool has_offset, bool has_length, bool fin) {
  return static_cast<FrameType>(0x08 | (has_offset ? kStreamFrameOffBit : 0) |
                                (has_length ? kStreamFrameLenBit : 0) |
                                (fin ? kStreamFrameFinBit : 0));
}

// ACK (0x02/0x03) and PATH_ACK (0x3e/0x3f): the frames carrying ACK ranges.
constexpr bool is_ack_frame_type(FrameType t) {
  return t == FrameType::ack || t == FrameType::ack_ecn || t == FrameType::path_ack ||
         t == FrameType::path_ack_ecn;
}

constexpr bool is_datagram_frame_type(FrameType t) {
  return t == FrameType::datagram || t == FrameType::datagram_len;
}

// Frames of draft-ietf-quic-multipath ("New Frames").
constexpr bool is_multipath_frame_type(FrameType t) {
  return t == FrameType::path_ack || t == FrameType::path_ack_ecn ||
         (to_wire(t) >= 0x3e75 && to_wire(t) <= 0x3e7c);
}

// Frames of draft-ietf-quic-ack-frequency.
constexpr bool is_ack_frequency_frame_type(FrameType t) {
  return t == FrameType::ack_frequency || t == FrameType::immediate_ack;
}

// qlog frame_type name (draft-ietf-quic-qlog-quic-events "QuicFrame"); one
// name per frame, whatever its flag bits: "stream" for 0x08-0x0f.
constexpr const char* frame_type_name(FrameType t) {
  if (is_stream_frame_type(t)) return "stream";
  switch (t) {
    case FrameType::padding: return "padding";
    case FrameType::ping: return "ping";
    case FrameType::ack: case FrameType::ack_ecn: return "ack";
    case FrameType::reset_stream: return "reset_stream";
    case FrameType::stop_sending: return "stop_sending";
    case FrameType::crypto: return "crypto";
    case FrameType::new_token: return "new_token";
    case FrameType::max_data: return "max_data";
    case FrameType::max_stream_data: return "max_stream_data";
    case FrameType::max_streams_bidi: case FrameType::max_streams_uni: return "max_streams";
    case FrameType::data_blocked: return "data_blocked";
    case FrameType::stream_data_blocked: return "stream_data_blocked";
    case FrameType::streams_blocked_bidi:
    case FrameType::streams_blocked_uni: return "streams_blocked";
    case FrameType::new_connection_id: return "new_connection_id";
    case FrameType::retire_connection_id: return "retire_connection_id";
    case FrameType::path_challenge: return "path_challenge";
    case FrameType::path_response: return "path_response";
    case FrameType::connection_close:
    case FrameType::connection_close_app: return "connection_close";
    case FrameType::handshake_done: return "handshake_done";
    case FrameType::immediate_ack: return "immediate_ack";
    case FrameType::datagram: case FrameType::datagram_len: return "datagram";
    case FrameType::path_ack: case FrameType::path_ack_ecn: return "path_ack";
    case FrameType::ack_frequency: return "ack_frequency";
    case FrameType::path_abandon: return "path_abandon";
    case FrameType::path_status_backup: return "path_status_backup";
    case FrameType::path_status_available: return "path_status_available";
    case FrameType::path_new_connection_id: return "path_new_connection_id";
    case FrameType::path_retire_connection_id: return "path_retire_connection_id";
    case FrameType::max_path_id: return "max_path_id";
    case FrameType::paths_blocked: return "paths_blocked";
    case FrameType::path_cids_blocked: return "path_cids_blocked";
    default: return "unknown";
  }
}

}  // namespace tquic::wire
