// The per-connection half of a client application: sends the requests in
// the ALPN protocol's framing, as fast as stream credit allows, and reports
// response bodies to a ResponseSink. hq-interop is apps/hq_client_session.h,
// HTTP/3 apps/h3_client_session.h (over h3::FetchApp); apps/protocols.h
// picks one by ALPN.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/time.h"
#include "transport/connection/connection.h"

namespace tquic::apps {

// Requests are named by their index in ClientRequests::paths.
class ResponseSink {
 public:
  virtual void on_body(std::size_t request, ByteSpan data) = 0;
  virtual void on_complete(std::size_t request) = 0;
  virtual void on_failed(std::size_t request, const std::string& reason) = 0;

 protected:
  ~ResponseSink() = default;
};

struct ClientRequests {
  std::string authority;           // host:port
  std::vector<std::string> paths;  // request targets, each starting with '/'
  // What the application protocol remembered with the ticket this
  // connection resumes (SessionState::h3_settings for HTTP/3); empty: none.
  std::vector<std::uint8_t> remembered_settings;
};

class ClientSession {
 public:
  virtual ~ClientSession() = default;
  // Every event of the connection, in order.
  virtual void on_event(transport::Connection& conn, const transport::ConnectionEvent& event, Timestamp now) = 0;
  // Sends the requests not sent yet (before the handshake: as 0-RTT) and
  // continues what waits for credit; call after each batch of events.
  virtual void poll(transport::Connection& conn, Timestamp now) = 0;
  // What to keep with this connection's ticket for requests in 0-RTT on
  // the next one (HTTP/3: the server's SETTINGS payload); empty: nothing.
  virtual std::vector<std::uint8_t> settings_to_remember() const { return {}; }
  // The server announced it is shutting down (HTTP/3 GOAWAY, RFC 9114 §5.2).
  virtual bool goaway_received() const { return false; }
};

}  // namespace tquic::apps
