// The HTTP/3 file server for one connection (ALPN "h3"): a server Session
// and a FileResponder wired to each other. This is what `tquic serve` runs
// per h3 connection; the runtime only forwards events and polls:
//
//   FileServerApp app(files);                 // files: io::PosixFileSource
//   ... for each connection event: app.on_connection_event(conn, ev, now);
//   ... after each batch of calls:  app.poll(conn, now);
//   ... to stop gracefully:         app.shutdown(conn, now);
#pragma once

#include "base/file_source.h"
#include "base/time.h"
#include "h3/file_responder.h"
#include "h3/session.h"

namespace tquic::h3 {

class FileServerApp {
 public:
  explicit FileServerApp(FileSource& files, const SessionConfig& config = {},
                         const FileResponderOptions& options = {});

  void on_connection_event(transport::Connection& conn, const transport::ConnectionEvent& ev, Timestamp now);
  void poll(transport::Connection& conn, Timestamp now);
  // GOAWAY, finish the requests in flight, then close with H3_NO_ERROR.
  void shutdown(transport::Connection& conn, Timestamp now);

  Session& session() { return session_; }
  const Session& session() const { return session_; }
  const FileResponder& responder() const { return responder_; }

 private:
  void drain(transport::Connection& conn, Timestamp now);

  Session session_;
  FileResponder responder_;
};

}  // namespace tquic::h3
