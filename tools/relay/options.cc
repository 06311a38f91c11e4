#include "options.h"

#include <charconv>
#include <string_view>

#include "netsim/text_config.h"
#include "socket_util.h"

namespace tquic::relay {
namespace {

using sim::LinkConfig;

// ---- per-direction link options -------------------------------------------

Status set_delay(std::string_view v, LinkConfig& c) {
  TQUIC_TRY_ASSIGN(c.delay, sim::parse_duration(v));
  return ok_status();
}
Status set_jitter(std::string_view v, LinkConfig& c) {
  TQUIC_TRY_ASSIGN(c.jitter, sim::parse_duration(v));
  return ok_status();
}
Status set_keep_order(std::string_view, LinkConfig& c) {
  c.jitter_preserves_order = true;
  return ok_status();
}
Status set_loss(std::string_view v, LinkConfig& c) {
  TQUIC_TRY_ASSIGN(c.loss, sim::parse_probability(v));
  return ok_status();
}
Status set_burst_loss(std::string_view v, LinkConfig& c) {
  TQUIC_TRY_ASSIGN(c.burst_loss, sim::parse_burst_loss(v));
  return ok_status();
}
Status set_drop(std::string_view v, LinkConfig& c) {
  TQUIC_TRY_ASSIGN(c.drop_indices, sim::parse_index_list(v));
  return ok_status();
}
Status set_reorder(std::string_view v, LinkConfig& c) {
  TQUIC_TRY_ASSIGN(c.reorder, sim::parse_probability(v));
  return ok_status();
}
Status set_reorder_delay(std::string_view v, LinkConfig& c) {
  TQUIC_TRY_ASSIGN(c.reorder_delay, sim::parse_duration(v));
  if (c.reorder_delay.count() == 0) return Error::local("must be above 0, e.g. 10ms");
  return ok_status();
}
Status set_duplicate(std::string_view v, LinkConfig& c) {
  TQUIC_TRY_ASSIGN(c.duplicate, sim::parse_probability(v));
  return ok_status();
}
Status set_corrupt(std::string_view v, LinkConfig& c) {
  TQUIC_TRY_ASSIGN(c.corrupt, sim::parse_probability(v));
  return ok_status();
}
Status set_rate(std::string_view v, LinkConfig& c) {
  TQUIC_TRY_ASSIGN(c.rate_bps, sim::parse_rate(v));
  return ok_status();
}
Status set_queue(std::string_view v, LinkConfig& c) {
  TQUIC_TRY_ASSIGN(c.queue_limit_bytes, sim::parse_size(v));
  return ok_status();
}
Status set_mtu(std::string_view v, LinkConfig& c) {
  TQUIC_TRY_ASSIGN(c.mtu, sim::parse_size(v));
  if (c.mtu > sim::kMaxDatagramBytes) return Error::local("must be at most 65535");
  return ok_status();
}

Status set_ecn_threshold(std::string_view v, LinkConfig& c) {
  TQUIC_TRY_ASSIGN(std::uint64_t n, sim::parse_count(v));
  c.ce_threshold_packets = static_cast<std::size_t>(n);
  return ok_status();
}
Status set_ecn_rewrite(std::string_view v, LinkConfig& c) {
  TQUIC_TRY_ASSIGN(c.ecn_rewrite, sim::parse_ecn_rewrite(v));
  return ok_status();
}

struct LinkOption {
  std::string_view name;
  const char* example;  // nullptr: a flag without a value
  Status (*apply)(std::string_view value, LinkConfig& config);
};

constexpr LinkOption kLinkOptions[] = {
    {"delay", "20ms", set_delay},         {"jitter", "5ms", set_jitter},
    {"keep-order", nullptr, set_keep_order}, {"loss", "1%", set_loss},
    {"burst-loss", "1%,25%", set_burst_loss}, {"drop", "3,7,10-12", set_drop},
    {"reorder", "1%", set_reorder},       {"reorder-delay", "10ms", set_reorder_delay},
    {"duplicate", "0.1%", set_duplicate}, {"corrupt", "0.1%", set_corrupt},
    {"rate", "20mbit", set_rate},         {"queue", "256kb", set_queue},
    {"mtu", "1500", set_mtu},             {"ecn-threshold", "10", set_ecn_threshold},
    {"ecn-rewrite", "bleach", set_ecn_rewrite},
};

const LinkOption* find_link_option(std::string_view name) {
  for (const LinkOption& o : kLinkOptions) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

// ---- global options ---------------------------------------------------------

bool parse_count(std::string_view v, std::uint64_t min, std::uint64_t max, std::uint64_t& out) {
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  return ec == std::errc() && end == v.data() + v.size() && !v.empty() && out >= min && out <= max;
}

struct GlobalOption {
  std::string_view name;
  const char* example;  // nullptr: a flag
};

constexpr GlobalOption kGlobalOptions[] = {
    {"listen", "127.0.0.1:4433"}, {"upstream", "127.0.0.1:4434"}, {"seed", "42"},
    {"schedule", "'at 2s blackhole 500ms'"}, {"duration", "30s"}, {"stats", nullptr},
    {"max-clients", "256"}, {"max-packets", "16384"},
};

const GlobalOption* find_global_option(std::string_view name) {
  for (const GlobalOption& o : kGlobalOptions) {
    if (o.name == name) return &o;
  }
  return nullptr;
}

// Returns the reason literal on failure, nullptr on success.
const char* apply_global(std::string_view name, std::string_view v, RelayOptions& o) {
  std::uint64_t n = 0;
  if (name == "listen") {
    return parse_ip_port(v, o.listen) ? nullptr : "must be IP:PORT such as 127.0.0.1:4433 or [::1]:4433";
  }
  if (name == "upstream") {
    if (!parse_ip_port(v, o.upstream)) return "must be IP:PORT such as 127.0.0.1:4433 or [::1]:4433";
    return o.upstream.port != 0 ? nullptr : "needs a port other than 0";
  }
  if (name == "seed") {
    if (!parse_count(v, 0, UINT64_MAX, o.seed)) return "must be a whole number such as 42";
    return nullptr;
  }
  if (name == "schedule") {
    const Status s = sim::parse_schedule(v, o.up_schedule, o.down_schedule);
    return s ? nullptr : s.error().reason;
  }
  if (name == "duration") {
    auto d = sim::parse_duration(v);
    if (!d) return d.error().reason;
    o.duration = *d;
    return nullptr;
  }
  if (name == "max-clients") {
    if (!parse_count(v, 1, 65536, n)) return "must be a number from 1 to 65536";
    o.max_clients = static_cast<std::size_t>(n);
    return nullptr;
  }
  if (name == "max-packets") {
    if (!parse_count(v, 16, 1u << 24, n)) return "must be a number from 16 to 16777216";
    o.max_packets = static_cast<std::size_t>(n);
    return nullptr;
  }
  o.stats = true;  // "stats", the only flag
  return nullptr;
}

// ---- the loop -----------------------------------------------------------------

struct Arg {
  std::string_view option;  // as written, e.g. "--up-loss"
  std::string_view name;    // without "--" and without "=value"
  std::string_view value;
  bool has_value = false;
};

Arg split_arg(std::string_view text) {
  Arg a;
  const std::size_t eq = text.find('=');
  a.option = text.substr(0, eq);
  a.name = a.option.substr(2);
  if (eq != std::string_view::npos) {
    a.value = text.substr(eq + 1);
    a.has_value = true;
  }
  return a;
}

std::string quoted(const Arg& a, const char* reason) {
  return std::string(a.option) + " '" + std::string(a.value) + "' " + reason;
}

// Takes the value of `a` from the next argument if it was not inline.
bool take_value(Arg& a, const char* example, int argc, const char* const* argv, int& i,
                std::string& message) {
  if (example == nullptr) {
    if (!a.has_value) return true;
    message = std::string(a.option) + " takes no value (write just " + std::string(a.option) + ")";
    return false;
  }
  if (!a.has_value) {
    if (i + 1 >= argc) {
      message = std::string(a.option) + " needs a value, e.g. " + std::string(a.option) + " " + example;
      return false;
    }
    a.value = argv[++i];
  }
  return true;
}

bool apply_link_option(Arg& a, int argc, const char* const* argv, int& i, RelayOptions& o,
                       std::string& message) {
  std::string_view bare = a.name;
  bool up = true;
  bool down = true;
  if (bare.starts_with("up-")) {
    bare.remove_prefix(3);
    down = false;
  } else if (bare.starts_with("down-")) {
    bare.remove_prefix(5);
    up = false;
  }
  const LinkOption* opt = find_link_option(bare);
  if (opt == nullptr) {
    message = "unknown option '" + std::string(a.option) + "' (see tquic-relay --help)";
    return false;
  }
  if (!take_value(a, opt->example, argc, argv, i, message)) return false;
  for (LinkConfig* c : {up ? &o.up : nullptr, down ? &o.down : nullptr}) {
    if (c == nullptr) continue;
    const Status s = opt->apply(a.value, *c);
    if (!s) {
      message = quoted(a, s.error().reason);
      return false;
    }
  }
  return true;
}

bool finish(RelayOptions& o, bool have_listen, bool have_upstream, std::string& message) {
  if (!have_listen) {
    message = "--listen is required, e.g. --listen 127.0.0.1:4433";
    return false;
  }
  if (!have_upstream) {
    message = "--upstream is required, e.g. --upstream 127.0.0.1:4434";
    return false;
  }
  for (const auto& [name, config] : {std::pair{"up", &o.up}, std::pair{"down", &o.down}}) {
    const Status s = config->validate();
    if (!s) {
      message = std::string(name) + " link: " + s.error().reason;
      return false;
    }
  }
  return true;
}

}  // namespace

ParseOutcome parse_relay_options(int argc, const char* const* argv, RelayOptions& o,
                                 std::string& message) {
  bool have_listen = false;
  bool have_upstream = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view text = argv[i];
    if (text == "-h" || text == "--help") return ParseOutcome::help;
    if (!text.starts_with("--") || text.size() == 2) {
      message = "unexpected argument '" + std::string(text) + "' (options start with --; see --help)";
      return ParseOutcome::error;
    }
    Arg a = split_arg(text);
    const GlobalOption* global = find_global_option(a.name);
    if (global == nullptr) {
      if (!apply_link_option(a, argc, argv, i, o, message)) return ParseOutcome::error;
      continue;
    }
    if (!take_value(a, global->example, argc, argv, i, message)) return ParseOutcome::error;
    if (const char* reason = apply_global(a.name, a.value, o)) {
      message = quoted(a, reason);
      return ParseOutcome::error;
    }
    have_listen |= a.name == "listen";
    have_upstream |= a.name == "upstream";
  }
  return finish(o, have_listen, have_upstream, message) ? ParseOutcome::run : ParseOutcome::error;
}

const char* relay_usage() {
  return R"(tquic-relay: a UDP impairment relay (userspace netem) built on the netsim link model

usage: tquic-relay --listen IP:PORT --upstream IP:PORT [impairments] [options]

Clients send to --listen; each client address gets its own socket towards
--upstream, so several clients and migrating clients work. "up" is
client -> upstream, "down" is upstream -> client.

impairments (each also as --up-NAME / --down-NAME for one direction; later options win):
  --delay 20ms          propagation delay (the minimum)
  --jitter 5ms          extra delay, uniform in [0, jitter]
  --keep-order          jitter never reorders
  --loss 1%             Bernoulli loss
  --burst-loss P_GB,P_BG[,LOSS_BAD[,LOSS_GOOD]]
                        Gilbert-Elliott bursty loss, e.g. 1%,25%
  --drop 3,7,10-12      drop exactly these datagrams (0-based, per direction)
  --reorder 1%          hold this share of datagrams back by --reorder-delay
  --reorder-delay 10ms  (default 10ms)
  --duplicate 0.1%      send a second copy
  --corrupt 0.1%        change one random byte
  --rate 20mbit         bottleneck rate (bit, kbit, mbit, gbit); 0 = unlimited
  --queue 256kb         bottleneck queue, tail drop when full (b, kb, mb; 0 = unlimited)
  --mtu 1500            drop datagrams with a larger UDP payload
  --ecn-threshold 10    with --rate: mark ECN-capable datagrams CE (drop Not-ECT ones)
                        when this many are queued; 0 = off
  --ecn-rewrite bleach  none, bleach (clear the ECN field) or mangle (ECT(0) to ECT(1))

options:
  --schedule 'at 2s blackhole 500ms; at 5s up rate 1mbit; at 8s loss 0%'
                        time-varying changes (blackhole DUR|on|off, rate, delay, loss, mtu)
  --seed 42             random seed (default 1); same seed, same decisions
  --duration 30s        stop after this long (default: until SIGINT/SIGTERM)
  --stats               print per-direction counters at exit
  --max-clients 256     client sockets kept (least recently seen is closed first)
  --max-packets 16384   datagrams each direction may hold in flight
  --help
)";
}

}  // namespace tquic::relay
