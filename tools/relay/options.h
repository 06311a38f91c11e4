// Command line of tquic-relay. Every error is one line that names the option,
// quotes the value and says what would be accepted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/time.h"
#include "netsim/address.h"
#include "netsim/link_config.h"
#include "netsim/schedule.h"

namespace tquic::relay {

struct RelayOptions {
  sim::Address listen;             // where clients send
  sim::Address upstream;           // where the relay forwards to
  sim::LinkConfig up;              // client -> upstream
  sim::LinkConfig down;            // upstream -> client
  sim::Schedule up_schedule;
  sim::Schedule down_schedule;
  std::uint64_t seed = 1;
  Duration duration{0};            // 0: until SIGINT / SIGTERM
  bool stats = false;
  std::size_t max_clients = 256;   // beyond this the least recently seen is forgotten
  std::size_t max_packets = 16384; // datagrams each direction may hold in flight
};

enum class ParseOutcome { run, help, error };

// On `error`, `message` holds the line to print after "relay: ".
ParseOutcome parse_relay_options(int argc, const char* const* argv, RelayOptions& options,
                                 std::string& message);

const char* relay_usage();

}  // namespace tquic::relay
