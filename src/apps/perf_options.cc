#include "apps/perf_options.h"

#include "apps/build_options.h"
#include "apps/value_parsers.h"

namespace tquic::apps {
namespace {

using perf::Mode;

bool parse_mode(std::string_view text, Mode& out, std::string& error) {
  for (Mode m : {Mode::up, Mode::down, Mode::bidi, Mode::rr, Mode::handshake}) {
    if (text == perf::mode_name(m)) {
      out = m;
      return true;
    }
  }
  error = "--mode: unknown mode " + quote_value(text) + "; use up, down, bidi, rr or handshake";
  return false;
}

bool is_data_mode(Mode m) { return m == Mode::up || m == Mode::down || m == Mode::bidi; }

// "--bytes applies to --mode up, down or bidi, not rr" when `given` text
// is set for a mode that ignores it.
bool refuse_for_mode(const std::string& given, const char* option, const char* applies_to, Mode mode,
                     std::string& error) {
  if (given.empty()) return true;
  error = std::string(option) + " applies to --mode " + applies_to + ", not " + std::string(perf::mode_name(mode)) +
          "; drop it or change --mode";
  return false;
}

// A size in bytes where 0 is allowed ("0", "100", "1KiB").
bool parse_size_or_zero(const char* option, const std::string& text, std::uint64_t& out, std::string& error) {
  if (text == "0") return (out = 0), true;
  return parse_byte_size(option, text, out, error);
}

bool parse_u32(const char* option, const std::string& text, std::uint32_t max, std::uint32_t& out,
               std::string& error) {
  std::uint64_t v = 0;
  if (!parse_count(option, text, 1, max, v, error)) return false;
  out = static_cast<std::uint32_t>(v);
  return true;
}

// "HOST:PORT" (an IP literal, [IPv6] or a name) with an explicit port.
bool parse_server(const std::string& text, Url& out, std::string& error) {
  std::string why;
  const bool has_port = text.rfind(':') != std::string::npos && text.back() != ']' && text.back() != ':';
  if (text.empty() || !has_port || text.find('/') != std::string::npos || !parse_url("https://" + text + "/", out, why)) {
    error = text.empty() ? "the server address is required: tquic perf client HOST:PORT, e.g. 127.0.0.1:4433"
                         : "server " + quote_value(text) + " must be HOST:PORT, e.g. 127.0.0.1:4433 or [::1]:4433";
    return false;
  }
  return true;
}

bool build_data_mode(const RawPerfClient& raw, PerfClientOptions& out, std::string& error) {
  if (!raw.bytes.empty() && !raw.time.empty()) {
    error = "--bytes and --time contradict each other: give an amount (--bytes) or a duration (--time)";
    return false;
  }
  if (!raw.bytes.empty() && !parse_byte_size("--bytes", raw.bytes, out.bytes, error)) return false;
  if (!raw.time.empty() && !parse_seconds("--time", raw.time, false, out.duration, error)) return false;
  if (!raw.streams.empty() && !parse_u32("--streams", raw.streams, kPerfMaxStreams, out.streams, error)) return false;
  return refuse_for_mode(raw.request_size, "--request-size", "rr", out.mode, error) &&
         refuse_for_mode(raw.response_size, "--response-size", "rr", out.mode, error) &&
         refuse_for_mode(raw.rate, "--rate", "rr", out.mode, error) &&
         refuse_for_mode(raw.concurrency, "--concurrency", "rr or handshake", out.mode, error) &&
         refuse_for_mode(raw.count, "--count", "rr or handshake", out.mode, error);
}

bool build_rr_mode(const RawPerfClient& raw, PerfClientOptions& out, std::string& error) {
  if (!raw.count.empty() && !raw.time.empty()) {
    error = "--count and --time contradict each other: give a number of requests (--count) or a duration (--time)";
    return false;
  }
  if (!raw.count.empty() && !parse_count("--count", raw.count, 1, 1'000'000'000, out.count, error)) return false;
  if (!raw.time.empty() && !parse_seconds("--time", raw.time, false, out.duration, error)) return false;
  if (!raw.request_size.empty() && !parse_size_or_zero("--request-size", raw.request_size, out.request_size, error))
    return false;
  if (!raw.response_size.empty() &&
      !parse_size_or_zero("--response-size", raw.response_size, out.response_size, error))
    return false;
  if (!raw.rate.empty() && !parse_rate("--rate", raw.rate, out.rate, error)) return false;
  out.concurrency = out.rate > 0 ? kPerfDefaultOpenLoopConcurrency : 1;
  if (!raw.concurrency.empty() &&
      !parse_u32("--concurrency", raw.concurrency, kPerfMaxConcurrency, out.concurrency, error))
    return false;
  return refuse_for_mode(raw.bytes, "--bytes", "up, down or bidi", out.mode, error) &&
         refuse_for_mode(raw.streams, "--streams", "up, down or bidi", out.mode, error);
}

bool build_handshake_mode(const RawPerfClient& raw, PerfClientOptions& out, std::string& error) {
  out.count = kPerfDefaultHandshakes;
  if (!raw.count.empty() && !parse_count("--count", raw.count, 1, 10'000'000, out.count, error)) return false;
  if (!raw.concurrency.empty() &&
      !parse_u32("--concurrency", raw.concurrency, kPerfMaxConnections, out.concurrency, error))
    return false;
  return refuse_for_mode(raw.bytes, "--bytes", "up, down or bidi", out.mode, error) &&
         refuse_for_mode(raw.time, "--time", "up, down, bidi or rr", out.mode, error) &&
         refuse_for_mode(raw.streams, "--streams", "up, down or bidi", out.mode, error) &&
         refuse_for_mode(raw.connections, "--connections", "up, down, bidi or rr", out.mode, error) &&
         refuse_for_mode(raw.request_size, "--request-size", "rr", out.mode, error) &&
         refuse_for_mode(raw.response_size, "--response-size", "rr", out.mode, error) &&
         refuse_for_mode(raw.rate, "--rate", "rr", out.mode, error);
}

}  // namespace

bool build_perf_server_options(const RawPerfServer& raw, PerfServerOptions& out, std::string& error) {
  out = PerfServerOptions{};
  if (!build_transport_options(raw.common, out.common, error)) return false;
  out.common.alpn = {std::string(perf::kAlpn)};
  if (raw.listen.empty()) {
    error = "--listen is required: the address to listen on, e.g. 0.0.0.0:4433 or [::]:4433";
    return false;
  }
  if (!parse_listen_address("--listen", raw.listen, out.listen, error)) return false;
  if (!check_cert_and_key(raw.cert, raw.key, error)) return false;
  out.cert_file = raw.cert;
  out.key_file = raw.key;
  out.json = raw.json;
  return true;
}

bool build_perf_client_options(const RawPerfClient& raw, PerfClientOptions& out, std::string& error) {
  out = PerfClientOptions{};
  if (!build_transport_options(raw.common, out.common, error)) return false;
  out.common.alpn = {std::string(perf::kAlpn)};
  if (!parse_server(raw.server, out.server, error) || !parse_mode(raw.mode, out.mode, error)) return false;
  if (!raw.connections.empty() &&
      !parse_u32("--connections", raw.connections, kPerfMaxConnections, out.connections, error))
    return false;
  const bool ok = is_data_mode(out.mode)      ? build_data_mode(raw, out, error)
                  : out.mode == Mode::rr      ? build_rr_mode(raw, out, error)
                                              : build_handshake_mode(raw, out, error);
  if (!ok) return false;
  if (raw.resume && out.mode != Mode::handshake) {
    error = "--resume applies to --mode handshake: drop it or add --mode handshake";
    return false;
  }
  out.resume = raw.resume;
  if (!parse_seconds("--interval", raw.interval, true, out.interval, error)) return false;
  if (!check_verification(raw.insecure, raw.ca, error)) return false;
  out.insecure = raw.insecure;
  out.ca_file = raw.ca;
  out.json = raw.json;
  return true;
}

}  // namespace tquic::apps
