// One handler per received frame type (RFC 9000 §19, RFC 9221,
// draft-ietf-quic-ack-frequency, draft-ietf-quic-multipath).
#include "transport/connection/conn_frames.h"

#include <variant>

#include "transport/connection/conn_ack.h"
#include "transport/connection/conn_cids.h"
#include "transport/connection/conn_paths.h"
#include "transport/connection/conn_preferred_address.h"
#include "wire/frame_decoder.h"
#include "wire/frame_rules.h"
#include "wire/varint.h"

namespace tquic::transport {
namespace {

Error violation(const char* why, wire::FrameType t) {
  return Error::transport(TransportErrorCode::PROTOCOL_VIOLATION, why, wire::to_wire(t));
}

// Feeds contiguous CRYPTO bytes of `level` to TLS (RFC 9001 §4.1.3).
Status deliver_crypto(ConnectionState& s, wire::EncryptionLevel level, Timestamp now) {
  RecvBuffer& rx = s.space(space_of(level)).crypto.rx;
  for (ByteSpan chunk = rx.peek(); !chunk.empty(); chunk = rx.peek()) {
    TQUIC_TRY(s.tls->provide(level, chunk));
    rx.consume(chunk.size());
  }
  return on_handshake_progress(s, now);
}

struct Handler {
  ConnectionState& s;
  const FrameContext& ctx;

  Status operator()(const wire::PaddingFrame&) { return ok_status(); }
  Status operator()(const wire::PingFrame&) { return ok_status(); }
  Status operator()(const wire::AckFrame& f) { return on_ack_frame(s, f, ctx); }

  Status operator()(const wire::CryptoFrame& f) {
    if (s.space(ctx.space).discarded) return ok_status();
    RecvBuffer& rx = s.space(ctx.space).crypto.rx;
    // 1-RTT CRYPTO (session tickets) shares the application space's buffer.
    TQUIC_TRY(rx.on_data(f.offset, f.crypto_data, false));
    return deliver_crypto(s, ctx.level, ctx.now);
  }

  Status operator()(const wire::NewTokenFrame& f) {
    if (s.role == wire::Role::server) return violation("NEW_TOKEN sent by a client", f.type());
    s.new_token.assign(f.token.bytes.begin(), f.token.bytes.end());
    return ok_status();
  }

  Status operator()(const wire::StreamFrame& f) {
    TQUIC_TRY_ASSIGN(Stream * st, stream_for_frame(s, f.stream_id, true, wire::to_wire(f.type())));
    if (!st || !st->recv) return ok_status();  // already closed and collected
    TQUIC_TRY_ASSIGN(FlowDelta d, st->recv->on_stream_frame(f.offset, f.stream_data, f.fin,
                                                            wire::to_wire(f.type())));
    TQUIC_TRY(s.conn_rx.on_received_bytes(d.received, wire::to_wire(f.type())));
    s.conn_rx.on_consumed(d.consumed);
    s.stats.stream_bytes_received += d.received;
    if ((st->recv->readable() > 0 || st->recv->fin_read() || st->recv->buffer().all_received()) &&
        !st->readable_notified) {
      st->readable_notified = true;
      s.events.push({ConnectionEventType::stream_readable, st->id});
    }
    return ok_status();
  }

  Status operator()(const wire::MaxDataFrame& f) {
    s.conn_tx.on_max_data(f.maximum_data);
    return ok_status();
  }

  Status operator()(const wire::MaxStreamDataFrame& f) {
    TQUIC_TRY_ASSIGN(Stream * st, stream_for_frame(s, f.stream_id, false, wire::to_wire(f.type())));
    if (st && st->send && st->send->on_max_stream_data(f.maximum_stream_data)) schedule_stream(s, *st);
    return ok_status();
  }

  Status operator()(const wire::MaxStreamsFrame& f) {
    auto grew = s.stream_limits.on_max_streams(f.bidirectional ? StreamDirection::bidi : StreamDirection::uni,
                                               f.maximum_streams);
    if (!grew) return grew.error();
    return ok_status();
  }

  Status operator()(const wire::DataBlockedFrame&) {
    if (s.conn_rx.should_update()) s.pending.max_data = true;
    return ok_status();
  }

  Status operator()(const wire::StreamDataBlockedFrame& f) {
    TQUIC_TRY_ASSIGN(Stream * st, stream_for_frame(s, f.stream_id, true, wire::to_wire(f.type())));
    if (st && st->recv && st->recv->should_send_max_stream_data()) {
      st->max_stream_data_pending = true;
      note_stream_control(s, *st);
    }
    return ok_status();
  }

  Status operator()(const wire::StreamsBlockedFrame&) { return ok_status(); }

  Status operator()(const wire::ResetStreamFrame& f) {
    TQUIC_TRY_ASSIGN(Stream * st, stream_for_frame(s, f.stream_id, true, wire::to_wire(f.type())));
    if (!st || !st->recv) return ok_status();
    TQUIC_TRY_ASSIGN(FlowDelta d, st->recv->on_reset_stream(f.application_protocol_error_code, f.final_size));
    TQUIC_TRY(s.conn_rx.on_received_bytes(d.received, wire::to_wire(f.type())));
    s.conn_rx.on_consumed(d.consumed);
    s.events.push({ConnectionEventType::stream_reset, st->id, f.application_protocol_error_code});
    maybe_collect_stream(s, *st);
    return ok_status();
  }

  Status operator()(const wire::StopSendingFrame& f) {
    TQUIC_TRY_ASSIGN(Stream * st, stream_for_frame(s, f.stream_id, false, wire::to_wire(f.type())));
    if (!st || !st->send) return ok_status();
    st->send->on_stop_sending(f.application_protocol_error_code);
    note_stream_control(s, *st);
    s.events.push({ConnectionEventType::stream_stop_sending, st->id, f.application_protocol_error_code});
    return ok_status();
  }

  Status operator()(const wire::NewConnectionIdFrame& f) { return on_new_connection_id(s, f); }
  Status operator()(const wire::RetireConnectionIdFrame& f) { return on_retire_connection_id(s, f, ctx); }

  Status operator()(const wire::PathChallengeFrame& f) {
    if (ctx.path) {
      ctx.path->response_pending = true;
      ctx.path->response = f.data;
    }
    return ok_status();
  }

  Status operator()(const wire::PathResponseFrame& f) {
    on_path_response(s, f.data, ctx.now);
    return ok_status();
  }

  Status operator()(const wire::ConnectionCloseFrame& f) {
    s.close_info.closed = true;
    s.close_info.by_peer = true;
    s.close_info.is_application = f.is_application;
    s.close_info.error_code = f.error_code;
    s.close_info.frame_type = f.frame_type;
    s.close_info.reason.assign(f.reason_phrase.bytes.begin(), f.reason_phrase.bytes.end());
    enter_draining(s, ctx.now);
    return ok_status();
  }

  Status operator()(const wire::HandshakeDoneFrame& f) {
    if (s.role == wire::Role::server) return violation("HANDSHAKE_DONE sent by a client", f.type());
    if (s.handshake_confirmed) return ok_status();
    s.handshake_confirmed = true;  // RFC 9001 §4.1.2
    s.paths[0]->recovery->on_handshake_confirmed(ctx.now);
    s.events.push({ConnectionEventType::handshake_confirmed});
    probe_preferred_address(s, ctx.now);  // RFC 9000 §9.6.1: after confirmation
    return discard_space(s, PacketNumberSpace::handshake, ctx.now);
  }

  Status operator()(const wire::DatagramFrame& f) {
    const std::uint64_t limit = s.local_params.max_datagram_frame_size;
    if (limit == 0) return violation("DATAGRAM without max_datagram_frame_size", f.type());
    // RFC 9221 §3: type, length and payload count against the limit.
    const std::uint64_t frame_size =
        1 + (f.has_length ? wire::varint_size(f.datagram_data.size()) : 0) + f.datagram_data.size();
    if (frame_size > limit) return violation("DATAGRAM larger than max_datagram_frame_size", f.type());
    if (!s.datagrams_in.push(f.datagram_data)) {
      ++s.datagrams_refused;
      return ok_status();
    }
    s.events.push({ConnectionEventType::datagram_received});
    return ok_status();
  }

  // Extensions we do not negotiate: receiving them is a PROTOCOL_VIOLATION
  // (draft-ietf-quic-ack-frequency §"min_ack_delay"; multipath §"Negotiation").
  template <class F>
  Status operator()(const F& f) {
    return violation("frame of an extension that was not negotiated", f.type());
  }
};

// RFC 9000 §19.19: CONNECTION_CLOSE names "the type of frame that triggered
// the error". Errors raised below the frame handlers (stream buffers, flow
// control, TLS) do not know it, and a decoded STREAM frame no longer knows
// whether its OFF bit was set: the type as it was on the wire is used.
Status blame_frame(Status st, std::uint64_t wire_type) {
  if (st || st.error().kind != ErrorKind::transport) return st;
  Error e = st.error();
  e.frame_type = wire_type;
  return e;
}

}  // namespace

Result<FrameSummary> process_frames(ConnectionState& s, MutByteSpan payload, const FrameContext& ctx) {
  if (payload.empty())  // RFC 9000 §12.4: a packet must contain at least one frame
    return Error::transport(TransportErrorCode::PROTOCOL_VIOLATION, "packet without frames");
  FrameSummary sum;
  ByteReader r(payload);
  Handler h{s, ctx};
  while (!r.empty()) {
    ByteReader type_reader = r;
    std::uint64_t wire_type = 0;
    (void)wire::read_varint(type_reader, wire_type);  // decode_frame reports a truncated type
    TQUIC_TRY_ASSIGN(wire::Frame f, wire::decode_frame(r));
    const wire::FrameType t = wire::frame_type_of(f);
    TQUIC_TRY(blame_frame(wire::check_frame_allowed(t, ctx.level), wire_type));
    sum.ack_eliciting |= wire::is_ack_eliciting(t);
    sum.probing_only &= wire::is_probing_frame(t);
    TQUIC_TRY(blame_frame(std::visit(h, f), wire_type));
    if (s.phase == ConnPhase::draining || s.phase == ConnPhase::closed) break;
  }
  return sum;
}

}  // namespace tquic::transport
