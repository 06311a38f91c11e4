// Session: the application reading content by reference, and cancelling.
#include <algorithm>

#include "h3/session.h"

namespace tquic::h3 {

ByteSpan Session::peek_body(const transport::Connection& conn, transport::StreamId id) const {
  const MessageStream* s = find(id);
  if (s == nullptr || s->data_pending == 0) return {};
  const ByteSpan in = conn.stream_peek(id);
  return in.first(static_cast<std::size_t>(std::min<std::uint64_t>(in.size(), s->data_pending)));
}

std::size_t Session::consume_body(transport::Connection& conn, transport::StreamId id, std::size_t n,
                                  Timestamp now) {
  MessageStream* s = find(id);
  if (s == nullptr || s->data_pending == 0) return 0;
  const std::size_t take = std::min<std::size_t>(n, peek_body(conn, id).size());
  const std::size_t done = conn.stream_consume(id, take);
  s->data_pending -= done;
  if (s->data_pending == 0) {  // the next frames may follow at once
    Call c{conn, now};
    app_reading_ = true;
    process_message(c, *s);
    app_reading_ = false;
  }
  return done;
}

void Session::discard_body(transport::Connection& conn, transport::StreamId id, Timestamp now) {
  MessageStream* s = find(id);
  if (s == nullptr) return;
  s->discard_body = true;
  if (s->data_pending > 0) (void)consume_body(conn, id, static_cast<std::size_t>(s->data_pending), now);
}

Status Session::cancel(transport::Connection& conn, transport::StreamId id, H3Error code, Timestamp now) {
  MessageStream* s = find(id);
  if (s == nullptr) return Error::local("unknown or finished stream");
  Call c{conn, now};
  abort_stream(c, *s, static_cast<std::uint64_t>(code), false);
  return ok_status();
}

}  // namespace tquic::h3
