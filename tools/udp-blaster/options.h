// Command line of tquic-udp-blaster. Every error is one line that names the
// option, quotes the value and says what would be accepted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace tquic::blaster {

struct BlasterOptions {
  std::uint64_t bytes = 1ull << 30;   // UDP payload bytes the sender sends
  std::size_t segment = 1350;         // UDP payload per datagram (GSO segment size)
  std::size_t train = 44;             // segments per GSO send (44 x 1350 < 64 KiB)
  std::uint64_t window = 16u << 20;   // sent but not yet received, at most (0: no limit)
  int sender_cpu = 0;                 // -1: not pinned
  int receiver_cpu = 1;               // -1: not pinned
  bool json = false;
};

enum class ParseOutcome { run, help, error };

// On `error`, `message` holds the line to print after "udp-blaster: ".
ParseOutcome parse_blaster_options(int argc, const char* const* argv, BlasterOptions& options,
                                   std::string& message);

const char* blaster_usage();

}  // namespace tquic::blaster
