#include "h3/request_stream.h"

#include "h3/frames.h"
#include "h3/h3_error.h"

namespace tquic::h3 {

Error RequestStreamReceiver::fail(const Error& e) {
  failed_ = true;
  error_ = e;
  return e;
}

Status RequestStreamReceiver::on_frame_header(std::uint64_t type, std::uint64_t length) {
  const FrameContext context =
      kind_ == MessageStreamKind::push_response ? FrameContext::push : FrameContext::request;
  TQUIC_TRY(check_frame_allowed(type, context));
  if (type == to_wire(FrameType::push_promise) && kind_ != MessageStreamKind::response)
    return h3_error(H3Error::H3_FRAME_UNEXPECTED, "PUSH_PROMISE sent by a client");
  if (!is_known_frame_type(type)) return ok_status();  // extensions, grease (§9)
  if (state_ == State::tunnel && type != to_wire(FrameType::data))
    return h3_error(H3Error::H3_FRAME_UNEXPECTED, "non-DATA frame on a CONNECT stream");
  if (state_ == State::complete && type != to_wire(FrameType::push_promise))
    return h3_error(H3Error::H3_FRAME_UNEXPECTED, "frame after the trailer section");
  if (type == to_wire(FrameType::data)) {
    if (state_ == State::awaiting_headers)
      return h3_error(H3Error::H3_FRAME_UNEXPECTED, "DATA before HEADERS");
    return on_data_header(length);
  }
  return ok_status();
}

// Content accounting happens on the DATA frame header, so bytes beyond
// Content-Length are rejected before any of them is handed out (§4.1.2).
Status RequestStreamReceiver::on_data_header(std::uint64_t length) {
  if (no_content_ && length != 0)
    return h3_error(H3Error::H3_MESSAGE_ERROR, "content in a message that cannot have any");
  if (content_length_) {
    if (length > *content_length_ - content_received_)
      return h3_error(H3Error::H3_MESSAGE_ERROR, "DATA exceeds content-length");
    content_received_ += length;
  } else {
    const std::uint64_t room = ~std::uint64_t{0} - content_received_;
    content_received_ += length < room ? length : room;  // saturate, never wrap
  }
  return ok_status();
}

Status RequestStreamReceiver::check_content_complete() const {
  if (content_length_ && content_received_ != *content_length_)
    return h3_error(H3Error::H3_MESSAGE_ERROR, "content shorter than content-length");
  return ok_status();
}

Result<RequestEvent> RequestStreamReceiver::on_frame(std::uint64_t type, ByteSpan payload) {
  RequestEvent ev;
  ev.payload = payload;
  if (type == to_wire(FrameType::push_promise)) {
    TQUIC_TRY_ASSIGN(const PushPromise promise, parse_push_promise_payload(payload));
    ev.kind = RequestEventKind::push_promise;
    ev.push_id = promise.push_id;
    ev.payload = promise.encoded_field_section;
    return ev;
  }
  if (type != to_wire(FrameType::headers)) return Error::local("unexpected buffered frame");
  if (state_ == State::awaiting_headers) {
    state_ = State::classifying;
    ev.kind = RequestEventKind::headers;
    return ev;
  }
  TQUIC_TRY(check_content_complete());  // trailers end the content
  state_ = State::complete;
  ev.kind = RequestEventKind::trailers;
  return ev;
}

Result<RequestEvent> RequestStreamReceiver::next(ByteSpan in) {
  if (failed_) return error_;
  if (state_ == State::classifying)
    return Error::local("accept_header_section() not called after a headers event");
  std::size_t used = 0;
  for (;;) {
    auto ev = reader_.next(in.subspan(used));
    if (!ev) return fail(ev.error());
    used += ev->consumed;
    RequestEvent out;
    switch (ev->kind) {
      case FrameEventKind::need_more: break;
      case FrameEventKind::frame_header:
        if (auto s = on_frame_header(ev->type, ev->length); !s) return fail(s.error());
        continue;
      case FrameEventKind::data:
        out.kind = RequestEventKind::data;
        out.payload = ev->payload;
        out.frame_end = ev->frame_end;
        break;
      case FrameEventKind::frame: {
        auto f = on_frame(ev->type, ev->payload);
        if (!f) return fail(f.error());
        out = *f;
        break;
      }
    }
    out.consumed = used;
    return out;
  }
}

Status RequestStreamReceiver::accept_header_section(const HeaderSectionInfo& info) {
  if (state_ != State::classifying) return Error::local("no header section to accept");
  if (info.interim) {
    if (kind_ == MessageStreamKind::request) return Error::local("interim request header section");
    state_ = State::awaiting_headers;  // the final response follows (§4.1)
    return ok_status();
  }
  content_length_ = info.no_content ? std::nullopt : info.content_length;
  no_content_ = info.no_content;
  state_ = info.tunnel ? State::tunnel : State::body;
  return ok_status();
}

Status RequestStreamReceiver::on_fin() {
  if (failed_) return error_;
  if (auto s = reader_.finish(); !s) return fail(s.error());
  switch (state_) {
    case State::awaiting_headers:
      if (kind_ == MessageStreamKind::request)
        return fail(h3_error(H3Error::H3_REQUEST_INCOMPLETE, "request stream ended early"));
      return fail(h3_error(H3Error::H3_MESSAGE_ERROR, "stream ended before a final response"));
    case State::classifying: return Error::local("on_fin() before accept_header_section()");
    case State::body:
      if (auto s = check_content_complete(); !s) return fail(s.error());
      break;
    case State::tunnel:
    case State::complete: break;
  }
  state_ = State::complete;
  return ok_status();
}

}  // namespace tquic::h3
