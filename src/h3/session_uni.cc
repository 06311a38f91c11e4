// Session: the peer's unidirectional streams (RFC 9114 §6.2): the stream
// header, the control stream, and the QPACK encoder and decoder streams
// (RFC 9204 §4.2).
#include <algorithm>

#include "h3/session.h"

namespace tquic::h3 {

Session::PeerUniStream* Session::find_uni(transport::StreamId id) {
  for (PeerUniStream& u : uni_streams_)
    if (u.id == id) return &u;
  return nullptr;
}

void Session::forget_uni(transport::StreamId id) {
  std::erase_if(uni_streams_, [&](const PeerUniStream& u) { return u.id == id; });
}

// Reads the Stream Type (and a push stream's Push ID); `keep` turns false
// for a stream to forget: unknown type (we stop it), or ended untyped.
Status Session::read_uni_header(Call& c, PeerUniStream& u, bool& keep) {
  for (ByteSpan in = c.conn.stream_peek(u.id); !in.empty(); in = c.conn.stream_peek(u.id)) {
    const UniStreamHeaderReader::Outcome out = u.header.feed(in);
    c.conn.stream_consume(u.id, out.consumed);
    if (!out.complete) continue;
    u.typed = true;
    u.kind = out.kind;
    TQUIC_TRY_ASSIGN(const UniStreamDisposition d, peer_uni_.on_stream_type(out.kind));
    // §4.6: we never send MAX_PUSH_ID, so any push stream names a push ID
    // we did not allow (servers already refused the type above).
    if (out.kind == UniStreamKind::push) return check_push_id_allowed(out.push_id, std::nullopt);
    if (d == UniStreamDisposition::discard) {  // §6.2: unknown types are not an error
      ++stats_.unknown_streams;
      (void)c.conn.stream_stop_sending(u.id, static_cast<std::uint64_t>(H3Error::H3_STREAM_CREATION_ERROR));
      keep = false;
    }
    return ok_status();
  }
  if (c.conn.stream_fin_received(u.id)) keep = false;  // ended before its type: tolerated
  return ok_status();
}

Status Session::read_control(Call& c, transport::StreamId id) {
  for (ByteSpan in = c.conn.stream_peek(id); !in.empty(); in = c.conn.stream_peek(id)) {
    ByteSpan rest = in;
    for (;;) {
      TQUIC_TRY_ASSIGN(const ControlEvent ev, control_rx_.next(rest));
      rest = rest.subspan(ev.consumed);
      if (ev.kind == ControlEventKind::need_more) break;
      if (ev.kind == ControlEventKind::settings) TQUIC_TRY(apply_peer_settings(c, ev.settings));
      if (ev.kind == ControlEventKind::goaway) on_peer_goaway(c, ev.id);
      // MAX_PUSH_ID and CANCEL_PUSH need nothing: we never push.
      if (closing_) return ok_status();
    }
    c.conn.stream_consume(id, in.size());
  }
  return ok_status();
}

// The peer's encoder stream feeds our decoder's dynamic table; new entries
// may unblock sections (§2.1.2) and are acknowledged with an Insert Count
// Increment for whatever the resumed sections did not acknowledge (§4.4.3).
Status Session::read_encoder_stream(Call& c, transport::StreamId id) {
  const std::uint64_t before = decoder_.insert_count();
  TQUIC_TRY(encoder_stream_in_.read(
      c.conn, id, [&](ByteSpan b) { return decoder_.on_encoder_stream(b); },
      h3_error(H3Error::QPACK_ENCODER_STREAM_ERROR, "qpack: encoder instruction longer than the table")));
  if (decoder_.insert_count() == before) return ok_status();
  resume_unblocked(c);
  if (closing_ || decoder_.pending_insert_count_increment() == 0) return ok_status();
  std::uint8_t buf[16];
  ByteWriter w(buf);
  if (!decoder_.write_insert_count_increment(w)) return Error::local("insert count increment does not fit");
  return write_decoder_stream(c, w.data());
}

Status Session::read_decoder_stream(Call& c, transport::StreamId id) {
  return decoder_stream_in_.read(
      c.conn, id, [&](ByteSpan b) { return encoder_.on_decoder_stream(b); },
      h3_error(H3Error::QPACK_DECODER_STREAM_ERROR, "qpack: decoder instruction too long"));
}

void Session::resume_unblocked(Call& c) {
  for (;;) {
    const std::size_t n = decoder_.unblocked_streams(unblocked_);
    if (n == 0) return;
    for (std::size_t i = 0; i < n && !closing_; ++i) {
      MessageStream* s = find(unblocked_[i]);
      if (s == nullptr || !s->blocked) {
        decoder_.forget_stream(unblocked_[i]);
        continue;
      }
      resume_blocked(c, *s);  // decoding it takes it off the decoder's list
    }
    if (closing_) return;
  }
}

void Session::on_uni_readable(Call& c, PeerUniStream& u) {
  const transport::StreamId id = u.id;
  if (!u.typed) {
    bool keep = true;
    if (auto st = read_uni_header(c, u, keep); !st) return connection_error(c, st.error());
    if (!keep) return forget_uni(id);
    if (!u.typed) return;
  }
  Status st;
  switch (u.kind) {
    case UniStreamKind::control: st = read_control(c, id); break;
    case UniStreamKind::qpack_encoder: st = read_encoder_stream(c, id); break;
    case UniStreamKind::qpack_decoder: st = read_decoder_stream(c, id); break;
    case UniStreamKind::push:
    case UniStreamKind::unknown: return;
  }
  if (!st) return connection_error(c, st.error());
  if (closing_ || !c.conn.stream_fin_received(id)) return;
  if (auto closed = peer_uni_.on_stream_closed(u.kind); !closed) connection_error(c, closed.error());
}

// A reset critical stream is H3_CLOSED_CRITICAL_STREAM (§6.2.1, RFC 9204
// §4.2); any other unidirectional stream may be reset (§6.2).
void Session::on_uni_reset(Call& c, transport::StreamId id) {
  PeerUniStream* u = find_uni(id);
  if (u == nullptr) return;
  if (u->typed) {
    if (auto st = peer_uni_.on_stream_closed(u->kind); !st) return connection_error(c, st.error());
  }
  forget_uni(id);
}

}  // namespace tquic::h3
