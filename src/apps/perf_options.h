// `tquic perf server` and `tquic perf client`: their option text as the
// command line delivers it, the checked options, and the checks (one line
// per problem, naming the option and the fix; see value_parsers.h).
#pragma once

#include <cstdint>
#include <string>

#include "apps/options.h"
#include "apps/perf_protocol.h"
#include "apps/raw_options.h"
#include "base/time.h"

namespace tquic::apps {

struct RawPerfServer {
  RawCommon common;
  std::string listen;
  std::string cert;
  std::string key;
  bool json = false;
};

// Empty strings: not given (the defaults depend on the mode).
struct RawPerfClient {
  RawCommon common;
  std::string server;
  std::string mode = "down";
  std::string bytes;
  std::string time;
  std::string streams;
  std::string connections;
  std::string request_size;
  std::string response_size;
  std::string rate;
  std::string concurrency;
  std::string count;
  bool resume = false;
  std::string interval = "1";
  bool json = false;
  bool insecure = false;
  std::string ca;
};

struct PerfServerOptions {
  CommonOptions common;       // ALPN: tquic-perf/1 only
  NetAddress listen;
  std::string cert_file;      // empty (with key_file): ephemeral self-signed certificate
  std::string key_file;
  bool json = false;          // one JSON object per line instead of text
};

struct PerfClientOptions {
  CommonOptions common;
  Url server;                 // host and port (path unused)
  perf::Mode mode = perf::Mode::down;
  // up/down/bidi: `bytes` per direction over every connection and stream,
  // or (bytes == 0) for `duration`.
  std::uint64_t bytes = 0;
  Duration duration = 10s;    // data modes and rr (when count == 0)
  std::uint32_t streams = 1;  // per connection
  std::uint32_t connections = 1;
  std::uint64_t request_size = 100;    // rr
  std::uint64_t response_size = 1000;  // rr
  double rate = 0;            // rr: requests per second over all connections; 0 = closed loop
  std::uint32_t concurrency = 1;  // rr: requests outstanding at most; handshake: handshakes in parallel
  std::uint64_t count = 0;    // rr: requests (0: run for `duration`); handshake: handshakes
  bool resume = false;        // handshake: resume with the previous connection's ticket
  Duration interval = 1s;     // 0: no interval lines
  bool json = false;
  bool insecure = false;
  std::string ca_file;
};

// The most connections, streams and parallel requests one client asks for.
inline constexpr std::uint32_t kPerfMaxConnections = 1000;
inline constexpr std::uint32_t kPerfMaxStreams = 1000;
inline constexpr std::uint32_t kPerfMaxConcurrency = 10000;
inline constexpr std::uint64_t kPerfDefaultHandshakes = 100;
inline constexpr std::uint32_t kPerfDefaultOpenLoopConcurrency = 100;

bool build_perf_server_options(const RawPerfServer& raw, PerfServerOptions& out, std::string& error);
bool build_perf_client_options(const RawPerfClient& raw, PerfClientOptions& out, std::string& error);

}  // namespace tquic::apps
