// The client application for the event loop: one connection, every URL in
// parallel on its own stream, bodies to files (or only counted and hashed),
// optional 0-RTT, key update and migration; ends by closing the connection.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "apps/client_session.h"
#include "apps/download.h"
#include "apps/progress_line.h"
#include "apps/session_file.h"
#include "apps/summary.h"
#include "runtime/application.h"
#include "transport/connection/connection.h"

namespace tquic::apps {

struct GetPlan {
  std::vector<Url> urls;
  std::vector<std::string> output_paths;  // parallel to urls; empty entries: not saved
  NetAddress server;
  std::string server_name;                // certificate name (and SNI)
  std::string alpn;                       // protocol of requests sent before the handshake (0-RTT)
  SessionState resume;                    // from --session; empty: full handshake
  bool zero_rtt = false;
  bool key_update = false;
  bool migrate = false;
  std::uint32_t version = 0;
  std::uint64_t expected_bytes = 0;       // for the progress line; 0 = unknown
  Duration handshake_timeout = 10s;
  std::string command = "get";            // in messages: "tquic <command>: ..."
  bool print_files = true;                // one line per finished file
};

class GetApp final : public runtime::Application, private ResponseSink {
 public:
  explicit GetApp(GetPlan plan);

  // Starts the connection (and the requests, when they go as 0-RTT).
  bool start(runtime::UdpNode& node, Timestamp now, std::string& error);

  void on_connection_event(runtime::UdpNode& node, endpoint::ConnectionHandle handle,
                           const transport::ConnectionEvent& event, Timestamp now) override;
  void on_turn(runtime::UdpNode& node, Timestamp now) override;
  Timestamp next_wakeup() const override;

  bool finished() const { return finished_; }
  bool all_ok() const;  // every file arrived and nothing failed
  const std::vector<Download>& downloads() const { return downloads_; }
  TransferSummary summary(io::EngineKind engine, transport::CongestionControlAlgorithm cc) const;
  // The newest ticket/parameters/token, to save for the next run.
  const SessionState& session_state() const { return session_; }
  // Why the connection failed (empty when it did not).
  const std::string& connection_error() const { return connection_error_; }

 private:
  // ResponseSink
  void on_body(std::size_t request, ByteSpan data) override;
  void on_complete(std::size_t request) override;
  void on_failed(std::size_t request, const std::string& reason) override;

  bool make_session(std::string_view alpn);
  void poll_session(transport::Connection& conn, Timestamp now);
  void after_confirmed(runtime::UdpNode& node, transport::Connection& conn, Timestamp now);
  void on_closed(transport::Connection& conn, Timestamp now);
  void remember_session(const transport::Connection& conn);
  void fail_unfinished(const std::string& reason);
  void capture(const transport::Connection& conn);
  void report(const Download& d);

  GetPlan plan_;
  endpoint::ConnectionHandle handle_;
  std::unique_ptr<ClientSession> session_proto_;
  std::vector<Download> downloads_;
  std::size_t finished_count_ = 0;
  std::uint64_t bytes_ = 0;
  SessionState session_;
  Timestamp started_{};
  Timestamp ended_{};
  bool handshake_done_ = false;
  bool early_requests_ = false;      // some requests went out before the handshake completed
  bool confirmed_ = false;
  bool key_update_pending_ = false;
  bool key_update_done_ = false;
  bool migrate_pending_ = false;
  bool migration_unresolved_ = false;  // migrated; the new path is neither validated nor failed yet
  std::string migration_note_;
  bool closing_ = false;
  bool finished_ = false;
  std::string connection_error_;
  // Captured from the connection at the end.
  transport::ConnectionStats stats_;
  std::uint16_t cipher_suite_ = 0;
  std::uint32_t version_ = 0;
  bool resumed_ = false;
  bool early_data_ = false;
  ProgressLine progress_;
};

}  // namespace tquic::apps
