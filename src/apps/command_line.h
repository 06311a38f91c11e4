// The `tquic` command line (CLI11): subcommands serve, get, demo and perf
// (perf server, perf client). Parsing
// never touches the network; it checks values, files and directories and
// reports the first problem as one line, e.g.
//   tquic get: --ca: cannot read 'x.pem' (No such file or directory); pass a PEM CA file or --insecure
#pragma once

#include <string>
#include <vector>

#include "apps/options.h"
#include "apps/perf_options.h"

namespace tquic::apps {

enum class CommandKind : std::uint8_t { serve, get, demo, perf_server, perf_client };

struct Command {
  CommandKind kind = CommandKind::demo;
  ServeOptions serve;
  GetOptions get;
  DemoOptions demo;
  PerfServerOptions perf_server;
  PerfClientOptions perf_client;
};

enum class ParseOutcome : std::uint8_t { run, help, usage_error };

// `args` include the program name. On `help`, `message` is the help text
// (print to stdout, exit 0); on `usage_error`, the one line to print to
// stderr (exit 2).
ParseOutcome parse_command_line(const std::vector<std::string>& args, Command& out, std::string& message);

}  // namespace tquic::apps
