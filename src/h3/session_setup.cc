// Session: our unidirectional streams and SETTINGS (RFC 9114 §6.2, §7.2.4,
// RFC 9204 §4.2), the peer's SETTINGS, GOAWAY and shutdown (§5.2, §5.3).
#include "h3/frames.h"
#include "h3/session.h"

namespace tquic::h3 {
namespace {

// The reserved setting and frame type we send as grease (§7.2.4.1, §7.2.8).
constexpr std::uint64_t kGreaseIndex = 0x2a;
constexpr std::uint64_t kGreaseValue = 0x1d;

}  // namespace

Status Session::open_local_stream(Call& c, std::optional<transport::StreamId>& slot, UniStreamType type) {
  if (slot) return ok_status();
  TQUIC_TRY_ASSIGN(const transport::StreamId id, c.conn.open_stream(false));
  slot = id;
  // Control and QPACK instructions go ahead of request data: fewer blocked
  // sections at the peer, and GOAWAY leaves before the responses it frames.
  (void)c.conn.stream_set_priority(id, transport::StreamPriority{0, false});
  std::uint8_t buf[8];
  ByteWriter w(buf);
  if (!write_stream_type(w, to_wire(type))) return Error::local("stream type does not fit");
  PendingOutput& out = type == UniStreamType::control         ? control_out_
                       : type == UniStreamType::qpack_encoder ? encoder_out_
                                                              : decoder_out_;
  return out.write(c.conn, id, w.data());
}

Status Session::write_settings(Call& c) {
  std::uint8_t buf[128];
  ByteWriter w(buf);
  const GreaseSetting grease{kGreaseIndex, kGreaseValue};
  if (!write_settings_frame(w, local_settings_, config_.grease ? &grease : nullptr))
    return Error::local("SETTINGS frame does not fit");
  if (config_.grease && !write_reserved_frame(w, kGreaseIndex, ByteSpan{}))
    return Error::local("reserved frame does not fit");
  return control_out_.write(c.conn, *control_id_, w.data());
}

// §6.2.1: each side opens its control stream first and sends SETTINGS as its
// first frame; the QPACK streams follow (RFC 9204 §4.2). A peer stream limit
// below three (which §6.2 forbids) leaves the rest for a later call.
void Session::ensure_started(Call& c) {
  if (started() || closing_ || !(c.conn.is_established() || c.conn.early_data_available())) return;
  const bool had_control = control_id_.has_value();
  Status st = open_local_stream(c, control_id_, UniStreamType::control);
  if (st && !had_control) st = write_settings(c);
  if (st) st = open_local_stream(c, encoder_id_, UniStreamType::qpack_encoder);
  if (st) st = open_local_stream(c, decoder_id_, UniStreamType::qpack_decoder);
  if (!st && st.error().kind != ErrorKind::blocked) connection_error(c, st.error());
}

Status Session::write_control(Call& c, ByteSpan frame) {
  if (!control_id_) return Error::blocked("control stream not open");
  return control_out_.write(c.conn, *control_id_, frame);
}

// Before our decoder stream is open (only if the peer allows fewer than the
// three unidirectional streams §6.2 requires) instructions are dropped: the
// peer's encoder then merely learns less.
Status Session::write_decoder_stream(Call& c, ByteSpan bytes) {
  if (!decoder_id_) return ok_status();
  return decoder_out_.write(c.conn, *decoder_id_, bytes);
}

void Session::remember_peer_settings(const Settings& s) {
  if (role_ != wire::Role::client) return;
  remembered_settings_ = s;
  settings_remembered_ = true;
}

// The peer's SETTINGS bound what our encoder may use (RFC 9204 §3.2.3, §2.1.2)
// and what we may send (RFC 9114 §4.2.2, RFC 9297 §2.1.1). After accepted
// 0-RTT they may not take back what the remembered ones allowed (§7.2.4.2).
Status Session::apply_peer_settings(Call& c, const Settings& s) {
  if (settings_remembered_ && c.conn.early_data_accepted() && !settings_compatible(remembered_settings_, s))
    return h3_error(H3Error::H3_SETTINGS_ERROR, "SETTINGS after accepted 0-RTT reduce the remembered ones");
  TQUIC_TRY(encoder_.on_peer_settings(s.qpack_max_table_capacity, s.qpack_blocked_streams));
  SessionEvent ev;
  ev.type = SessionEventType::settings;
  emit(ev);
  return ok_status();
}

// §5.2: from a server, requests on streams >= `id` were not and will not be
// processed; we report them rejected and cancel them (they may be retried
// on another connection). From a client the identifier is a push ID: we
// never push, so there is nothing to cancel.
void Session::on_peer_goaway(Call& c, std::uint64_t id) {
  SessionEvent ev;
  ev.type = SessionEventType::goaway;
  ev.id = id;
  emit(ev);
  if (role_ != wire::Role::client) return;
  for (auto& kv : streams_) {
    MessageStream& s = *kv.second;
    if (s.id < id || s.done()) continue;
    report_reset(s, static_cast<std::uint64_t>(H3Error::H3_REQUEST_REJECTED), true);
    abort_stream(c, s, static_cast<std::uint64_t>(H3Error::H3_REQUEST_CANCELLED), false);
  }
}

void Session::shutdown(transport::Connection& conn, Timestamp now) {
  Call c{conn, now};
  if (closing_ || goaway_sent_) return;
  ensure_started(c);
  if (!control_id_) {  // nothing was ever said: nothing to wind down
    close(conn, H3Error::H3_NO_ERROR, "shutdown", now);
    return;
  }
  // A server names the first request it will not process; a client names
  // a push ID, and since it never allowed any push, 0 (§5.2).
  const std::uint64_t id = role_ == wire::Role::server ? next_peer_request_id_ : 0;
  std::uint8_t buf[16];
  ByteWriter w(buf);
  if (!write_goaway_frame(w, id)) return connection_error(c, Error::local("GOAWAY does not fit"));
  if (auto st = write_control(c, w.data()); !st) return connection_error(c, st.error());
  goaway_sent_ = id;
  goaway_stream_bytes_mark_ = conn.stats().stream_bytes_sent;
}

void Session::close(transport::Connection& conn, H3Error code, std::string_view reason, Timestamp now) {
  if (closing_) return;
  closing_ = true;
  conn.close(static_cast<std::uint64_t>(code), reason, now);
}

// Every exchange is finished and everything we sent, GOAWAY included, is
// acknowledged: the GOAWAY left after the mark (the control stream goes
// first), and nothing is in flight.
bool Session::everything_settled(Call& c) {
  for (const auto& kv : streams_) {
    const MessageStream& s = *kv.second;
    if (!s.done() || !c.conn.stream_send_terminal(s.id)) return false;
  }
  if (!unsettled_.empty()) return false;
  if (!control_out_.empty() || !encoder_out_.empty() || !decoder_out_.empty()) return false;
  const transport::ConnectionStats st = c.conn.stats();
  return st.stream_bytes_sent > goaway_stream_bytes_mark_ && st.bytes_in_flight == 0;
}

void Session::maybe_finish_shutdown(Call& c) {
  if (!goaway_sent_ || closing_ || !everything_settled(c)) return;
  closing_ = true;
  c.conn.close(static_cast<std::uint64_t>(H3Error::H3_NO_ERROR), "graceful shutdown", c.now);
}

}  // namespace tquic::h3
