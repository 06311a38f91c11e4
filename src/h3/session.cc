// Session: construction, the stream records, the event queue, error
// handling and the dispatch of connection events.
#include "h3/session.h"

#include <algorithm>

#include "h3/error_scope.h"

namespace tquic::h3 {
namespace {

// Bounds on what a configuration may ask for (memory taken at construction).
constexpr std::uint64_t kMaxFieldSectionSize = 1u << 20;
constexpr std::uint64_t kMinFieldSectionFrame = 1024;
constexpr std::size_t kMaxRecycledRecords = 64;

std::uint64_t field_section_limit(const SessionConfig& c) {
  return std::min(c.max_field_section_size, kMaxFieldSectionSize);
}

qpack::DecoderSettings decoder_settings(const SessionConfig& c) {
  qpack::DecoderSettings s;
  s.max_table_capacity = c.qpack_max_table_capacity;
  s.max_blocked_streams = c.qpack_blocked_streams;
  s.max_field_section_size = field_section_limit(c);
  return s;
}

qpack::EncoderOptions encoder_options(const SessionConfig& c) {
  qpack::EncoderOptions o;
  o.max_table_capacity = c.encoder_max_table_capacity;
  o.insert_policy = c.encoder_insert_policy;
  o.use_huffman = c.use_huffman;
  return o;
}

}  // namespace

Session::Session(wire::Role role, const SessionConfig& config)
    : role_(role), config_(config), decoder_(decoder_settings(config)),
      encoder_(encoder_options(config)), peer_uni_(role), control_rx_(role),
      encoder_stream_in_(static_cast<std::size_t>(2 * decoder_.settings().max_table_capacity + 64)),
      decoder_stream_in_(64) {
  const qpack::DecoderSettings& d = decoder_.settings();
  local_settings_.qpack_max_table_capacity = d.max_table_capacity;
  local_settings_.qpack_blocked_streams = d.max_blocked_streams;
  local_settings_.max_field_section_size = d.max_field_section_size;
  local_settings_.enable_connect_protocol = role == wire::Role::server && config.enable_connect_protocol;
  local_settings_.h3_datagram = config.enable_datagrams;
  message_limits_.max_field_section_frame = std::max(d.max_field_section_size, kMinFieldSectionFrame);
  decode_scratch_.resize(static_cast<std::size_t>(d.max_field_section_size));
  encode_buffer_.resize(4096);
  encoder_instructions_.resize(static_cast<std::size_t>(
      std::min<std::uint64_t>(encoder_.table().max_capacity(), kMaxFieldSectionSize) + 256));
  unblocked_.resize(static_cast<std::size_t>(std::max<std::uint64_t>(d.max_blocked_streams, 1)));
}

Session::~Session() = default;

// ---- records ---------------------------------------------------------------

MessageStream* Session::find(transport::StreamId id) {
  const auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : it->second.get();
}

const MessageStream* Session::find(transport::StreamId id) const {
  const auto it = streams_.find(id);
  return it == streams_.end() ? nullptr : it->second.get();
}

MessageStream& Session::create(transport::StreamId id, MessageStreamKind kind) {
  std::unique_ptr<MessageStream> r;
  if (!free_records_.empty()) {
    r = std::move(free_records_.back());
    free_records_.pop_back();
  } else {
    r = std::make_unique<MessageStream>();
  }
  r->reset(id, kind, message_limits_);
  MessageStream& ref = *r;
  streams_[id] = std::move(r);
  return ref;
}

void Session::release(transport::StreamId id) {
  const auto it = streams_.find(id);
  if (it == streams_.end()) return;
  unsettled_.push_back(id);
  if (free_records_.size() < kMaxRecycledRecords) free_records_.push_back(std::move(it->second));
  streams_.erase(it);
}

void Session::release_retired() {
  for (const transport::StreamId id : release_next_) release(id);
  release_next_.clear();
}

void Session::maybe_retire(MessageStream& s) {
  if (s.retiring || !s.done()) return;
  s.retiring = true;
  if (s.events_outstanding == 0) release_next_.push_back(s.id);
}

std::size_t Session::active_streams() const {
  return static_cast<std::size_t>(
      std::count_if(streams_.begin(), streams_.end(), [](const auto& kv) { return !kv.second->done(); }));
}

// ---- events ----------------------------------------------------------------

void Session::emit(const SessionEvent& ev, MessageStream* s) {
  events_.push_back(QueuedEvent{ev, s != nullptr});
  if (s != nullptr) ++s->events_outstanding;
}

void Session::emit_stream(SessionEventType type, MessageStream& s) {
  SessionEvent ev;
  ev.type = type;
  ev.stream_id = s.id;
  emit(ev, &s);
}

bool Session::poll_event(SessionEvent& out) {
  release_retired();
  if (events_read_ == events_.size()) {
    events_.clear();
    events_read_ = 0;
    return false;
  }
  const QueuedEvent q = events_[events_read_++];
  out = q.event;
  if (out.type == SessionEventType::datagram) datagram_event_queued_ = false;
  if (q.counted) {
    if (MessageStream* s = find(out.stream_id); s && s->events_outstanding > 0) {
      --s->events_outstanding;
      if (s->retiring && s->events_outstanding == 0) release_next_.push_back(s->id);
    }
  }
  return true;
}

// ---- errors ----------------------------------------------------------------

void Session::connection_error(Call& c, const Error& e) {
  if (closing_) return;
  closing_ = true;
  const std::uint64_t code =
      e.kind == ErrorKind::transport ? e.code : static_cast<std::uint64_t>(H3Error::H3_INTERNAL_ERROR);
  c.conn.close(code, e.reason != nullptr ? e.reason : "", c.now);
}

void Session::stream_error(Call& c, MessageStream& s, const Error& e) {
  if (is_stream_error(e)) {
    abort_stream(c, s, e.code, true);
  } else {
    connection_error(c, e);
  }
}

// §4.1.1: abruptly terminate whatever directions are still open.
void Session::abort_stream(Call& c, MessageStream& s, std::uint64_t code, bool report) {
  if (!s.send_finished()) {
    (void)c.conn.stream_reset(s.id, code);
    s.send_reset = true;
    s.out.clear();
    s.frame_remaining = 0;
  }
  if (!s.recv_done) {
    (void)c.conn.stream_stop_sending(s.id, code);
    s.recv_done = true;
    cancel_qpack_state(c, s);
  }
  s.data_pending = 0;
  s.blocked = false;
  s.blocked_section.clear();
  ++stats_.streams_aborted;
  if (report) report_reset(s, code, false);
  maybe_retire(s);
}

void Session::report_reset(MessageStream& s, std::uint64_t code, bool by_peer) {
  if (s.reset_reported) return;
  s.reset_reported = true;
  SessionEvent ev;
  ev.type = SessionEventType::stream_reset;
  ev.stream_id = s.id;
  ev.error_code = code;
  ev.by_peer = by_peer;
  emit(ev, &s);
}

// RFC 9204 §4.4.2: a stream whose reading is abandoned gets a Stream
// Cancellation, so the peer's encoder can release its references. A decoder
// without a dynamic table may skip it (the encoder cannot have any).
void Session::cancel_qpack_state(Call& c, MessageStream& s) {
  if (decoder_.settings().max_table_capacity == 0) {
    decoder_.forget_stream(s.id);
    return;
  }
  std::uint8_t buf[16];
  ByteWriter w(buf);
  if (decoder_.write_stream_cancellation(w, s.id)) {
    if (auto st = write_decoder_stream(c, w.data()); !st) connection_error(c, st.error());
  }
}

// ---- connection events -------------------------------------------------------

void Session::on_stream_opened(Call& c, transport::StreamId id) {
  if (transport::is_uni(id)) {
    PeerUniStream u;
    u.id = id;
    uni_streams_.push_back(u);
    return;
  }
  if (role_ == wire::Role::client) {  // §6.1
    connection_error(c, h3_error(H3Error::H3_STREAM_CREATION_ERROR, "server-initiated bidirectional stream"));
    return;
  }
  next_peer_request_id_ = std::max(next_peer_request_id_, id + 4);
  if (goaway_sent_ && id >= *goaway_sent_) {  // §5.2: rejected, never processed
    constexpr auto kRejected = static_cast<std::uint64_t>(H3Error::H3_REQUEST_REJECTED);
    (void)c.conn.stream_reset(id, kRejected);
    (void)c.conn.stream_stop_sending(id, kRejected);
    ++stats_.requests_rejected;
    return;
  }
  (void)create(id, MessageStreamKind::request);
}

void Session::on_stream_writable(Call& c, transport::StreamId id) {
  PendingOutput* local = nullptr;
  if (id == control_id_) local = &control_out_;
  if (id == encoder_id_) local = &encoder_out_;
  if (id == decoder_id_) local = &decoder_out_;
  if (local != nullptr) {
    if (auto st = local->flush(c.conn, id); !st) connection_error(c, st.error());
    return;
  }
  MessageStream* s = find(id);
  if (s == nullptr || s->send_reset) return;
  if (auto st = s->out.flush(c.conn, id); !st) {
    connection_error(c, st.error());
    return;
  }
  if (!s->out.empty()) return;
  if (s->send_finished()) {
    maybe_retire(*s);
  } else if (s->headers_sent) {
    emit_stream(SessionEventType::writable, *s);
  }
}

void Session::on_connection_closed(transport::Connection& conn) {
  closing_ = true;
  if (closed_reported_) return;
  closed_reported_ = true;
  SessionEvent out;
  out.type = SessionEventType::closed;
  out.error_code = conn.close_info().error_code;
  out.by_peer = conn.close_info().by_peer;
  emit(out);
}

void Session::on_stream_event(Call& c, const transport::ConnectionEvent& ev) {
  using T = transport::ConnectionEventType;
  const transport::StreamId id = ev.stream_id;
  switch (ev.type) {
    case T::stream_opened: return on_stream_opened(c, id);
    case T::stream_readable:
      if (PeerUniStream* u = find_uni(id)) return on_uni_readable(c, *u);
      if (MessageStream* s = find(id)) process_message(c, *s);
      return;
    case T::stream_writable: return on_stream_writable(c, id);
    case T::stream_reset:
      if (transport::is_uni(id)) return on_uni_reset(c, id);
      return on_peer_reset(c, id, ev.error_code);
    case T::stream_stop_sending:
      if (id == control_id_ || id == encoder_id_ || id == decoder_id_) {  // §6.2.1
        return connection_error(c, h3_error(H3Error::H3_CLOSED_CRITICAL_STREAM, "peer stopped a critical stream"));
      }
      return on_peer_stop_sending(c, id, ev.error_code);
    default: return;
  }
}

void Session::on_connection_event(transport::Connection& conn, const transport::ConnectionEvent& ev,
                                  Timestamp now) {
  using T = transport::ConnectionEventType;
  if (ev.type == T::closed) return on_connection_closed(conn);
  if (closing_) return;
  Call c{conn, now};
  ensure_started(c);
  if (ev.type != T::datagram_received) return on_stream_event(c, ev);
  if (config_.enable_datagrams && !datagram_event_queued_) {
    datagram_event_queued_ = true;
    SessionEvent out;
    out.type = SessionEventType::datagram;
    emit(out);
  }
}

// Connection events are edge-triggered and their queue may overflow: every
// poll() gives each stream that could make progress another look.
void Session::rescan(Call& c) {
  for (std::size_t i = 0; i < uni_streams_.size() && !closing_; ++i) {
    const transport::StreamId id = uni_streams_[i].id;
    if (PeerUniStream* u = find_uni(id)) on_uni_readable(c, *u);
  }
  for (auto& kv : streams_) {
    if (closing_) return;
    MessageStream& s = *kv.second;
    if (!s.recv_done && !s.blocked && s.data_pending == 0) process_message(c, s);
  }
}

void Session::poll(transport::Connection& conn, Timestamp now) {
  Call c{conn, now};
  if (closing_) return;
  ensure_started(c);
  rescan(c);
  std::erase_if(unsettled_, [&](transport::StreamId id) { return conn.stream_send_terminal(id); });
  maybe_finish_shutdown(c);
}

// ---- information -------------------------------------------------------------

const ResponseHead* Session::response(transport::StreamId id) const {
  const MessageStream* s = find(id);
  return s && s->head_received && role_ == wire::Role::client ? &s->response : nullptr;
}

const RequestHead* Session::request(transport::StreamId id) const {
  const MessageStream* s = find(id);
  return s && s->head_received && role_ == wire::Role::server ? &s->request : nullptr;
}

std::span<const FieldLine> Session::headers(transport::StreamId id) const {
  const MessageStream* s = find(id);
  return s && s->head_received ? s->fields.headers() : std::span<const FieldLine>{};
}

std::span<const FieldLine> Session::trailers(transport::StreamId id) const {
  const MessageStream* s = find(id);
  return s ? s->fields.trailers() : std::span<const FieldLine>{};
}

std::optional<std::string_view> Session::header(transport::StreamId id, std::string_view name) const {
  const MessageStream* s = find(id);
  if (s == nullptr || !s->head_received) return std::nullopt;
  return s->fields.header(name);
}

bool Session::send_finished(transport::StreamId id) const {
  const MessageStream* s = find(id);
  return s == nullptr || s->send_finished();
}

}  // namespace tquic::h3
