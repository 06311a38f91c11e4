// hq-interop, client side: one bidirectional stream per request carrying
// "GET /path\r\n" and FIN; the response is the raw body up to FIN. A reset
// stream is the server's refusal (apps/hq_server_session.h lists the codes).
#pragma once

#include <unordered_map>

#include "apps/client_session.h"

namespace tquic::apps {

class HqClientSession final : public ClientSession {
 public:
  HqClientSession(ResponseSink& sink, const ClientRequests& requests) : sink_(sink), paths_(requests.paths) {}

  void on_event(transport::Connection& conn, const transport::ConnectionEvent& event, Timestamp now) override;
  void poll(transport::Connection& conn, Timestamp now) override;

 private:
  Status send_request(transport::Connection& conn, std::size_t request);
  void read_response(transport::Connection& conn, transport::StreamId id);

  ResponseSink& sink_;
  std::vector<std::string> paths_;
  std::size_t next_ = 0;  // requests below this were sent (or failed to be)
  std::unordered_map<transport::StreamId, std::size_t> requests_;  // open streams -> request index
};

// "server reset the stream with 0x10b (H3_REQUEST_REJECTED: no such file, or not allowed)"
std::string describe_hq_reset(std::uint64_t code);

}  // namespace tquic::apps
