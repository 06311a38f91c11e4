// Receiving side of a request stream (server) or response stream (client),
// and of a push stream after its header (client) — RFC 9114 §4.1, §6.1.
//
// Frame sequence: HEADERS, DATA*, optional trailing HEADERS. HEADERS field
// sections are opaque here (QPACK-encoded); after each `headers` event the
// caller decodes and validates it (message.h) and tells the machine what it
// was with accept_header_section() before calling next() again:
//  - an interim (1xx) response keeps the machine waiting for HEADERS;
//  - a final header section opens the body, with the content-length to
//    enforce (§4.1.2) and whether the stream became a CONNECT tunnel (§4.4).
// A HEADERS frame after the body starts is reported as `trailers`.
//
// Errors: DATA before HEADERS, HEADERS/DATA after trailers, control-stream
// frames, PUSH_PROMISE where not allowed, anything but DATA on a CONNECT
// tunnel: H3_FRAME_UNEXPECTED (connection). DATA beyond content-length, DATA
// on a response that cannot have content, body size != content-length at
// the end: H3_MESSAGE_ERROR (stream error: reset this stream only; see
// error_scope.h). FIN before a complete request: H3_REQUEST_INCOMPLETE
// (stream); before a final response: H3_MESSAGE_ERROR (stream); inside a
// frame: H3_FRAME_ERROR (connection).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"
#include "h3/frame_reader.h"

namespace tquic::h3 {

// Which message the stream carries towards us.
enum class MessageStreamKind : std::uint8_t {
  request,        // server: a client's request stream
  response,       // client: the response on our request stream (PUSH_PROMISE allowed)
  push_response,  // client: a push stream, after its push stream header
};

enum class RequestEventKind : std::uint8_t {
  need_more,     // all input consumed
  headers,       // event.payload: an encoded header section; call accept_header_section()
  data,          // event.payload: a piece of content (view into the input)
  trailers,      // event.payload: an encoded trailer section; message complete
  push_promise,  // event.push_id + event.payload (encoded request header section)
};

struct RequestEvent {
  RequestEventKind kind = RequestEventKind::need_more;
  ByteSpan payload{};
  std::uint64_t push_id = 0;
  bool frame_end = false;    // data: this piece ends its DATA frame
  std::size_t consumed = 0;  // input bytes consumed by this call
};

// What the caller learned from a decoded header section.
struct HeaderSectionInfo {
  bool interim = false;  // a 1xx response (responses only)
  // Content-Length, if present and the message is defined as having content.
  std::optional<std::uint64_t> content_length;
  // The message cannot have content (response to HEAD, 204, 304; RFC 9110
  // §6.4.1): any non-empty DATA is malformed.
  bool no_content = false;
  // CONNECT request / its 2xx response: from now on only DATA (§4.4).
  bool tunnel = false;
};

class RequestStreamReceiver {
 public:
  explicit RequestStreamReceiver(MessageStreamKind kind, FrameReaderLimits limits = {})
      : kind_(kind), reader_(limits) {}

  // Same loop as FrameReader::next. Errors are sticky. Calling next() while a
  // `headers` event awaits accept_header_section() is a local (misuse) error.
  Result<RequestEvent> next(ByteSpan in);
  // Classifies the header section of the last `headers` event.
  Status accept_header_section(const HeaderSectionInfo& info);
  // The stream ended cleanly (FIN), after every byte was fed.
  Status on_fin();

  bool message_complete() const { return state_ == State::complete; }
  std::uint64_t content_received() const { return content_received_; }

 private:
  enum class State : std::uint8_t { awaiting_headers, classifying, body, tunnel, complete };

  Status on_frame_header(std::uint64_t type, std::uint64_t length);
  Status on_data_header(std::uint64_t length);
  Result<RequestEvent> on_frame(std::uint64_t type, ByteSpan payload);
  Status check_content_complete() const;
  Error fail(const Error& e);

  MessageStreamKind kind_;
  FrameReader reader_;
  State state_ = State::awaiting_headers;
  std::optional<std::uint64_t> content_length_;
  bool no_content_ = false;
  std::uint64_t content_received_ = 0;
  bool failed_ = false;
  Error error_{};
};

}  // namespace tquic::h3
