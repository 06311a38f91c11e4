// The server application for the event loop: one ServerSession per
// connection, made for the ALPN the handshake chose (apps/protocols.h), all
// serving from one FileSource. Sessions that had events in a loop turn are
// polled at the end of it. Keeps totals for the final summary.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "apps/server_session.h"
#include "runtime/application.h"
#include "transport/connection/connection_stats.h"

namespace tquic::apps {

struct ServerTotals {
  std::uint64_t connections = 0;        // accepted
  std::uint64_t connections_closed = 0;
  std::uint64_t handshakes = 0;
  std::uint64_t resumed = 0;
  std::uint64_t early_data = 0;         // 0-RTT accepted
  std::uint64_t packets_sent = 0;       // of closed connections
  std::uint64_t packets_lost = 0;
  std::uint64_t packets_retransmitted = 0;
};

class ServerApp final : public runtime::Application {
 public:
  explicit ServerApp(FileSource& files) : files_(files) {}

  void on_accepted(runtime::UdpNode& node, endpoint::ConnectionHandle handle, bool validated, Timestamp now) override;
  void on_connection_event(runtime::UdpNode& node, endpoint::ConnectionHandle handle,
                           const transport::ConnectionEvent& event, Timestamp now) override;
  void on_removed(runtime::UdpNode& node, endpoint::ConnectionHandle handle, Timestamp now) override;
  void on_turn(runtime::UdpNode& node, Timestamp now) override;

  // Graceful stop: every session winds down (ServerSession::shutdown), a
  // connection still in its handshake or accepted from now on is closed.
  // Returns how many sessions were asked to wind down.
  std::size_t shutdown(runtime::UdpNode& node, Timestamp now);
  // After shutdown(): every connection is gone.
  bool drained() const { return sessions_.empty(); }

  // At shutdown: adds the packet counts of connections still open to totals().
  void count_open_connections(runtime::UdpNode& node);

  const ServerCounters& counters() const { return counters_; }
  const ServerTotals& totals() const { return totals_; }
  std::size_t live_sessions() const { return sessions_.size(); }
  // Statistics of a live connection (the first one), else of the last one
  // removed; nothing before the first connection.
  std::optional<transport::ConnectionStats> sender_stats(runtime::UdpNode& node) const;

 private:
  struct Entry {
    std::uint32_t generation = 0;
    std::unique_ptr<ServerSession> session;  // made once the ALPN is known
  };
  Entry& entry_for(endpoint::ConnectionHandle handle);

  FileSource& files_;
  std::vector<endpoint::ConnectionHandle> touched_;  // had events this turn: poll their sessions
  ServerCounters counters_;
  ServerTotals totals_;
  std::unordered_map<std::uint32_t, Entry> sessions_;  // by handle index
  std::optional<transport::ConnectionStats> last_removed_stats_;
  bool shutting_down_ = false;
};

// "tquic serve: 12 connections (3 resumed, 1 with 0-RTT), 40 requests: 38 files
// sent, 2 refused, 0 failed; 1.2 GB; 2 Retry packets sent"
std::string format_server_summary(const ServerCounters& c, const ServerTotals& t, std::uint64_t retries_sent);

}  // namespace tquic::apps
