// Session: the peer's messages on request streams (RFC 9114 §4.1): frames,
// QPACK-encoded field sections (RFC 9204 §2.2), content by reference,
// blocked sections, resets.
#include "h3/session.h"

namespace tquic::h3 {
namespace {

constexpr std::uint64_t code_of(H3Error e) { return static_cast<std::uint64_t>(e); }

std::string_view method_name(MethodClass m) {
  switch (m) {
    case MethodClass::head: return "HEAD";
    case MethodClass::connect: return "CONNECT";
    case MethodClass::other: break;
  }
  return "GET";
}

}  // namespace

// Reads frames until the stream runs dry, a DATA piece waits for the
// application, a section is blocked, or the message ends. Content stays in
// the connection's buffer: only frame headers are consumed here.
void Session::process_message(Call& c, MessageStream& s) {
  while (!closing_ && !s.recv_done && !s.blocked && s.data_pending == 0) {
    const ByteSpan in = c.conn.stream_peek(s.id);
    if (in.empty()) {
      if (c.conn.stream_fin_received(s.id)) on_message_fin(c, s);
      return;
    }
    auto ev = s.rx.next(in);
    if (!ev) return stream_error(c, s, ev.error());
    switch (ev->kind) {
      case RequestEventKind::need_more: c.conn.stream_consume(s.id, ev->consumed); break;
      case RequestEventKind::headers:
      case RequestEventKind::trailers: {
        // The section may be a view into `in`: decode before consuming.
        const Status st = on_field_section(c, s, ev->payload, ev->kind == RequestEventKind::trailers);
        c.conn.stream_consume(s.id, ev->consumed);
        if (!st) return stream_error(c, s, st.error());
        break;
      }
      case RequestEventKind::data:
        c.conn.stream_consume(s.id, ev->consumed - ev->payload.size());
        s.data_pending = ev->payload.size();
        if (s.discard_body) {
          c.conn.stream_consume(s.id, ev->payload.size());
          s.data_pending = 0;
        } else if (s.data_pending > 0 && !app_reading_) {
          emit_stream(SessionEventType::data, s);
        }
        break;
      case RequestEventKind::push_promise:  // §4.6: we never sent MAX_PUSH_ID
        return connection_error(c, check_push_id_allowed(ev->push_id, std::nullopt).error());
    }
  }
}

Status Session::on_field_section(Call& c, MessageStream& s, ByteSpan section, bool trailers) {
  if (trailers) s.fields.begin_trailers();
  TQUIC_TRY_ASSIGN(const qpack::DecodeOutcome out,
                   decoder_.decode_field_section(s.id, section, s.fields, decode_scratch_));
  if (out.status == qpack::DecodeStatus::blocked) {  // RFC 9204 §2.2.1: wait for the encoder stream
    s.fields.discard_open_section();
    s.blocked_section.assign(section.begin(), section.end());
    s.blocked = true;
    s.blocked_trailers = trailers;
    ++stats_.blocked_sections;
    return ok_status();
  }
  if (out.needs_section_acknowledgment()) {  // RFC 9204 §4.4.1
    std::uint8_t buf[16];
    ByteWriter w(buf);
    if (!decoder_.write_section_acknowledgment(w, s.id, out.required_insert_count))
      return Error::local("section acknowledgment does not fit");
    TQUIC_TRY(write_decoder_stream(c, w.data()));
  }
  if (out.status == qpack::DecodeStatus::too_large) {
    s.fields.discard_open_section();
    on_section_too_large(c, s);
    return ok_status();
  }
  if (trailers) return on_trailer_section(s);
  return on_header_section(s);
}

Status Session::on_header_section(MessageStream& s) {
  if (role_ == wire::Role::server) {
    TQUIC_TRY(on_request_head(s));
    ++stats_.requests_received;
    emit_stream(SessionEventType::request, s);
    return ok_status();
  }
  bool final_response = false;
  TQUIC_TRY(on_response_head(s, final_response));
  if (final_response) {
    ++stats_.responses_received;
    emit_stream(SessionEventType::response, s);
  }
  return ok_status();
}

Status Session::on_request_head(MessageStream& s) {
  RequestRules rules;
  rules.allow_extended_connect = local_settings_.enable_connect_protocol;
  TQUIC_TRY_ASSIGN(s.request, validate_request_header(s.fields.headers(), rules));
  TQUIC_TRY(s.rx.accept_header_section(header_section_info(s.request)));
  s.head_received = true;
  s.tunnel = s.request.is_connect || s.request.is_extended_connect;
  return ok_status();
}

// Interim (1xx) responses are checked and dropped; the final one is reported.
Status Session::on_response_head(MessageStream& s, bool& final_response) {
  TQUIC_TRY_ASSIGN(const ResponseHead head, validate_response_header(s.fields.headers()));
  const HeaderSectionInfo info = header_section_info(head, method_name(s.method));
  TQUIC_TRY(s.rx.accept_header_section(info));
  if (info.interim) {
    s.fields.clear();
    return ok_status();
  }
  s.response = head;
  s.head_received = true;
  s.tunnel = info.tunnel;
  final_response = true;
  return ok_status();
}

Status Session::on_trailer_section(MessageStream& s) {
  TQUIC_TRY(validate_trailer_section(s.fields.trailers()));
  if (role_ == wire::Role::server) {
    // The stored lines may have moved: take the request's views again.
    RequestRules rules;
    rules.allow_extended_connect = local_settings_.enable_connect_protocol;
    TQUIC_TRY_ASSIGN(s.request, validate_request_header(s.fields.headers(), rules));
  }
  emit_stream(SessionEventType::trailers, s);
  return ok_status();
}

// RFC 9114 §4.2.2: a field section over our SETTINGS_MAX_FIELD_SECTION_SIZE.
// A server answers 431 and asks the client to stop sending (H3_NO_ERROR: the
// response is complete, §4.1); a client abandons the response.
void Session::on_section_too_large(Call& c, MessageStream& s) {
  if (role_ == wire::Role::client || s.headers_sent) {
    abort_stream(c, s, code_of(H3Error::H3_REQUEST_CANCELLED), true);
    return;
  }
  (void)c.conn.stream_stop_sending(s.id, code_of(H3Error::H3_NO_ERROR));
  s.recv_done = true;
  const FieldLine no_content[] = {{"content-length", "0"}};
  if (auto st = respond(c.conn, s, 431, no_content, true); !st) return connection_error(c, st.error());
  maybe_retire(s);
}

void Session::on_message_fin(Call& c, MessageStream& s) {
  if (auto st = s.rx.on_fin(); !st) return stream_error(c, s, st.error());
  s.recv_done = true;
  emit_stream(SessionEventType::finished, s);
  maybe_retire(s);
}

// The encoder stream delivered what the blocked section needs.
void Session::resume_blocked(Call& c, MessageStream& s) {
  std::vector<std::uint8_t> section;
  section.swap(s.blocked_section);
  s.blocked = false;
  const Status st = on_field_section(c, s, section, s.blocked_trailers);
  section.clear();
  if (!s.blocked) s.blocked_section.swap(section);  // keep the capacity
  if (!st) return stream_error(c, s, st.error());
  process_message(c, s);
}

// The peer abandoned its message (§4.1.1): ours is abandoned too.
void Session::on_peer_reset(Call& c, transport::StreamId id, std::uint64_t code) {
  MessageStream* s = find(id);
  if (s == nullptr || s->recv_done) return;
  ++stats_.streams_reset_by_peer;
  s->recv_done = true;
  s->data_pending = 0;
  s->blocked = false;
  s->blocked_section.clear();
  cancel_qpack_state(c, *s);
  if (!s->send_finished()) {
    (void)c.conn.stream_reset(id, code_of(H3Error::H3_REQUEST_CANCELLED));
    s->send_reset = true;
    s->out.clear();
    s->frame_remaining = 0;
  }
  report_reset(*s, code, true);
  maybe_retire(*s);
}

// STOP_SENDING: the transport resets our sending part (RFC 9000 §3.5). A
// server doing so with H3_NO_ERROR only declines the rest of the request
// (§4.1); a client doing so abandons the response, hence the request.
void Session::on_peer_stop_sending(Call& c, transport::StreamId id, std::uint64_t code) {
  MessageStream* s = find(id);
  if (s == nullptr) return;
  s->send_reset = true;
  s->out.clear();
  s->frame_remaining = 0;
  if (role_ == wire::Role::server) {
    if (!s->recv_done) {
      (void)c.conn.stream_stop_sending(id, code_of(H3Error::H3_REQUEST_CANCELLED));
      s->recv_done = true;
      s->data_pending = 0;
      cancel_qpack_state(c, *s);
    }
    ++stats_.streams_reset_by_peer;
    report_reset(*s, code, true);
  }
  maybe_retire(*s);
}

}  // namespace tquic::h3
