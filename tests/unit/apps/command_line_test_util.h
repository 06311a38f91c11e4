// Runs the tquic command line parser on a test's arguments.
#pragma once

#include <string>
#include <vector>

#include "apps/command_line.h"

namespace tquic::apps::testing {

struct Parsed {
  ParseOutcome outcome;
  Command cmd;
  std::string message;
};

// `args` without the program name.
inline Parsed parse(std::vector<std::string> args) {
  args.insert(args.begin(), "tquic");
  Parsed p{};
  p.outcome = parse_command_line(args, p.cmd, p.message);
  return p;
}

}  // namespace tquic::apps::testing
