#include "apps/hq_client_session.h"

#include <array>
#include <cstdio>

#include "apps/hq_server_session.h"
#include "h3/hq_interop.h"

namespace tquic::apps {

std::string describe_hq_reset(std::uint64_t code) {
  const char* meaning = code == kHqNotFound     ? ": no such file, or not allowed"
                        : code == kHqBadRequest ? ": the server could not parse the request"
                        : code == kHqInternal   ? ": the server failed to read the file"
                                                : "";
  char buf[160];
  std::snprintf(buf, sizeof buf, "server reset the stream with 0x%llx (%s%s)", static_cast<unsigned long long>(code),
                h3::h3_error_name(code), meaning);
  return buf;
}

Status HqClientSession::send_request(transport::Connection& conn, std::size_t request) {
  std::array<std::uint8_t, h3::kMaxHqRequestLine> line{};
  ByteWriter w(line);
  if (!h3::write_hq_request(w, paths_[request]))
    return Error::local("the path cannot be sent in an hq-interop request line");
  TQUIC_TRY_ASSIGN(transport::StreamId id, conn.open_stream(true));
  TQUIC_TRY_ASSIGN(std::size_t n, conn.stream_write(id, w.data(), true));
  if (n != w.written()) return Error::local("a new stream did not take the request line");
  requests_.emplace(id, request);
  return ok_status();
}

void HqClientSession::poll(transport::Connection& conn, Timestamp) {
  for (; next_ < paths_.size(); ++next_) {
    Status st = send_request(conn, next_);
    if (st.ok()) continue;
    if (st.error().kind == ErrorKind::blocked) return;  // no stream credit yet: a later poll sends it
    sink_.on_failed(next_, st.error().reason);
  }
}

void HqClientSession::read_response(transport::Connection& conn, transport::StreamId id) {
  auto it = requests_.find(id);
  if (it == requests_.end()) return;
  const std::size_t request = it->second;
  for (ByteSpan v = conn.stream_peek(id); !v.empty(); v = conn.stream_peek(id)) {
    sink_.on_body(request, v);
    conn.stream_consume(id, v.size());
  }
  if (conn.stream_fin_received(id)) {
    requests_.erase(it);
    sink_.on_complete(request);
  }
}

void HqClientSession::on_event(transport::Connection& conn, const transport::ConnectionEvent& e, Timestamp) {
  switch (e.type) {
    case transport::ConnectionEventType::stream_readable:
      read_response(conn, e.stream_id);
      break;
    case transport::ConnectionEventType::stream_reset:
      if (auto it = requests_.find(e.stream_id); it != requests_.end()) {
        const std::size_t request = it->second;
        requests_.erase(it);
        sink_.on_failed(request, describe_hq_reset(e.error_code));
      }
      break;
    case transport::ConnectionEventType::stream_stop_sending:
      // The server refuses the request before reading it all; its RESET_STREAM follows.
      break;
    default:
      break;
  }
}

}  // namespace tquic::apps
