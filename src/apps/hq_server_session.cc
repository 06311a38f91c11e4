#include "apps/hq_server_session.h"

namespace tquic::apps {

using transport::ConnectionEventType;

void HqServerSession::on_event(transport::Connection& conn, const transport::ConnectionEvent& e, Timestamp) {
  const transport::StreamId id = e.stream_id;
  switch (e.type) {
    case ConnectionEventType::stream_opened:
    case ConnectionEventType::stream_readable:
      on_readable(conn, id);
      break;
    case ConnectionEventType::stream_writable:
      continue_response(conn, id);
      break;
    case ConnectionEventType::stream_stop_sending:  // the client no longer wants the answer
      if (Exchange* ex = exchange_for(id); ex && !ex->send_done) abort_response(conn, id, *ex, e.error_code);
      forget_if_done(id);
      break;
    case ConnectionEventType::stream_reset:  // the client abandoned its request side
      if (Exchange* ex = exchange_for(id)) {
        ex->request_done = true;
        if (!ex->answered) refuse(conn, id, *ex, kHqBadRequest);
      }
      forget_if_done(id);
      break;
    case ConnectionEventType::closed:
      for (auto& [sid, ex] : exchanges_)
        if (ex->response) ++ctx_.counters->responses_failed;
      exchanges_.clear();
      break;
    default:
      break;
  }
}

// The exchange of a client bidirectional stream; made on first sight, for
// it and every lower stream the client opened with it (RFC 9000 §3.2).
HqServerSession::Exchange* HqServerSession::exchange_for(transport::StreamId id) {
  if (!transport::is_bidi(id) || transport::stream_initiator(id) != wire::Role::client) return nullptr;
  if (auto it = exchanges_.find(id); it != exchanges_.end()) return it->second.get();
  if (id < next_new_stream_) return nullptr;  // finished and forgotten
  for (transport::StreamId s = next_new_stream_; s <= id; s += 4) {
    exchanges_.emplace(s, std::make_unique<Exchange>());
    ++ctx_.counters->requests;
  }
  next_new_stream_ = id + 4;
  return exchanges_.find(id)->second.get();
}

void HqServerSession::on_readable(transport::Connection& conn, transport::StreamId id) {
  Exchange* ex = exchange_for(id);
  for (ByteSpan v = conn.stream_peek(id); !v.empty(); v = conn.stream_peek(id)) {
    if (ex && !ex->answered) {
      const h3::HqRequest req = ex->parser.feed(v, false);
      if (req.status != h3::HqRequestStatus::need_more) answer(conn, id, *ex, req);
    }
    conn.stream_consume(id, v.size());  // after answer(): `v` is not used past here
  }
  if (!ex) {
    // hq-interop uses client bidirectional streams only; anything else is refused.
    if (!conn.stream_fin_received(id))
      (void)conn.stream_stop_sending(id, static_cast<std::uint64_t>(h3::H3Error::H3_STREAM_CREATION_ERROR));
    return;
  }
  if (conn.stream_fin_received(id)) {
    ex->request_done = true;
    if (!ex->answered) answer(conn, id, *ex, ex->parser.feed({}, true));
  }
  forget_if_done(id);
}

void HqServerSession::answer(transport::Connection& conn, transport::StreamId id, Exchange& ex,
                             const h3::HqRequest& req) {
  ex.answered = true;
  if (req.status != h3::HqRequestStatus::ok) {
    // Do not confirm anything about what lies outside the root (h3/path_safety.h).
    const bool hide = req.status == h3::HqRequestStatus::bad_path && req.path_verdict == h3::PathVerdict::escapes_root;
    return refuse(conn, id, ex, hide ? kHqNotFound : kHqBadRequest);
  }
  const OpenedFile file = ctx_.files->open(req.relative_path);
  if (file.status != FileStatus::ok)
    return refuse(conn, id, ex, file.status == FileStatus::io_error ? kHqInternal : kHqNotFound);
  ex.response = std::make_unique<ResponseWriter>(*ctx_.files, file);
  continue_response(conn, id);
}

void HqServerSession::refuse(transport::Connection& conn, transport::StreamId id, Exchange& ex, std::uint64_t code) {
  ex.answered = true;
  ex.send_done = true;
  (void)conn.stream_reset(id, code);
  ++ctx_.counters->responses_rejected;
}

void HqServerSession::abort_response(transport::Connection& conn, transport::StreamId id, Exchange& ex,
                                     std::uint64_t code) {
  (void)conn.stream_reset(id, code);
  if (ex.response) ++ctx_.counters->responses_failed;
  ex.response.reset();
  ex.answered = true;
  ex.send_done = true;
}

void HqServerSession::continue_response(transport::Connection& conn, transport::StreamId id) {
  auto it = exchanges_.find(id);
  if (it == exchanges_.end() || !it->second->response) return;
  Exchange& ex = *it->second;
  const std::uint64_t before = ex.response->bytes_sent();
  ConnectionStream out(conn, id);
  auto progress = ex.response->pump(out);
  ctx_.counters->body_bytes += ex.response->bytes_sent() - before;
  if (!progress) return abort_response(conn, id, ex, kHqInternal);
  if (*progress == ResponseWriter::Progress::blocked) return;
  ++ctx_.counters->responses_completed;
  ex.response.reset();
  ex.send_done = true;
  forget_if_done(id);
}

void HqServerSession::forget_if_done(transport::StreamId id) {
  auto it = exchanges_.find(id);
  if (it != exchanges_.end() && it->second->send_done && it->second->request_done) exchanges_.erase(it);
}

std::size_t HqServerSession::active_responses() const {
  std::size_t n = 0;
  for (const auto& [id, ex] : exchanges_) n += ex->response != nullptr;
  return n;
}

void HqServerSession::shutdown(transport::Connection& conn, Timestamp now) {
  shutting_down_ = true;
  poll(conn, now);
}

void HqServerSession::poll(transport::Connection& conn, Timestamp now) {
  if (!shutting_down_ || close_sent_ || active_responses() > 0 || conn.stats().bytes_in_flight > 0) return;
  close_sent_ = true;
  conn.close(0, "server shutting down", now);
}

}  // namespace tquic::apps
