// tquic-relay: a UDP impairment relay for loopback and network-namespace
// tests (this kernel has no netem). See docs/RELAY.md.
#include <cstdio>
#include <string>

#include "netsim/address.h"
#include "options.h"
#include "relay.h"

int main(int argc, char** argv) {
  using namespace tquic::relay;
  RelayOptions options;
  std::string message;
  switch (parse_relay_options(argc, argv, options, message)) {
    case ParseOutcome::help:
      std::fputs(relay_usage(), stdout);
      return 0;
    case ParseOutcome::error:
      std::fprintf(stderr, "relay: %s\n", message.c_str());
      return 2;
    case ParseOutcome::run:
      break;
  }
  Relay relay(options);
  if (!relay.open(message)) {
    std::fprintf(stderr, "relay: %s\n", message.c_str());
    return 1;
  }
  std::printf("relay: listening on %s, upstream %s\n", tquic::sim::to_text(relay.listen_address()).c_str(),
              tquic::sim::to_text(options.upstream).c_str());
  std::fflush(stdout);
  const bool ok = relay.run(message);
  if (options.stats) relay.print_stats(stdout);
  std::fflush(stdout);
  if (!ok) {
    std::fprintf(stderr, "relay: %s\n", message.c_str());
    return 1;
  }
  return 0;
}
