#include "options.h"

#include <string_view>

#include "netsim/text_config.h"

namespace tquic::blaster {
namespace {

constexpr std::size_t kMaxGsoBytes = 65507;  // one UDP datagram before segmentation
constexpr std::size_t kMaxSegments = 64;     // UDP_MAX_SEGMENTS in the kernel

Status set_size(std::string_view v, std::uint64_t& out, std::uint64_t min, const char* too_small) {
  TQUIC_TRY_ASSIGN(out, sim::parse_size(v));
  if (out < min) return Error::local(too_small);
  return ok_status();
}

Status set_cpu(std::string_view v, int& out) {
  if (v == "-1") {
    out = -1;
    return ok_status();
  }
  TQUIC_TRY_ASSIGN(std::uint64_t n, sim::parse_count(v));
  if (n > 1023) return Error::local("must be a CPU number (0-1023) or -1 for no pinning");
  out = static_cast<int>(n);
  return ok_status();
}

Status apply(std::string_view name, std::string_view v, BlasterOptions& o) {
  std::uint64_t n = 0;
  if (name == "--bytes") return set_size(v, o.bytes, 1, "must be at least 1 byte");
  if (name == "--window") return set_size(v, o.window, 0, "");
  if (name == "--sender-cpu") return set_cpu(v, o.sender_cpu);
  if (name == "--receiver-cpu") return set_cpu(v, o.receiver_cpu);
  if (name == "--segment") {
    TQUIC_TRY(set_size(v, n, 64, "must be at least 64 bytes"));
    if (n > 9000) return Error::local("must be at most 9000 (bytes of UDP payload per datagram)");
    o.segment = static_cast<std::size_t>(n);
    return ok_status();
  }
  if (name == "--train") {
    TQUIC_TRY(set_size(v, n, 1, "must be at least 1"));
    if (n > kMaxSegments) return Error::local("must be at most 64 (the kernel's UDP_MAX_SEGMENTS)");
    o.train = static_cast<std::size_t>(n);
    return ok_status();
  }
  return Error::local("is not an option (see --help)");
}

}  // namespace

ParseOutcome parse_blaster_options(int argc, const char* const* argv, BlasterOptions& options,
                                   std::string& message) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") return ParseOutcome::help;
    if (arg == "--json") {
      options.json = true;
      continue;
    }
    if (i + 1 >= argc) {
      message = std::string(arg) + " needs a value (see --help)";
      return ParseOutcome::error;
    }
    const std::string_view value = argv[++i];
    if (Status s = apply(arg, value, options); !s.ok()) {
      message = std::string(arg) + " '" + std::string(value) + "' " + s.error().reason;
      return ParseOutcome::error;
    }
  }
  if (options.segment * options.train > kMaxGsoBytes) {
    message = "--segment x --train must fit one 64 KiB datagram (65507 bytes); lower --train";
    return ParseOutcome::error;
  }
  return ParseOutcome::run;
}

const char* blaster_usage() {
  return "tquic-udp-blaster: the loopback UDP ceiling (GSO send -> GRO receive), no QUIC.\n"
         "A sender thread sends trains of equal segments with UDP_SEGMENT; a receiver\n"
         "thread reads them with UDP_GRO and recvmmsg. Reports payload Gbit/s.\n"
         "\n"
         "Usage: tquic-udp-blaster [options]\n"
         "  --bytes SIZE         payload to send, e.g. 1g, 64m, 1000000 (default 1g = 1 GiB)\n"
         "  --segment BYTES      UDP payload per datagram (default 1350)\n"
         "  --train N            segments per GSO send, 1-64 (default 44)\n"
         "  --window SIZE        sent but unreceived bytes at most, 0 = unlimited (default 16m)\n"
         "  --sender-cpu N       pin the sender thread to CPU N, -1 = no pinning (default 0)\n"
         "  --receiver-cpu N     pin the receiver thread to CPU N, -1 = no pinning (default 1)\n"
         "  --json               print one JSON object instead of text\n";
}

}  // namespace tquic::blaster
