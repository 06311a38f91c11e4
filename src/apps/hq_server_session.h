// hq-interop (HTTP/0.9 over QUIC, h3/hq_interop.h), server side: each
// client bidirectional stream carries "GET /path\r\n"; the answer is the
// file's bytes and FIN, streamed as the stream accepts them
// (apps/response_writer.h). There is no status line, so a refusal is a
// RESET_STREAM with an HTTP/3 error code, as hq-interop servers do:
//   kHqNotFound   (H3_REQUEST_REJECTED) no such file, not a file, outside the root
//   kHqBadRequest (H3_MESSAGE_ERROR)    not "GET <path>", line too long, bad path syntax
//   kHqInternal   (H3_INTERNAL_ERROR)   the file could not be read
#pragma once

#include <memory>
#include <unordered_map>

#include "apps/response_writer.h"
#include "apps/server_session.h"
#include "h3/h3_error.h"
#include "h3/hq_interop.h"

namespace tquic::apps {

inline constexpr std::uint64_t kHqNotFound = static_cast<std::uint64_t>(h3::H3Error::H3_REQUEST_REJECTED);
inline constexpr std::uint64_t kHqBadRequest = static_cast<std::uint64_t>(h3::H3Error::H3_MESSAGE_ERROR);
inline constexpr std::uint64_t kHqInternal = static_cast<std::uint64_t>(h3::H3Error::H3_INTERNAL_ERROR);

class HqServerSession final : public ServerSession {
 public:
  explicit HqServerSession(const ServerContext& context) : ctx_(context) {}

  void on_event(transport::Connection& conn, const transport::ConnectionEvent& event, Timestamp now) override;
  std::size_t active_responses() const override;
  // hq-interop has no GOAWAY: the connection closes (NO_ERROR) once every
  // response is sent and acknowledged.
  void shutdown(transport::Connection& conn, Timestamp now) override;
  void poll(transport::Connection& conn, Timestamp now) override;

 private:
  // One request stream, from its first byte until both directions ended.
  struct Exchange {
    h3::HqRequestParser parser;
    std::unique_ptr<ResponseWriter> response;  // while the body is being sent
    bool answered = false;      // response started or refused: later request bytes are drained
    bool send_done = false;     // FIN or RESET_STREAM sent
    bool request_done = false;  // request FIN read, or the client reset it
  };

  Exchange* exchange_for(transport::StreamId id);
  void on_readable(transport::Connection& conn, transport::StreamId id);
  void answer(transport::Connection& conn, transport::StreamId id, Exchange& ex, const h3::HqRequest& req);
  void refuse(transport::Connection& conn, transport::StreamId id, Exchange& ex, std::uint64_t code);
  void continue_response(transport::Connection& conn, transport::StreamId id);
  void abort_response(transport::Connection& conn, transport::StreamId id, Exchange& ex, std::uint64_t code);
  void forget_if_done(transport::StreamId id);

  ServerContext ctx_;
  std::unordered_map<transport::StreamId, std::unique_ptr<Exchange>> exchanges_;
  // Client bidirectional streams below this were seen already: an unknown
  // one is finished and forgotten, never a new request.
  transport::StreamId next_new_stream_ = 0;
  bool shutting_down_ = false;
  bool close_sent_ = false;
};

}  // namespace tquic::apps
