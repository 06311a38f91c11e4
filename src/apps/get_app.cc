#include "apps/get_app.h"

#include "apps/protocols.h"
#include "runtime/udp_node.h"

namespace tquic::apps {

using transport::ConnectionEventType;

GetApp::GetApp(GetPlan plan) : plan_(std::move(plan)) {
  downloads_.reserve(plan_.urls.size());
  for (std::size_t i = 0; i < plan_.urls.size(); ++i)
    downloads_.emplace_back(plan_.urls[i].path, i < plan_.output_paths.size() ? plan_.output_paths[i] : "");
  session_ = plan_.resume;
  session_.server = plan_.urls.empty() ? "" : plan_.urls.front().authority();
}

bool GetApp::make_session(std::string_view alpn) {
  if (session_proto_) return true;
  const Protocol* p = find_protocol(alpn);
  if (!p) return false;
  ClientRequests requests;
  requests.authority = plan_.urls.empty() ? "" : plan_.urls.front().authority();
  for (const Url& u : plan_.urls) requests.paths.push_back(u.path);
  requests.remembered_settings = plan_.resume.h3_settings;
  session_proto_ = p->make_client(*this, requests);
  return true;
}

// Lets the session send what it can: before the handshake only when the
// requests may go as 0-RTT.
void GetApp::poll_session(transport::Connection& conn, Timestamp now) {
  if (!session_proto_ || closing_) return;
  if (!handshake_done_) early_requests_ = true;
  session_proto_->poll(conn, now);
}

bool GetApp::start(runtime::UdpNode& node, Timestamp now, std::string& error) {
  transport::ClientOptions o;
  o.server_name = plan_.server_name;
  o.tuple = PathTuple{node.local(), plan_.server};
  o.session_ticket = plan_.resume.ticket;
  o.remembered_params = plan_.resume.params;
  o.token = plan_.resume.token;
  o.enable_early_data = plan_.zero_rtt;
  auto h = node.endpoint().connect(std::move(o), now);
  if (!h) {
    error = std::string("cannot start the connection: ") + h.error().reason;
    return false;
  }
  handle_ = *h;
  started_ = now;
  if (plan_.zero_rtt && !plan_.resume.ticket.empty() && make_session(plan_.alpn))
    poll_session(*node.endpoint().connection(handle_), now);
  return true;
}

void GetApp::on_connection_event(runtime::UdpNode& node, endpoint::ConnectionHandle handle,
                                 const transport::ConnectionEvent& e, Timestamp now) {
  if (handle != handle_) return;
  transport::Connection* conn = node.endpoint().connection(handle);
  if (!conn) return;
  switch (e.type) {
    case ConnectionEventType::handshake_completed:
      handshake_done_ = true;
      if (session_proto_ && conn->alpn() != plan_.alpn) {  // 0-RTT requests went in another protocol
        conn->close(0, "ALPN differs from the one of the 0-RTT requests", now);
        connection_error_ = "the server chose ALPN '" + std::string(conn->alpn()) + "', not '" + plan_.alpn +
                            "' in which the 0-RTT requests were sent; resume with --alpn " + std::string(conn->alpn());
      } else if (!make_session(conn->alpn())) {
        conn->close(0, "no session for the negotiated ALPN", now);
        connection_error_ = "the server chose ALPN '" + std::string(conn->alpn()) + "', which this build cannot speak";
      }
      break;
    case ConnectionEventType::handshake_confirmed:
      after_confirmed(node, *conn, now);
      break;
    case ConnectionEventType::session_ticket:
      remember_session(*conn);
      break;
    case ConnectionEventType::path_validated:
    case ConnectionEventType::path_failed:
      if (migration_unresolved_) {
        migration_note_ += e.type == ConnectionEventType::path_validated ? ", path validated" : ", path validation failed";
        migration_unresolved_ = false;
      }
      break;
    case ConnectionEventType::closed:
      on_closed(*conn, now);
      break;
    default:
      break;
  }
  // The session sees every event after the application has (a close is
  // described by the application, not as each request's failure).
  if (session_proto_) session_proto_->on_event(*conn, e, now);
}

void GetApp::after_confirmed(runtime::UdpNode&, transport::Connection&, Timestamp) {
  confirmed_ = true;
  key_update_pending_ = plan_.key_update;
  migrate_pending_ = plan_.migrate;
}

void GetApp::remember_session(const transport::Connection& conn) {
  if (!conn.session_ticket().empty()) {
    session_.ticket = conn.session_ticket();
    session_.params = conn.session_params();
    session_.cipher_suite = conn.cipher_suite();
    session_.version = conn.version();
    // The settings of the connection that issued the ticket (RFC 9114
    // §7.2.4.2); until they arrive, none (the defaults) go with it.
    session_.h3_settings = session_proto_ ? session_proto_->settings_to_remember() : std::vector<std::uint8_t>{};
  }
  if (!conn.new_token().empty()) session_.token = conn.new_token();
}

void GetApp::capture(const transport::Connection& conn) {
  stats_ = conn.stats();
  cipher_suite_ = conn.cipher_suite();
  version_ = conn.version();
  resumed_ = conn.is_resumed();
  early_data_ = conn.early_data_accepted();
  remember_session(conn);
}

void GetApp::on_closed(transport::Connection& conn, Timestamp now) {
  capture(conn);
  if (ended_ == Timestamp{}) ended_ = now;
  // A server may close first once every response is in (after GOAWAY): no failure then.
  if (!closing_ && finished_count_ < downloads_.size()) {
    const std::string why = describe_close(conn.close_info());
    if (connection_error_.empty())
      connection_error_ = handshake_done_ ? "connection lost: " + why : "cannot connect to " +
                                            (plan_.urls.empty() ? std::string("the server") : plan_.urls.front().authority()) + ": " + why;
    fail_unfinished(connection_error_);
  }
  closing_ = true;
  finished_ = true;
}

void GetApp::fail_unfinished(const std::string& reason) {
  for (std::size_t i = 0; i < downloads_.size(); ++i)
    if (!downloads_[i].finished()) on_failed(i, reason);
}

void GetApp::on_body(std::size_t request, ByteSpan data) {
  if (request >= downloads_.size()) return;
  if (downloads_[request].append(data)) bytes_ += data.size();
  else on_failed(request, downloads_[request].error());
}

void GetApp::on_complete(std::size_t request) {
  if (request >= downloads_.size() || downloads_[request].finished()) return;
  downloads_[request].complete();
  ++finished_count_;
  report(downloads_[request]);
}

void GetApp::on_failed(std::size_t request, const std::string& reason) {
  if (request >= downloads_.size()) return;
  Download& d = downloads_[request];
  const bool was_finished = d.state() == DownloadState::failed;
  d.fail(reason.empty() ? d.error() : reason);
  if (!was_finished && d.state() == DownloadState::failed) {
    ++finished_count_;
    report(d);
  }
}

void GetApp::report(const Download& d) {
  if (!plan_.print_files) return;
  progress_.clear();
  if (d.state() == DownloadState::done) {
    std::printf("tquic %s: %s%s%s: %s, sha256 %s\n", plan_.command.c_str(), d.path().c_str(),
                d.output_path().empty() ? "" : " -> ", d.output_path().c_str(), format_bytes(d.bytes()).c_str(),
                d.sha256().c_str());
  } else {
    std::fprintf(stderr, "tquic %s: %s: %s\n", plan_.command.c_str(), d.path().c_str(), d.error().c_str());
  }
  std::fflush(stdout);
}

void GetApp::on_turn(runtime::UdpNode& node, Timestamp now) {
  if (finished_) return;
  transport::Connection* conn = node.endpoint().connection(handle_);
  if (!conn) return;
  if (!handshake_done_ && now - started_ >= plan_.handshake_timeout) {
    connection_error_ = "no answer from " + plan_.urls.front().authority() + " within " +
                        format_seconds(plan_.handshake_timeout) + " (is the server running? is UDP blocked?)";
    fail_unfinished(connection_error_);
    conn->close(0, "handshake timeout", now);
    closing_ = finished_ = true;
    ended_ = now;
    return;
  }
  if (handshake_done_ || (plan_.zero_rtt && session_proto_)) poll_session(*conn, now);
  if (key_update_pending_ && conn->initiate_key_update().ok()) {
    key_update_pending_ = false;
    key_update_done_ = true;
  }
  if (migrate_pending_) {
    migrate_pending_ = false;
    NetAddress local = node.local(), bound;
    local.port = 0;
    std::string error;
    Status st = node.add_socket(local, bound, error) ? conn->migrate(PathTuple{bound, plan_.server}, now)
                                                    : Status(Error::local("cannot open a second socket"));
    migration_note_ = st.ok() ? "migrated to local port " + std::to_string(bound.port)
                              : "migration failed: " + (error.empty() ? std::string(st.error().reason) : error);
    migration_unresolved_ = st.ok();
  }
  if (progress_.due(now))
    progress_.draw(now, format_progress(plan_.command, bytes_, plan_.expected_bytes, finished_count_,
                                        downloads_.size(), now - started_));
  if (!closing_ && finished_count_ == downloads_.size() && !migration_unresolved_) {
    // Every response is in (and a migration has its verdict): the numbers
    // are final, the connection can go.
    capture(*conn);
    ended_ = now;
    closing_ = true;
    conn->close(0, "", now);
    finished_ = true;
  }
  if (finished_) {
    if (ended_ == Timestamp{}) ended_ = now;
    progress_.clear();
  }
}

Timestamp GetApp::next_wakeup() const {
  if (finished_) return kTimeInfinite;
  Timestamp t = progress_.next_due();
  if (!handshake_done_) t = std::min(t, started_ + plan_.handshake_timeout);
  return t;
}

bool GetApp::all_ok() const {
  if (!connection_error_.empty()) return false;
  for (const Download& d : downloads_)
    if (d.state() != DownloadState::done) return false;
  return true;
}

TransferSummary GetApp::summary(io::EngineKind engine, transport::CongestionControlAlgorithm cc) const {
  TransferSummary s;
  s.command = plan_.command;
  for (const Download& d : downloads_) {
    s.files_ok += d.state() == DownloadState::done;
    s.files_failed += d.state() != DownloadState::done;
  }
  s.bytes = bytes_;
  // A run that failed before it ended (an I/O error) has no end time.
  s.elapsed = ended_ > started_ ? ended_ - started_ : Duration::zero();
  s.stats = stats_;
  s.cipher_suite = cipher_suite_;
  s.version = version_;
  s.cc = cc;
  s.engine = engine;
  s.resumed = resumed_;
  s.early_data_sent = early_requests_;
  s.early_data_accepted = early_data_;
  s.note = migration_note_;
  if (session_proto_ && session_proto_->goaway_received())  // requests it did not process failed on their own
    s.note += std::string(s.note.empty() ? "" : "; ") + "server sent GOAWAY";
  if (plan_.key_update && !key_update_done_) s.note += std::string(s.note.empty() ? "" : "; ") + "key update not initiated";
  return s;
}

}  // namespace tquic::apps
