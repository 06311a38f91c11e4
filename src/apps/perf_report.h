// What `tquic perf` prints: interval lines, the client's final summary and
// the server's line per test, as text or as JSON (nlohmann-json; the keys
// are documented in docs/PERF.md). Pure formatting: unit tested.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apps/perf_protocol.h"
#include "apps/perf_server_session.h"
#include "base/latency_histogram.h"
#include "base/time.h"
#include "runtime/cpu_time.h"
#include "transport/connection/connection_stats.h"

namespace tquic::apps {

struct PerfInterval {
  Duration start{};   // since the test started
  Duration end{};
  std::uint64_t bytes_up = 0;
  std::uint64_t bytes_down = 0;
  std::uint64_t requests = 0;      // rr: completed in the interval
  std::uint64_t p50_ns = 0;        // rr: of those
  std::uint64_t p99_ns = 0;
  std::uint64_t handshakes = 0;    // handshake mode: completed in the interval
};

struct PerfClientResult {
  perf::Mode mode = perf::Mode::down;
  bool complete = false;            // ran to its end (not interrupted, nothing failed)
  bool interrupted = false;
  std::string error;                // why it failed, if it did
  // what ran
  std::string server;               // HOST:PORT
  std::string engine, cc;
  std::string server_engine, server_cc;
  std::uint16_t cipher_suite = 0;
  std::uint32_t version = 0;
  std::uint32_t connections = 0;
  std::uint32_t streams = 0;        // per connection (data modes)
  // the test
  Duration elapsed{};
  std::uint64_t bytes_up = 0;       // request payload sent (what the streams took)
  std::uint64_t bytes_down = 0;     // response payload received
  runtime::CpuTime client_cpu;
  bool have_server = false;         // every STATS arrived
  runtime::CpuTime server_cpu;
  std::uint64_t server_bytes_received = 0;
  std::uint64_t server_bytes_sent = 0;
  std::uint64_t server_handshakes = 0;
  // rr
  std::uint64_t request_size = 0, response_size = 0;
  double rate = 0;
  std::uint32_t concurrency = 0;
  std::uint64_t requests = 0;       // completed
  const LatencyHistogram* latency = nullptr;
  // handshake
  std::uint64_t handshakes = 0;     // completed (confirmed)
  std::uint64_t handshakes_failed = 0;
  std::uint64_t resumed = 0;
  transport::ConnectionStats stats;  // of the first connection
  std::vector<PerfInterval> intervals;
};

// "[  1.00-  2.00 s] down 1.12 GB 8.96 Gbit/s" and the like, per mode.
std::string format_interval(perf::Mode mode, const PerfInterval& i);
// "tquic perf client: 127.0.0.1:4433, mode down, ..., TLS_AES_128_GCM_SHA256,
// QUIC v1, cc bbr3, engine uring (server: engine uring, cc bbr3)".
std::string format_client_banner(const PerfClientResult& r);
// The final lines (summary, CPU, latency or handshakes).
std::string format_client_result(const PerfClientResult& r);
nlohmann::json client_result_json(const PerfClientResult& r);

// "tquic perf server: test down: received 0 B, sent 1.07 GB in 1 stream over
// 1.02 s; CPU 0.85 s (user 0.41 s, sys 0.44 s); 0 handshakes"
std::string format_server_test(const PerfServerTest& t);
nlohmann::json server_test_json(const PerfServerTest& t);
std::string format_perf_server_summary(const PerfServerShared& s, std::uint64_t connections, std::uint64_t tests,
                                       const runtime::CpuTime& cpu);
nlohmann::json perf_server_summary_json(const PerfServerShared& s, std::uint64_t connections, std::uint64_t tests,
                                        const runtime::CpuTime& cpu);

// Seconds of a CPU sample difference, from its precise total.
double cpu_seconds(const runtime::CpuTime& t);

}  // namespace tquic::apps
