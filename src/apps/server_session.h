// The per-connection half of a server application: one ServerSession per
// connection, made for the ALPN protocol the handshake chose
// (apps/protocols.h): hq-interop (apps/hq_server_session.h) or HTTP/3
// (apps/h3_server_session.h, over h3::FileServerApp).
#pragma once

#include <cstdint>

#include "base/file_source.h"
#include "base/time.h"
#include "transport/connection/connection.h"

namespace tquic::apps {

// Totals over every session of a server (printed when it stops).
struct ServerCounters {
  std::uint64_t requests = 0;
  std::uint64_t responses_completed = 0;  // the whole body and FIN were handed to the stream
  std::uint64_t responses_rejected = 0;   // bad request, bad path, no such file (any refusal)
  std::uint64_t responses_failed = 0;     // read error, peer reset/STOP_SENDING mid-way
  std::uint64_t body_bytes = 0;           // response bytes handed to streams
};

// What a session may use; owned by the server application, outlives sessions.
struct ServerContext {
  FileSource* files = nullptr;
  ServerCounters* counters = nullptr;
};

class ServerSession {
 public:
  virtual ~ServerSession() = default;
  // Every event of the session's connection, in order. `conn` is valid for
  // the call only.
  virtual void on_event(transport::Connection& conn, const transport::ConnectionEvent& event, Timestamp now) = 0;
  // After a batch of events of this connection: work that waits for them.
  virtual void poll(transport::Connection& conn, Timestamp now) { (void)conn, (void)now; }
  // Responses still being sent.
  virtual std::size_t active_responses() const = 0;
  // Graceful stop (serve got SIGINT/SIGTERM): accept no new requests, finish
  // those in progress, then close the connection (HTTP/3: GOAWAY, RFC 9114
  // §5.2). Later poll() calls carry it out.
  virtual void shutdown(transport::Connection& conn, Timestamp now) = 0;
};

}  // namespace tquic::apps
