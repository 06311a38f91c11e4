// The subcommands. Each returns the process exit status: 0 success,
// 1 a failed transfer or run (404, handshake failure, checksum mismatch,
// I/O error), 2 a setup problem reported as one line, 130 interrupted.
#pragma once

#include "apps/options.h"
#include "apps/perf_options.h"

namespace tquic::apps {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;

int run_serve(const ServeOptions& options);
int run_get(const GetOptions& options);
int run_demo(const DemoOptions& options);
int run_perf_server(const PerfServerOptions& options);
int run_perf_client(const PerfClientOptions& options);

}  // namespace tquic::apps
