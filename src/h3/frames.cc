#include "h3/frames.h"

#include "h3/h3_error.h"
#include "wire/varint.h"

namespace tquic::h3 {

const char* frame_type_name(std::uint64_t type) {
  switch (type) {
    case 0x00: return "DATA";
    case 0x01: return "HEADERS";
    case 0x03: return "CANCEL_PUSH";
    case 0x04: return "SETTINGS";
    case 0x05: return "PUSH_PROMISE";
    case 0x07: return "GOAWAY";
    case 0x0d: return "MAX_PUSH_ID";
    default: break;
  }
  if (is_http2_only_frame_type(type)) return "HTTP2_RESERVED";
  if (is_reserved_frame_type(type)) return "RESERVED";
  return "UNKNOWN";
}

bool frame_allowed_in(std::uint64_t type, FrameContext context) {
  if (is_http2_only_frame_type(type)) return false;
  if (!is_known_frame_type(type)) return true;  // extensions and grease (§9)
  const bool control = context == FrameContext::control;
  switch (static_cast<FrameType>(type)) {
    case FrameType::data:
    case FrameType::headers: return !control;
    case FrameType::push_promise: return context == FrameContext::request;
    case FrameType::cancel_push:
    case FrameType::settings:
    case FrameType::goaway:
    case FrameType::max_push_id: return control;
  }
  return false;
}

Status check_frame_allowed(std::uint64_t type, FrameContext context) {
  if (frame_allowed_in(type, context)) return ok_status();
  return h3_error(H3Error::H3_FRAME_UNEXPECTED, "frame type not allowed on this stream");
}

std::size_t frame_header_size(std::uint64_t type, std::uint64_t length) {
  const std::size_t t = wire::varint_size(type);
  const std::size_t l = wire::varint_size(length);
  return (t == 0 || l == 0) ? 0 : t + l;
}

bool write_frame_header(ByteWriter& w, std::uint64_t type, std::uint64_t length) {
  const std::size_t size = frame_header_size(type, length);
  if (size == 0 || w.remaining() < size) return false;
  return wire::write_varint(w, type) && wire::write_varint(w, length);
}

bool write_frame(ByteWriter& w, std::uint64_t type, ByteSpan payload) {
  const std::size_t header = frame_header_size(type, payload.size());
  if (header == 0 || w.remaining() < header || w.remaining() - header < payload.size())
    return false;
  return write_frame_header(w, type, payload.size()) && w.write_bytes(payload);
}

namespace {

// A frame whose payload is one varint (CANCEL_PUSH, GOAWAY, MAX_PUSH_ID).
bool write_varint_frame(ByteWriter& w, FrameType type, std::uint64_t value) {
  const std::size_t len = wire::varint_size(value);
  if (len == 0) return false;
  const std::size_t header = frame_header_size(to_wire(type), len);
  if (w.remaining() < header + len) return false;
  return write_frame_header(w, to_wire(type), len) && wire::write_varint(w, value);
}

}  // namespace

bool write_data_frame(ByteWriter& w, ByteSpan data) {
  return write_frame(w, to_wire(FrameType::data), data);
}

bool write_headers_frame(ByteWriter& w, ByteSpan encoded_field_section) {
  return write_frame(w, to_wire(FrameType::headers), encoded_field_section);
}

bool write_cancel_push_frame(ByteWriter& w, std::uint64_t push_id) {
  return write_varint_frame(w, FrameType::cancel_push, push_id);
}

bool write_goaway_frame(ByteWriter& w, std::uint64_t stream_or_push_id) {
  return write_varint_frame(w, FrameType::goaway, stream_or_push_id);
}

bool write_max_push_id_frame(ByteWriter& w, std::uint64_t push_id) {
  return write_varint_frame(w, FrameType::max_push_id, push_id);
}

bool write_push_promise_frame(ByteWriter& w, std::uint64_t push_id,
                              ByteSpan encoded_field_section) {
  const std::size_t id_len = wire::varint_size(push_id);
  if (id_len == 0) return false;
  const std::uint64_t length = id_len + encoded_field_section.size();
  const std::size_t header = frame_header_size(to_wire(FrameType::push_promise), length);
  if (header == 0 || w.remaining() < header || w.remaining() - header < length) return false;
  return write_frame_header(w, to_wire(FrameType::push_promise), length) &&
         wire::write_varint(w, push_id) && w.write_bytes(encoded_field_section);
}

bool write_reserved_frame(ByteWriter& w, std::uint64_t n, ByteSpan payload) {
  if (n > kMaxReservedIndex) return false;
  return write_frame(w, reserved_type(n), payload);
}

Result<std::uint64_t> parse_single_varint_payload(ByteSpan payload) {
  ByteReader r(payload);
  std::uint64_t value = 0;
  if (!wire::read_varint(r, value))
    return h3_error(H3Error::H3_FRAME_ERROR, "frame payload truncated");
  if (!r.empty()) return h3_error(H3Error::H3_FRAME_ERROR, "extra bytes in frame payload");
  return value;
}

Result<PushPromise> parse_push_promise_payload(ByteSpan payload) {
  ByteReader r(payload);
  PushPromise p;
  if (!wire::read_varint(r, p.push_id))
    return h3_error(H3Error::H3_FRAME_ERROR, "PUSH_PROMISE push ID truncated");
  p.encoded_field_section = r.rest();
  return p;
}

}  // namespace tquic::h3
