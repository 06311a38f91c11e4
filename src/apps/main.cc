// tquic: `tquic serve`, `tquic get`, `tquic demo`, `tquic perf` (apps/command_line.h).
#include <cstdio>
#include <string>
#include <vector>

#include "apps/command_line.h"
#include "apps/commands.h"

int main(int argc, char** argv) {
  using namespace tquic::apps;
  const std::vector<std::string> args(argv, argv + argc);
  Command cmd;
  std::string message;
  switch (parse_command_line(args, cmd, message)) {
    case ParseOutcome::help:
      std::printf("%s", message.c_str());
      return kExitOk;
    case ParseOutcome::usage_error:
      std::fprintf(stderr, "%s\n", message.c_str());
      return kExitUsage;
    case ParseOutcome::run:
      break;
  }
  switch (cmd.kind) {
    case CommandKind::serve: return run_serve(cmd.serve);
    case CommandKind::get: return run_get(cmd.get);
    case CommandKind::demo: return run_demo(cmd.demo);
    case CommandKind::perf_server: return run_perf_server(cmd.perf_server);
    case CommandKind::perf_client: return run_perf_client(cmd.perf_client);
  }
  return kExitUsage;
}
