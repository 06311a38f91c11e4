// What an HTTP/3 session reports to its application, drained with
// Session::poll_event() after each call into the session (no callbacks).
#pragma once

#include <cstdint>

namespace tquic::h3 {

enum class SessionEventType : std::uint8_t {
  settings,      // the peer's SETTINGS arrived (Session::peer_settings())
  request,       // server: a request header section on `stream_id`
                 // (Session::request(), Session::headers())
  response,      // client: the final response header section on `stream_id`
                 // (Session::response(), Session::headers())
  data,          // content is readable on `stream_id`: call peek_body() /
                 // consume_body() until peek_body() is empty
  trailers,      // a trailer section arrived (Session::trailers())
  finished,      // the peer's message on `stream_id` is complete and read
  writable,      // `stream_id` takes content again (send_body() took less
                 // than offered before)
  stream_reset,  // the exchange on `stream_id` ended abnormally: `error_code`
                 // (an H3 code), `by_peer` says who ended it
  datagram,      // HTTP datagrams wait: call read_datagram() until blocked
  goaway,        // the peer's GOAWAY: `id` is a stream ID (from a server) or
                 // a push ID (from a client)
  closed,        // the connection is closed (Connection::close_info())
};

struct SessionEvent {
  SessionEventType type = SessionEventType::closed;
  std::uint64_t stream_id = 0;
  std::uint64_t error_code = 0;
  std::uint64_t id = 0;
  bool by_peer = false;
};

constexpr const char* session_event_name(SessionEventType t) {
  switch (t) {
    case SessionEventType::settings: return "settings";
    case SessionEventType::request: return "request";
    case SessionEventType::response: return "response";
    case SessionEventType::data: return "data";
    case SessionEventType::trailers: return "trailers";
    case SessionEventType::finished: return "finished";
    case SessionEventType::writable: return "writable";
    case SessionEventType::stream_reset: return "stream_reset";
    case SessionEventType::datagram: return "datagram";
    case SessionEventType::goaway: return "goaway";
    case SessionEventType::closed: return "closed";
  }
  return "unknown";
}

}  // namespace tquic::h3
