// `tquic perf client` as a runtime application. Each connection opens a
// control stream when its handshake completes (START -> START_OK), then
//   up/down/bidi: `streams` data streams, the byte total split evenly
//     over connections and streams (or, with --time, sending for that long);
//   rr: request streams issued over the connections in turn, closed loop
//     (`concurrency` outstanding) or open loop at `rate` per second, each
//     latency (request written -> response FIN) recorded in a histogram;
//   handshake: the control connection alone, while `count` more
//     connections (`concurrency` at a time) each complete a handshake
//     (resumed with the previous ticket under --resume) and close;
// and ends with FINISH -> STATS on every control stream, whose samples
// give the server's CPU and handshakes during the test.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "apps/perf_options.h"
#include "apps/perf_protocol.h"
#include "apps/perf_report.h"
#include "base/latency_histogram.h"
#include "runtime/application.h"
#include "runtime/cpu_time.h"
#include "transport/connection/connection.h"

namespace tquic::apps {

struct PerfClientPlan {
  PerfClientOptions options;
  NetAddress server;
  std::string server_name;       // SNI and certificate name
  std::string engine;            // what ran here ("uring", "mmsg")
  Duration handshake_timeout = 10s;
};

// describe_close() (apps/summary.h) with tquic-perf/1's error codes.
std::string describe_perf_close(const transport::CloseInfo& info);

class PerfClientApp final : public runtime::Application {
 public:
  // Interval lines (text mode) go to `out`.
  PerfClientApp(PerfClientPlan plan, std::FILE* out);

  // Opens the connections (handshake mode: the control connection).
  bool start(runtime::UdpNode& node, Timestamp now, std::string& error);
  // SIGINT: abandons the data in flight and asks every server for its
  // STATS; run the loop a little longer for them, then take result().
  void interrupt(runtime::UdpNode& node, Timestamp now);

  void on_connection_event(runtime::UdpNode& node, endpoint::ConnectionHandle handle,
                           const transport::ConnectionEvent& event, Timestamp now) override;
  void on_turn(runtime::UdpNode& node, Timestamp now) override;
  Timestamp next_wakeup() const override;

  bool finished() const { return finished_; }
  PerfClientResult result() const;

 private:
  enum class Phase : std::uint8_t { handshaking, starting, running, finishing, done, failed };

  // A data stream (up/down/bidi) or one request (rr).
  struct Stream {
    transport::StreamId id = 0;
    std::uint64_t to_send = 0;       // request payload still to write
    bool timed_upload = false;       // send until upload_deadline instead
    Timestamp upload_deadline = kTimeInfinite;
    bool fin_sent = false;
    Timestamp sent_at{};             // rr: when the request was written
  };

  struct Conn {
    endpoint::ConnectionHandle handle;
    Phase phase = Phase::handshaking;
    transport::StreamId control = 0;
    perf::MessageParser parser;
    std::vector<std::uint8_t> control_out;
    bool control_fin = false;
    perf::ServerSample start_sample;
    perf::ControlMessage stats;
    std::uint32_t streams_to_open = 0;   // data streams not opened yet (no stream credit)
    std::vector<Stream> streams;     // open, not yet answered with FIN
    std::uint32_t stream_index = 0;  // data streams opened so far (for the byte split)
  };

  // perf_client_app.cc: connections and the control stream
  Conn* conn_for(endpoint::ConnectionHandle handle);
  void on_conn_event(runtime::UdpNode& node, Conn& c, transport::Connection& conn, const transport::ConnectionEvent& e,
                     Timestamp now);
  void open_control(Conn& c, transport::Connection& conn, Timestamp now);
  void read_control(Conn& c, transport::Connection& conn, Timestamp now);
  void on_message(Conn& c, transport::Connection& conn, const perf::ControlMessage& m, Timestamp now);
  void send_control(Conn& c, transport::Connection& conn, const perf::ControlMessage& m);
  void flush_control(Conn& c, transport::Connection& conn);
  void send_finish(Conn& c, transport::Connection& conn);
  void on_conn_closed(Conn& c, transport::Connection& conn, Timestamp now);
  void fail(const std::string& error, Timestamp now);
  void check_all_done(Timestamp now);
  void finish_cpu();
  void capture(const transport::Connection& conn);
  void tick_intervals(Timestamp now, bool final);

  // perf_client_data.cc: data streams and requests
  void on_running(runtime::UdpNode& node, Conn& c, transport::Connection& conn, Timestamp now);
  void open_data_streams(Conn& c, transport::Connection& conn, Timestamp now);
  bool open_stream(Conn& c, transport::Connection& conn, const perf::DataHeader& h, Stream& out, Timestamp now);
  void pump_uploads(Conn& c, transport::Connection& conn, Timestamp now);
  void read_stream(Conn& c, transport::Connection& conn, transport::StreamId id, Timestamp now);
  void on_stream_done(Conn& c, transport::Connection& conn, std::size_t index, Timestamp now);
  void maybe_finish_data(Conn& c, transport::Connection& conn, Timestamp now);
  void issue_requests(runtime::UdpNode& node, Timestamp now);
  bool send_request(Conn& c, transport::Connection& conn, Timestamp now);
  bool requests_over(Timestamp now) const;

  // perf_client_handshake.cc: handshake-rate mode
  void start_handshakes(runtime::UdpNode& node, Timestamp now);
  void on_handshake_event(transport::Connection& conn, endpoint::ConnectionHandle handle,
                          const transport::ConnectionEvent& e, Timestamp now);

  PerfClientPlan plan_;
  const PerfClientOptions& o_;
  std::FILE* out_;
  std::vector<Conn> conns_;
  Timestamp started_{};               // start() called
  Timestamp test_start_{};            // first START_OK
  Timestamp test_end_{};
  bool test_started_ = false;
  bool finished_ = false;
  bool interrupted_ = false;
  std::string error_;
  runtime::CpuTime cpu_start_;
  runtime::CpuTime cpu_end_;
  bool cpu_end_taken_ = false;
  // what ran (captured from the first connection)
  std::uint16_t cipher_suite_ = 0;
  std::uint32_t version_ = 0;
  std::string server_engine_, server_cc_;
  transport::ConnectionStats stats_;
  bool stats_captured_ = false;
  // data modes
  std::uint64_t bytes_up_ = 0;        // request payload the streams took
  std::uint64_t bytes_down_ = 0;      // response payload read
  std::uint32_t total_streams_ = 0;   // connections x streams
  // rr
  std::unique_ptr<LatencyHistogram> latency_;
  std::unique_ptr<LatencyHistogram> interval_latency_;
  std::uint64_t requests_issued_ = 0;
  std::uint64_t requests_done_ = 0;
  std::uint64_t outstanding_ = 0;
  std::size_t next_conn_ = 0;         // round robin
  Timestamp next_request_at_{};       // open loop
  Duration request_interval_{};
  // handshake mode
  struct Handshake {
    endpoint::ConnectionHandle handle;
    bool confirmed = false;
    bool closing = false;
  };
  std::vector<Handshake> handshakes_;  // active
  std::uint64_t hs_started_ = 0;
  std::uint64_t hs_done_ = 0;
  std::uint64_t hs_failed_ = 0;
  std::uint64_t hs_resumed_ = 0;
  std::string hs_error_;
  std::vector<std::uint8_t> ticket_;
  std::vector<std::uint8_t> ticket_params_;
  runtime::UdpNode* node_ = nullptr;   // for opening handshake connections from events
  // intervals
  std::vector<PerfInterval> intervals_;
  Timestamp interval_start_{};
  std::uint64_t interval_up_ = 0, interval_down_ = 0, interval_requests_ = 0, interval_handshakes_ = 0;
};

}  // namespace tquic::apps
