// The per-connection half of a server application: one ServerSession per
// connection, made for the ALPN protocol the handshake chose
// (apps/protocols.h). hq-interop is apps/hq_server_session.h; an HTTP/3
// session implements the same interface and registers for "h3".
#pragma once

#include <cstdint>

#include "apps/content.h"
#include "transport/connection/connection.h"

namespace tquic::apps {

// Totals over every session of a server (printed when it stops).
struct ServerCounters {
  std::uint64_t requests = 0;
  std::uint64_t responses_completed = 0;  // the whole body and FIN were handed to the stream
  std::uint64_t responses_rejected = 0;   // bad request, bad path, no such file
  std::uint64_t responses_failed = 0;     // read error, peer reset/STOP_SENDING mid-way
  std::uint64_t body_bytes = 0;           // response bytes handed to streams
};

// What a session may use; owned by the server application, outlives sessions.
struct ServerContext {
  ContentSource* content = nullptr;
  ServerCounters* counters = nullptr;
};

class ServerSession {
 public:
  virtual ~ServerSession() = default;
  // Every event of the session's connection, in order (stream_opened,
  // stream_readable, stream_writable, stream_reset, stream_stop_sending,
  // closed, ...). `conn` is valid for the call only.
  virtual void on_event(transport::Connection& conn, const transport::ConnectionEvent& event) = 0;
  // Responses still being sent.
  virtual std::size_t active_responses() const = 0;
};

}  // namespace tquic::apps
