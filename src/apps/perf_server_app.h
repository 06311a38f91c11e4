// `tquic perf server` as a runtime application: one PerfServerSession per
// connection (every connection speaks tquic-perf/1, the only ALPN the
// server offers), the server-wide counters they share, timed responses
// woken at their deadline, and a report line (or JSON object) per finished
// test.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "apps/perf_server_session.h"
#include "runtime/application.h"

namespace tquic::apps {

class PerfServerApp final : public runtime::Application {
 public:
  // `engine` and `cc` are told to clients in START_OK; reports go to `out`.
  PerfServerApp(std::string engine, std::string cc, bool json, std::FILE* out);

  void on_accepted(runtime::UdpNode& node, endpoint::ConnectionHandle handle, bool validated, Timestamp now) override;
  void on_connection_event(runtime::UdpNode& node, endpoint::ConnectionHandle handle,
                           const transport::ConnectionEvent& event, Timestamp now) override;
  void on_removed(runtime::UdpNode& node, endpoint::ConnectionHandle handle, Timestamp now) override;
  void on_turn(runtime::UdpNode& node, Timestamp now) override;
  Timestamp next_wakeup() const override;

  const PerfServerShared& shared() const { return shared_; }
  std::uint64_t connections() const { return connections_; }
  std::uint64_t tests() const { return tests_; }

 private:
  struct Entry {
    std::uint32_t generation = 0;
    std::unique_ptr<PerfServerSession> session;
  };
  PerfServerSession* session_for(endpoint::ConnectionHandle handle);
  void report_finished();

  PerfServerShared shared_;
  bool json_;
  std::FILE* out_;
  std::unordered_map<std::uint32_t, Entry> sessions_;  // by handle index
  std::vector<endpoint::ConnectionHandle> timed_;      // sessions with a timed response
  std::uint64_t connections_ = 0;
  std::uint64_t tests_ = 0;
};

}  // namespace tquic::apps
