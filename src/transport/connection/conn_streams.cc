// The stream table and the application's stream API (RFC 9000 §2-§4).
#include "transport/connection/conn_state.h"

namespace tquic::transport {
std::uint64_t peer_initial_send_limit(const ConnectionState& s, StreamId id) {
  const wire::TransportParameters& p = s.peer_params;
  if (is_uni(id)) return p.initial_max_stream_data_uni;
  // The peer's "bidi_local" covers streams it opened, "bidi_remote" ours.
  return is_locally_initiated(id, s.role) ? p.initial_max_stream_data_bidi_remote
                                          : p.initial_max_stream_data_bidi_local;
}

namespace {

Stream* create_stream(ConnectionState& s, StreamId id) {
  StreamSetup setup;
  setup.can_send = local_can_send(id, s.role);
  setup.max_buffered = s.config.max_send_buffer_per_stream;
  setup.peer_max_stream_data = peer_initial_send_limit(s, id);
  setup.can_receive = local_can_receive(id, s.role);
  setup.initial_window = s.config.initial_max_stream_data;
  setup.max_window = s.config.max_stream_window;
  Stream* st = s.stream_pool.acquire(id, s.chunks, setup);
  if (!st) return nullptr;
  s.streams.emplace(id, st);
  return st;
}

}  // namespace

Stream* find_stream(const ConnectionState& s, StreamId id) {
  auto it = s.streams.find(id);
  return it == s.streams.end() ? nullptr : it->second;
}

// RFC 9000 §3.2/§2.1: a frame for a peer stream opens it and every lower one
// of its type; frames for streams we never opened are errors. Returns
// nullptr for a stream that existed but is already finished and collected.
Result<Stream*> stream_for_frame(ConnectionState& s, StreamId id, bool receiving, std::uint64_t frame_type) {
  // §19.4, §19.5, §19.8, §19.10, §19.13: a frame for a part of the stream
  // that does not exist on our side (our sending part of a receive-only
  // stream, our receiving part of a send-only one), open or not.
  if (receiving ? !local_can_receive(id, s.role) : !local_can_send(id, s.role))
    return Error::transport(TransportErrorCode::STREAM_STATE_ERROR,
                            receiving ? "frame for the receiving part of a send-only stream"
                                      : "frame for the sending part of a receive-only stream",
                            frame_type);
  if (Stream* st = find_stream(s, id)) return st;
  const StreamPart part = receiving ? StreamPart::receiving : StreamPart::sending;
  TQUIC_TRY_ASSIGN(StreamOpening opening, s.stream_limits.on_frame_for_stream(id, part, frame_type));
  if (opening.count == 0) return static_cast<Stream*>(nullptr);
  for (std::uint64_t i = 0; i < opening.count; ++i) {
    const StreamId sid = opening.first + 4 * i;
    if (!create_stream(s, sid))
      return Error::transport(TransportErrorCode::INTERNAL_ERROR, "stream pool exhausted", frame_type);
    s.events.push({ConnectionEventType::stream_opened, sid});
  }
  return find_stream(s, id);
}

void schedule_stream(ConnectionState& s, Stream& st) {
  if (st.scheduled || !st.send) return;
  st.scheduled = true;
  s.scheduler.push(st.entry);
}

void note_stream_control(ConnectionState& s, Stream& st) {
  for (StreamId id : s.streams_with_control)
    if (id == st.id) return;
  s.streams_with_control.push_back(st.id);
}

// A stream whose both halves are finished (and whose data the application
// has read) leaves the table; a peer stream gives its credit back.
void maybe_collect_stream(ConnectionState& s, Stream& st) {
  const bool send_done = !st.send || st.send->is_terminal();
  const bool recv_done = !st.recv || st.recv->state() == RecvStreamState::data_read ||
                         st.recv->state() == RecvStreamState::reset_read ||
                         (st.recv->state() == RecvStreamState::reset_recvd && st.app_done_reading);
  if (!send_done || !recv_done || st.max_stream_data_pending || st.stop_sending_pending) return;
  for (StreamId id : s.streams_with_control)
    if (id == st.id) return;
  if (st.scheduled) s.scheduler.remove(st.entry);
  if (!is_locally_initiated(st.id, s.role)) s.stream_limits.on_peer_stream_closed(stream_direction(st.id));
  s.streams.erase(st.id);
  s.stream_pool.release(&st);
}

Result<StreamId> Connection::open_stream(bool bidirectional) {
  ConnectionState& s = *s_;
  if (s.phase != ConnPhase::established && !(s.phase == ConnPhase::handshake && s.zero_rtt_tx.ready()))
    return Error::blocked("connection not established");
  TQUIC_TRY_ASSIGN(StreamId id, s.stream_limits.open_local(bidirectional ? StreamDirection::bidi : StreamDirection::uni));
  if (!create_stream(s, id)) return Error::local("stream pool exhausted");
  return id;
}

Result<std::size_t> Connection::stream_write(StreamId id, ByteSpan data, bool fin) {
  ConnectionState& s = *s_;
  Stream* st = find_stream(s, id);
  if (!st || !st->send) return Error::local("stream_write on a stream we cannot send on");
  TQUIC_TRY_ASSIGN(std::size_t n, st->send->write(data));
  if (n < data.size()) st->write_blocked = true;
  if (fin && n == data.size()) TQUIC_TRY(st->send->finish());
  if (n > 0 || fin) schedule_stream(s, *st);
  return n;
}

ByteSpan Connection::stream_peek(StreamId id) const {
  const Stream* st = find_stream(*s_, id);
  return st && st->recv ? st->recv->peek() : ByteSpan{};
}

std::size_t Connection::stream_consume(StreamId id, std::size_t n) {
  ConnectionState& s = *s_;
  Stream* st = find_stream(s, id);
  if (!st || !st->recv) return 0;
  const std::uint64_t taken = st->recv->consume(n);
  s.conn_rx.on_consumed(taken);
  st->readable_notified = false;
  if (st->recv->should_send_max_stream_data()) {
    st->max_stream_data_pending = true;
    note_stream_control(s, *st);
  }
  if (st->recv->fin_read()) {
    st->app_done_reading = true;
    maybe_collect_stream(s, *st);
  }
  return static_cast<std::size_t>(taken);
}

bool Connection::stream_fin_received(StreamId id) const {
  const Stream* st = find_stream(*s_, id);
  if (st) return st->recv && st->recv->fin_read();
  // Not in the table: a stream that was opened and has been collected was
  // read to the end (or reset); one never opened has no FIN.
  if (!local_can_receive(id, s_->role)) return false;
  const StreamDirection dir = stream_direction(id);
  const std::uint64_t opened = is_locally_initiated(id, s_->role) ? s_->stream_limits.local_opened(dir)
                                                                  : s_->stream_limits.peer_opened(dir);
  return stream_index(id) < opened;
}

bool Connection::stream_send_terminal(StreamId id) const {
  const Stream* st = find_stream(*s_, id);
  if (st) return st->send && st->send->is_terminal();
  if (!local_can_send(id, s_->role)) return false;
  const StreamDirection dir = stream_direction(id);
  const std::uint64_t opened = is_locally_initiated(id, s_->role) ? s_->stream_limits.local_opened(dir)
                                                                  : s_->stream_limits.peer_opened(dir);
  return stream_index(id) < opened;
}

Status Connection::stream_reset(StreamId id, std::uint64_t app_error) {
  ConnectionState& s = *s_;
  Stream* st = find_stream(s, id);
  if (!st || !st->send) return Error::local("stream_reset on a stream we cannot send on");
  st->send->reset(app_error);
  note_stream_control(s, *st);
  return ok_status();
}

Status Connection::stream_stop_sending(StreamId id, std::uint64_t app_error) {
  ConnectionState& s = *s_;
  Stream* st = find_stream(s, id);
  if (!st || !st->recv) return Error::local("stop_sending on a stream we cannot receive on");
  auto stop = st->recv->stop_reading();
  s.conn_rx.on_consumed(stop.flow.consumed);
  st->app_done_reading = true;
  if (stop.send_stop_sending) {
    st->stop_sending_pending = true;
    st->stop_sending_code = app_error;
    note_stream_control(s, *st);
  }
  return ok_status();
}

Status Connection::stream_set_priority(StreamId id, StreamPriority priority) {
  Stream* st = find_stream(*s_, id);
  if (!st) return Error::local("unknown stream");
  if (!s_->scheduler.set_priority(st->entry, priority)) return Error::local("urgency must be 0..7");
  return ok_status();
}

}  // namespace tquic::transport
