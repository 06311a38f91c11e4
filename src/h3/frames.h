// HTTP/3 frame types and their encoders (RFC 9114 §7).
//
// Every frame is Type (i) + Length (i) + Payload. Encoders are atomic: they
// either write the whole frame or return false having written nothing.
// Payload parsers for the fixed-layout frames check that the payload holds
// exactly the fields of the frame (§7.1: extra or missing bytes are
// H3_FRAME_ERROR). Incremental parsing of a stream is in frame_reader.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"

namespace tquic::h3 {

enum class FrameType : std::uint64_t {
  data = 0x00,
  headers = 0x01,
  cancel_push = 0x03,
  settings = 0x04,
  push_promise = 0x05,
  goaway = 0x07,
  max_push_id = 0x0d,
};

constexpr std::uint64_t to_wire(FrameType t) { return static_cast<std::uint64_t>(t); }

// Reserved ("grease") types 0x1f * N + 0x21 (§7.2.8): no meaning, ignored.
constexpr bool is_reserved_frame_type(std::uint64_t type) {
  return type >= 0x21 && (type - 0x21) % 0x1f == 0;
}
// The N-th reserved type; N must be at most kMaxReservedIndex.
inline constexpr std::uint64_t kMaxReservedIndex = 0x210842108421083ULL;  // (2^62-1-0x21)/0x1f
constexpr std::uint64_t reserved_type(std::uint64_t n) { return 0x1f * n + 0x21; }

// Types used by HTTP/2 with no HTTP/3 meaning (PRIORITY 0x02, PING 0x06,
// WINDOW_UPDATE 0x08, CONTINUATION 0x09): receipt is H3_FRAME_UNEXPECTED
// on any stream (§7.2.8, §11.2.1).
constexpr bool is_http2_only_frame_type(std::uint64_t type) {
  return type == 0x02 || type == 0x06 || type == 0x08 || type == 0x09;
}

// One of the seven frame types defined by RFC 9114.
constexpr bool is_known_frame_type(std::uint64_t type) {
  return type <= 0x0d && (type == 0x00 || type == 0x01 || type == 0x03 || type == 0x04 ||
                          type == 0x05 || type == 0x07 || type == 0x0d);
}

// "DATA", "HEADERS", ..., "HTTP2_RESERVED", "RESERVED" (grease) or "UNKNOWN".
const char* frame_type_name(std::uint64_t type);

// Which kind of stream carries a frame (§7, table 1).
enum class FrameContext : std::uint8_t { control, request, push };

// §7 table 1: true if `type` may appear on a stream of `context` at all.
// Unknown and reserved types are allowed everywhere (§9); the HTTP/2-only
// types nowhere. Ordering and role rules are the state machines' business.
bool frame_allowed_in(std::uint64_t type, FrameContext context);

// H3_FRAME_UNEXPECTED if !frame_allowed_in(type, context).
Status check_frame_allowed(std::uint64_t type, FrameContext context);

// ---- Encoding ------------------------------------------------------------

// Encoded size of a frame header, 0 if `type` or `length` exceed 2^62-1.
std::size_t frame_header_size(std::uint64_t type, std::uint64_t length);
bool write_frame_header(ByteWriter& w, std::uint64_t type, std::uint64_t length);

// Complete frames (header + payload).
bool write_data_frame(ByteWriter& w, ByteSpan data);
bool write_headers_frame(ByteWriter& w, ByteSpan encoded_field_section);
bool write_cancel_push_frame(ByteWriter& w, std::uint64_t push_id);
bool write_goaway_frame(ByteWriter& w, std::uint64_t stream_or_push_id);
bool write_max_push_id_frame(ByteWriter& w, std::uint64_t push_id);
bool write_push_promise_frame(ByteWriter& w, std::uint64_t push_id,
                              ByteSpan encoded_field_section);
// A reserved frame of type reserved_type(n) with an arbitrary payload
// (padding / grease, §7.2.8).
bool write_reserved_frame(ByteWriter& w, std::uint64_t n, ByteSpan payload);
// Any frame from its parts (unknown extension types, tests).
bool write_frame(ByteWriter& w, std::uint64_t type, ByteSpan payload);

// ---- Payload parsing -----------------------------------------------------

// CANCEL_PUSH, GOAWAY and MAX_PUSH_ID carry exactly one varint; anything
// else in the payload is H3_FRAME_ERROR (§7.1).
Result<std::uint64_t> parse_single_varint_payload(ByteSpan payload);

struct PushPromise {
  std::uint64_t push_id = 0;
  ByteSpan encoded_field_section{};  // view into the payload
};
// PUSH_PROMISE payload: Push ID (i) + Encoded Field Section (§7.2.5).
Result<PushPromise> parse_push_promise_payload(ByteSpan payload);

}  // namespace tquic::h3
