#include "h3/file_server_app.h"

namespace tquic::h3 {

FileServerApp::FileServerApp(FileSource& files, const SessionConfig& config, const FileResponderOptions& options)
    : session_(wire::Role::server, config), responder_(files, options) {}

void FileServerApp::on_connection_event(transport::Connection& conn, const transport::ConnectionEvent& ev,
                                        Timestamp now) {
  session_.on_connection_event(conn, ev, now);
  drain(conn, now);
}

void FileServerApp::poll(transport::Connection& conn, Timestamp now) {
  session_.poll(conn, now);
  drain(conn, now);
}

void FileServerApp::shutdown(transport::Connection& conn, Timestamp now) {
  session_.shutdown(conn, now);
  drain(conn, now);
}

void FileServerApp::drain(transport::Connection& conn, Timestamp now) {
  SessionEvent ev;
  while (session_.poll_event(ev)) {
    switch (ev.type) {
      case SessionEventType::request: responder_.on_request(session_, conn, ev.stream_id, now); break;
      case SessionEventType::writable: responder_.on_writable(session_, conn, ev.stream_id, now); break;
      case SessionEventType::stream_reset: responder_.on_stream_reset(ev.stream_id); break;
      case SessionEventType::closed: responder_.on_closed(); break;
      default: break;  // request content is discarded by the responder
    }
  }
}

}  // namespace tquic::h3
