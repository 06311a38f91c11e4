#include "h3/frame_reader.h"

#include <algorithm>

#include "h3/frames.h"
#include "h3/h3_error.h"

namespace tquic::h3 {

bool frame_type_is_buffered(std::uint64_t type) {
  switch (type) {
    case 0x01:  // HEADERS
    case 0x03:  // CANCEL_PUSH
    case 0x04:  // SETTINGS
    case 0x05:  // PUSH_PROMISE
    case 0x07:  // GOAWAY
    case 0x0d:  // MAX_PUSH_ID
      return true;
    default: return false;
  }
}

namespace {

FrameEvent need_more(std::size_t consumed) {
  FrameEvent ev;
  ev.consumed = consumed;
  return ev;
}

std::size_t clamp_to(std::uint64_t remaining, std::size_t available) {
  return remaining < available ? static_cast<std::size_t>(remaining) : available;
}

}  // namespace

Error FrameReader::fail(const Error& e) {
  failed_ = true;
  error_ = e;
  return e;
}

Status FrameReader::check_header(std::uint64_t type, std::uint64_t length) const {
  if (is_http2_only_frame_type(type))
    return h3_error(H3Error::H3_FRAME_UNEXPECTED, "HTTP/2 frame type received");
  switch (type) {
    case 0x03:  // CANCEL_PUSH, GOAWAY, MAX_PUSH_ID: exactly one varint
    case 0x07:
    case 0x0d:
      if (length == 0 || length > 8)
        return h3_error(H3Error::H3_FRAME_ERROR, "bad length for a one-varint frame");
      break;
    case 0x01:
    case 0x05:
      if (length > limits_.max_field_section_frame)
        return h3_error(H3Error::H3_EXCESSIVE_LOAD, "field section frame too large");
      break;
    case 0x04:
      if (length > limits_.max_settings_frame)
        return h3_error(H3Error::H3_EXCESSIVE_LOAD, "SETTINGS frame too large");
      break;
    default: break;
  }
  return ok_status();
}

Result<FrameEvent> FrameReader::read_header(ByteSpan in, std::size_t skipped) {
  std::size_t used = skipped;
  used += type_.feed(in.subspan(used));
  if (type_.complete()) used += length_.feed(in.subspan(used));
  if (!length_.complete()) return need_more(used);

  const std::uint64_t type = type_.value();
  const std::uint64_t length = length_.value();
  type_.reset();
  length_.reset();
  if (auto s = check_header(type, length); !s) return fail(s.error());

  ++frames_started_;
  frame_type_ = type;
  frame_length_ = length;
  remaining_ = length;
  if (type == to_wire(FrameType::data)) {
    state_ = length == 0 ? State::header : State::data;
  } else if (frame_type_is_buffered(type)) {
    state_ = State::buffer;  // a zero-length payload is reported by the next call
  } else {
    state_ = length == 0 ? State::header : State::skip;
  }
  FrameEvent ev;
  ev.kind = FrameEventKind::frame_header;
  ev.type = type;
  ev.length = length;
  ev.consumed = used;
  return ev;
}

FrameEvent FrameReader::read_buffered(ByteSpan in, std::size_t skipped) {
  FrameEvent ev;
  ev.type = frame_type_;
  ev.length = frame_length_;
  const std::size_t available = in.size() - skipped;
  if (buffer_.empty() && available >= remaining_) {
    // Whole payload in this chunk: hand out a view, copy nothing.
    const std::size_t n = static_cast<std::size_t>(remaining_);
    ev.kind = FrameEventKind::frame;
    ev.payload = in.subspan(skipped, n);
    ev.consumed = skipped + n;
    remaining_ = 0;
    state_ = State::header;
    return ev;
  }
  if (buffer_.empty()) buffer_.reserve(static_cast<std::size_t>(frame_length_));
  const std::size_t n = clamp_to(remaining_, available);
  const ByteSpan piece = in.subspan(skipped, n);
  buffer_.insert(buffer_.end(), piece.begin(), piece.end());
  remaining_ -= n;
  ev.consumed = skipped + n;
  if (remaining_ != 0) return ev;  // need_more
  ev.kind = FrameEventKind::frame;
  ev.payload = ByteSpan(buffer_.data(), buffer_.size());
  state_ = State::header;
  release_buffer_ = true;
  return ev;
}

Result<FrameEvent> FrameReader::next(ByteSpan in) {
  if (failed_) return error_;
  if (release_buffer_) {
    buffer_.clear();  // keeps its capacity for the next split frame
    release_buffer_ = false;
  }
  std::size_t used = 0;
  for (;;) {
    switch (state_) {
      case State::header:
        if (used == in.size()) return need_more(used);
        return read_header(in, used);
      case State::buffer: return read_buffered(in, used);
      case State::skip: {
        const std::size_t n = clamp_to(remaining_, in.size() - used);
        used += n;
        remaining_ -= n;
        if (remaining_ != 0) return need_more(used);
        state_ = State::header;
        break;
      }
      case State::data: {
        if (used == in.size()) return need_more(used);
        const std::size_t n = clamp_to(remaining_, in.size() - used);
        FrameEvent ev;
        ev.kind = FrameEventKind::data;
        ev.type = frame_type_;
        ev.length = frame_length_;
        ev.payload = in.subspan(used, n);
        remaining_ -= n;
        ev.frame_end = remaining_ == 0;
        ev.consumed = used + n;
        if (ev.frame_end) state_ = State::header;
        return ev;
      }
    }
  }
}

Status FrameReader::finish() const {
  if (failed_) return error_;
  if (!at_frame_boundary())
    return h3_error(H3Error::H3_FRAME_ERROR, "stream ended inside a frame");
  return ok_status();
}

}  // namespace tquic::h3
