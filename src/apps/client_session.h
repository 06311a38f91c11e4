// The per-connection half of a client application: sends requests in the
// ALPN protocol's framing and reports response bodies to a ResponseSink.
// hq-interop is apps/hq_client_session.h; an HTTP/3 session implements the
// same interface and registers for "h3" (apps/protocols.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"
#include "transport/connection/connection.h"

namespace tquic::apps {

// Requests are named by the index the application gave start_request().
class ResponseSink {
 public:
  virtual void on_body(std::size_t request, ByteSpan data) = 0;
  virtual void on_complete(std::size_t request) = 0;
  virtual void on_failed(std::size_t request, const std::string& reason) = 0;

 protected:
  ~ResponseSink() = default;
};

class ClientSession {
 public:
  virtual ~ClientSession() = default;
  // Sends the request for `path` (a request target starting with '/') on a
  // new stream; works before the handshake completes (0-RTT). Error::blocked:
  // the peer's stream limit is reached, try again after more events.
  virtual Status start_request(transport::Connection& conn, std::size_t request, std::string_view authority,
                               std::string_view path) = 0;
  // Every event of the connection, in order.
  virtual void on_event(transport::Connection& conn, const transport::ConnectionEvent& event) = 0;
};

}  // namespace tquic::apps
