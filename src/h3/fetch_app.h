// An HTTP/3 client that fetches a list of paths from one server over one
// connection (ALPN "h3"): what `tquic get --alpn h3` runs. It keeps up to
// `max_concurrent` requests in flight, hands each response to a
// ResponseSink (the runtime writes files or stdout; h3 does no I/O), and
// closes the connection with H3_NO_ERROR when every request has ended.
//
//   FetchApp app(requests, sink, options);
//   ... for each connection event: app.on_connection_event(conn, ev, now);
//   ... after each batch of calls:  app.poll(conn, now);
//   ... until app.done()
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/bytes.h"
#include "base/time.h"
#include "h3/session.h"

namespace tquic::h3 {

struct FetchRequest {
  std::string path = "/";
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;  // lowercase names
};

struct FetchResult {
  std::uint16_t status = 0;        // 0 until a final response arrived
  std::uint64_t body_bytes = 0;
  bool complete = false;           // the whole response arrived
  std::uint64_t error_code = 0;    // H3 code of a reset, or the connection's close code
  const char* error = "";          // why the request could not be sent (string literal)
};

class ResponseSink {
 public:
  virtual ~ResponseSink() = default;
  virtual void on_response(std::size_t index, const ResponseHead& head, std::span<const FieldLine> fields) = 0;
  virtual void on_body(std::size_t index, ByteSpan bytes) = 0;
  // The exchange ended: completely (result.complete) or not.
  virtual void on_complete(std::size_t index, const FetchResult& result) = 0;
};

struct FetchOptions {
  std::string authority;           // :authority, e.g. "example.com:443"
  std::string scheme = "https";
  std::size_t max_concurrent = 32;
  bool close_when_done = true;     // CONNECTION_CLOSE(H3_NO_ERROR) after the last request
};

class FetchApp {
 public:
  FetchApp(std::vector<FetchRequest> requests, ResponseSink& sink, FetchOptions options,
           const SessionConfig& config = {});

  void on_connection_event(transport::Connection& conn, const transport::ConnectionEvent& ev, Timestamp now);
  void poll(transport::Connection& conn, Timestamp now);

  bool done() const { return completed_ == requests_.size(); }
  const std::vector<FetchResult>& results() const { return results_; }
  Session& session() { return session_; }
  const Session& session() const { return session_; }

 private:
  void advance(transport::Connection& conn, Timestamp now);
  void submit_more(transport::Connection& conn, Timestamp now);
  void drain(transport::Connection& conn, Timestamp now);
  void read_body(transport::Connection& conn, transport::StreamId id, std::size_t index, Timestamp now);
  void complete(std::size_t index);
  void fail_unfinished(std::uint64_t code);
  std::size_t index_of(transport::StreamId id) const;

  std::vector<FetchRequest> requests_;
  ResponseSink& sink_;
  FetchOptions options_;
  Session session_;
  std::vector<FetchResult> results_;
  std::vector<bool> ended_;
  std::unordered_map<transport::StreamId, std::size_t> by_stream_;
  std::vector<FieldLine> header_scratch_;
  std::size_t next_ = 0;
  std::size_t in_flight_ = 0;
  std::size_t completed_ = 0;
};

}  // namespace tquic::h3
