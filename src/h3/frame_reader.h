// Incremental HTTP/3 frame parser for one stream (RFC 9114 §7.1).
//
// Bytes arrive in chunks of any size; each next() call consumes some of them
// and reports at most one event:
//   frame_header  a frame's Type and Length were read (every frame type);
//   data          a piece of a DATA payload, as a view into the caller's
//                 input: DATA is never copied or buffered;
//   frame         the complete payload of HEADERS, PUSH_PROMISE, SETTINGS,
//                 CANCEL_PUSH, GOAWAY or MAX_PUSH_ID. A view into the input
//                 when the payload arrived in one chunk, else into the
//                 reader's buffer (valid until the next call);
//   need_more     all input consumed, nothing to report.
// Unknown and reserved frame types get a frame_header event and their
// payload is skipped without buffering.
//
//   ByteSpan in = chunk;
//   for (;;) {
//     auto ev = reader.next(in);
//     if (!ev) return ev.error();
//     in = in.subspan(ev->consumed);
//     if (ev->kind == FrameEventKind::need_more) break;
//     handle(*ev);
//   }
//
// Errors (sticky: once failed, every call returns the same error):
//   H3_FRAME_UNEXPECTED  an HTTP/2-only frame type (0x02 0x06 0x08 0x09);
//   H3_EXCESSIVE_LOAD    a buffered frame longer than its limit;
//   H3_FRAME_ERROR       a one-varint frame whose length cannot hold exactly
//                        one varint, or (finish()) a stream ending mid-frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "h3/partial_varint.h"

namespace tquic::h3 {

struct FrameReaderLimits {
  // HEADERS and PUSH_PROMISE payloads (encoded field sections).
  std::uint64_t max_field_section_frame = 64 * 1024;
  // SETTINGS payload.
  std::uint64_t max_settings_frame = 16 * 1024;
};

enum class FrameEventKind : std::uint8_t { need_more, frame_header, data, frame };

struct FrameEvent {
  FrameEventKind kind = FrameEventKind::need_more;
  std::uint64_t type = 0;     // frame type (all events but need_more)
  std::uint64_t length = 0;   // payload length of that frame
  ByteSpan payload{};         // data piece or complete payload
  bool frame_end = false;     // data: this piece ends the DATA frame
  std::size_t consumed = 0;   // input bytes consumed by this call
};

// Whether the reader buffers a frame type's payload (vs. streams / skips it).
bool frame_type_is_buffered(std::uint64_t type);

class FrameReader {
 public:
  explicit FrameReader(FrameReaderLimits limits = {}) : limits_(limits) {}

  Result<FrameEvent> next(ByteSpan in);

  // The stream ended cleanly (FIN): H3_FRAME_ERROR if it ended inside a frame
  // (§7.1). A reset stream needs no call.
  Status finish() const;

  bool at_frame_boundary() const {
    return state_ == State::header && !type_.started() && !failed_;
  }
  bool failed() const { return failed_; }
  // Frames whose header has been read so far.
  std::uint64_t frames_started() const { return frames_started_; }

 private:
  enum class State : std::uint8_t { header, data, buffer, skip };

  Result<FrameEvent> read_header(ByteSpan in, std::size_t skipped);
  Status check_header(std::uint64_t type, std::uint64_t length) const;
  FrameEvent read_buffered(ByteSpan in, std::size_t skipped);
  Error fail(const Error& e);

  FrameReaderLimits limits_;
  State state_ = State::header;
  PartialVarint type_;
  PartialVarint length_;
  std::uint64_t frame_type_ = 0;
  std::uint64_t frame_length_ = 0;
  std::uint64_t remaining_ = 0;  // payload bytes of the current frame still to come
  std::uint64_t frames_started_ = 0;
  std::vector<std::uint8_t> buffer_;  // split buffered payloads only; capacity reused
  bool release_buffer_ = false;  // buffer_ was handed out; clear on next call
  bool failed_ = false;
  Error error_{};
};

}  // namespace tquic::h3
