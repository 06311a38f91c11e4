#include "h3/control_stream.h"

#include "h3/frames.h"
#include "h3/h3_error.h"
#include "h3/stream_types.h"

namespace tquic::h3 {

Error ControlStreamReceiver::fail(const Error& e) {
  failed_ = true;
  error_ = e;
  return e;
}

void ControlStreamReceiver::on_push_promised(std::uint64_t push_id) {
  if (!max_promised_push_id_ || push_id > *max_promised_push_id_) max_promised_push_id_ = push_id;
}

Status ControlStreamReceiver::on_stream_end() {
  return fail(h3_error(H3Error::H3_CLOSED_CRITICAL_STREAM, "control stream closed"));
}

// Checks that can be made as soon as a frame's type is known, before its
// payload is read (no point buffering a frame that is an error anyway).
Status ControlStreamReceiver::on_frame_header(std::uint64_t type) {
  if (!settings_received_ && type != to_wire(FrameType::settings))
    return h3_error(H3Error::H3_MISSING_SETTINGS, "first control frame is not SETTINGS");
  if (settings_received_ && type == to_wire(FrameType::settings))
    return h3_error(H3Error::H3_FRAME_UNEXPECTED, "second SETTINGS frame");
  if (type == to_wire(FrameType::max_push_id) && local_role_ == wire::Role::client)
    return h3_error(H3Error::H3_FRAME_UNEXPECTED, "MAX_PUSH_ID sent by a server");
  return check_frame_allowed(type, FrameContext::control);
}

Status ControlStreamReceiver::on_goaway(std::uint64_t id) {
  // From a server the identifier is a client-initiated bidirectional stream.
  if (local_role_ == wire::Role::client && id % 4 != 0)
    return h3_error(H3Error::H3_ID_ERROR, "GOAWAY stream ID is not a request stream");
  if (goaway_id_ && id > *goaway_id_)
    return h3_error(H3Error::H3_ID_ERROR, "GOAWAY identifier increased");
  goaway_id_ = id;
  return ok_status();
}

Status ControlStreamReceiver::on_max_push_id(std::uint64_t push_id) {
  if (peer_max_push_id_ && push_id < *peer_max_push_id_)
    return h3_error(H3Error::H3_ID_ERROR, "MAX_PUSH_ID decreased");
  peer_max_push_id_ = push_id;
  return ok_status();
}

Status ControlStreamReceiver::on_cancel_push(std::uint64_t push_id) const {
  if (local_role_ == wire::Role::client) return check_push_id_allowed(push_id, local_max_push_id_);
  if (!peer_max_push_id_ || push_id > *peer_max_push_id_)
    return h3_error(H3Error::H3_ID_ERROR, "CANCEL_PUSH above MAX_PUSH_ID");
  if (!max_promised_push_id_ || push_id > *max_promised_push_id_)
    return h3_error(H3Error::H3_ID_ERROR, "CANCEL_PUSH for a push never promised");
  return ok_status();
}

Result<ControlEvent> ControlStreamReceiver::on_frame(std::uint64_t type, ByteSpan payload) {
  ControlEvent ev;
  if (type == to_wire(FrameType::settings)) {
    TQUIC_TRY_ASSIGN(peer_settings_, parse_settings_payload(payload));
    settings_received_ = true;
    ev.kind = ControlEventKind::settings;
    ev.settings = peer_settings_;
    return ev;
  }
  TQUIC_TRY_ASSIGN(ev.id, parse_single_varint_payload(payload));
  switch (type) {
    case 0x07:
      TQUIC_TRY(on_goaway(ev.id));
      ev.kind = ControlEventKind::goaway;
      break;
    case 0x0d:
      TQUIC_TRY(on_max_push_id(ev.id));
      ev.kind = ControlEventKind::max_push_id;
      break;
    case 0x03:
      TQUIC_TRY(on_cancel_push(ev.id));
      ev.kind = ControlEventKind::cancel_push;
      break;
    default: return Error::local("unexpected buffered control frame");
  }
  return ev;
}

Result<ControlEvent> ControlStreamReceiver::next(ByteSpan in) {
  if (failed_) return error_;
  std::size_t used = 0;
  for (;;) {
    auto ev = reader_.next(in.subspan(used));
    if (!ev) return fail(ev.error());
    used += ev->consumed;
    switch (ev->kind) {
      case FrameEventKind::need_more: {
        ControlEvent out;
        out.consumed = used;
        return out;
      }
      case FrameEventKind::frame_header:
        if (auto s = on_frame_header(ev->type); !s) return fail(s.error());
        break;
      case FrameEventKind::data: return fail(Error::local("DATA passed the control stream check"));
      case FrameEventKind::frame: {
        auto out = on_frame(ev->type, ev->payload);
        if (!out) return fail(out.error());
        out->consumed = used;
        return out;
      }
    }
  }
}

}  // namespace tquic::h3
