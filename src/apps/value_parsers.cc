#include "apps/value_parsers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "io/address_text.h"
#include "netsim/text_config.h"
#include "wire/version.h"

namespace tquic::apps {
namespace {

std::string with_option(std::string_view option, std::string_view message) {
  return std::string(option) + ": " + std::string(message);
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  return true;
}

std::vector<std::string_view> split_commas(std::string_view text) {
  std::vector<std::string_view> out;
  for (;;) {
    const auto comma = text.find(',');
    out.push_back(text.substr(0, comma));
    if (comma == std::string_view::npos) return out;
    text.remove_prefix(comma + 1);
  }
}

// A non-negative decimal number; `unit` receives the text after it.
bool parse_decimal(std::string_view text, double& value, std::string_view& unit) {
  std::size_t n = 0;
  while (n < text.size() && ((text[n] >= '0' && text[n] <= '9') || text[n] == '.')) ++n;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + n, value, std::chars_format::fixed);
  unit = text.substr(n);
  return n > 0 && ec == std::errc{} && end == text.data() + n && std::isfinite(value);
}

}  // namespace

std::string quote_value(std::string_view value) {
  std::string s(value.substr(0, 80));
  for (char& c : s)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return "'" + s + (value.size() > 80 ? "...'" : "'");
}

bool parse_cc(std::string_view option, std::string_view text, transport::CongestionControlAlgorithm& out,
              std::string& error) {
  auto cc = transport::parse_congestion_control_algorithm(text);
  if (!cc) {
    error = with_option(option, "unknown congestion controller " + quote_value(text) + "; use bbr3, cubic or new_reno");
    return false;
  }
  out = *cc;
  return true;
}

bool parse_engine(std::string_view option, std::string_view text, io::EngineKind& out, std::string& error) {
  std::string why;
  if (io::parse_engine_kind(text, out, why)) return true;
  error = with_option(option, why);
  return false;
}

bool parse_ciphers(std::string_view option, std::string_view text, std::string& priority,
                   std::vector<std::uint16_t>& suites, std::string& error) {
  struct Name {
    std::string_view cli, gnutls;
    std::uint16_t tls_id;
  };
  static constexpr Name kNames[] = {{"aes128gcm", "+AES-128-GCM", 0x1301},
                                    {"aes256gcm", "+AES-256-GCM", 0x1302},
                                    {"chacha20", "+CHACHA20-POLY1305", 0x1303}};
  priority.clear();
  suites.clear();
  for (std::string_view part : split_commas(text)) {
    const Name* hit = nullptr;
    for (const Name& n : kNames)
      if (iequals(part, n.cli)) hit = &n;
    if (!hit) {
      error = with_option(option, "unknown cipher " + quote_value(part) +
                                      "; use aes128gcm, aes256gcm and/or chacha20, comma separated");
      return false;
    }
    if (priority.find(hit->gnutls) != std::string::npos) continue;
    if (!priority.empty()) priority += ":";
    priority += hit->gnutls;
    suites.push_back(hit->tls_id);
  }
  return true;
}

bool parse_quic_version(std::string_view option, std::string_view text, std::uint32_t& out, std::string& error) {
  if (iequals(text, "v1") || text == "1") out = wire::kQuicVersion1;
  else if (iequals(text, "v2") || text == "2") out = wire::kQuicVersion2;
  else {
    error = with_option(option, "unknown QUIC version " + quote_value(text) + "; use v1 (RFC 9000) or v2 (RFC 9369)");
    return false;
  }
  return true;
}

// Versions in preference order, no repeats: "v2,v1" prefers QUIC v2 and
// still accepts v1 (RFC 9368 §2.3: the server picks by its own order).
bool parse_quic_versions(std::string_view option, std::string_view text, std::vector<std::uint32_t>& out,
                         std::string& error) {
  out.clear();
  for (std::string_view p : split_commas(text)) {
    std::uint32_t v = 0;
    if (!parse_quic_version(option, p, v, error)) {
      error += " (a comma-separated list such as v2,v1)";
      return false;
    }
    if (std::find(out.begin(), out.end(), v) != out.end()) {
      error = with_option(option, "version " + quote_value(p) + " is listed twice; list each of v1, v2 once");
      return false;
    }
    out.push_back(v);
  }
  return true;
}

bool parse_alpn_list(std::string_view option, std::string_view text, std::vector<std::string>& out,
                     std::string& error) {
  out.clear();
  for (std::string_view p : split_commas(text)) {
    bool printable = !p.empty() && p.size() <= 255;
    for (char c : p) printable = printable && c > 0x20 && c < 0x7f;
    if (!printable) {
      error = with_option(option, "ALPN " + quote_value(p) +
                                      " must be 1 to 255 printable characters; use e.g. hq-interop (comma separated)");
      return false;
    }
    out.emplace_back(p);
  }
  return true;
}

bool parse_byte_size(std::string_view option, std::string_view text, std::uint64_t& out, std::string& error) {
  struct Unit {
    std::string_view name;
    double scale;
  };
  static constexpr Unit kUnits[] = {{"", 1},          {"b", 1},           {"kb", 1e3},          {"mb", 1e6},
                                    {"gb", 1e9},      {"kib", 1024.0},    {"mib", 1048576.0},   {"gib", 1073741824.0}};
  std::size_t n = 0;
  while (n < text.size() && ((text[n] >= '0' && text[n] <= '9') || text[n] == '.')) ++n;
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + n, value, std::chars_format::fixed);
  double scale = 0;
  for (const Unit& u : kUnits)
    if (iequals(text.substr(n), u.name)) scale = u.scale;
  const double bytes = value * scale;
  if (n == 0 || ec != std::errc{} || end != text.data() + n || scale == 0 || !(bytes >= 1) || bytes > 100e9) {
    error = with_option(option, "size " + quote_value(text) + " must be 1 B to 100 GB, e.g. 10MB, 1.5GB or 512KiB");
    return false;
  }
  out = static_cast<std::uint64_t>(std::llround(bytes));
  return true;
}

bool parse_count(std::string_view option, std::string_view text, std::uint64_t min, std::uint64_t max,
                 std::uint64_t& out, std::string& error) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || v < min || v > max) {
    error = with_option(option, quote_value(text) + " must be a whole number from " + std::to_string(min) + " to " +
                                    std::to_string(max));
    return false;
  }
  out = v;
  return true;
}

bool parse_seconds(std::string_view option, std::string_view text, bool allow_zero, Duration& out, std::string& error) {
  double v = 0;
  std::string_view unit;
  double scale = 0;
  if (parse_decimal(text, v, unit)) scale = unit.empty() || iequals(unit, "s") ? 1.0 : iequals(unit, "ms") ? 1e-3 : 0;
  const double seconds = v * scale;
  if (scale == 0 || seconds > 86400 || (seconds <= 0 && !(allow_zero && v == 0))) {
    error = with_option(option, quote_value(text) + " must be a duration such as 10 (seconds), 2.5s or 500ms, " +
                                    (allow_zero ? "0 to 86400 s" : "above 0 and at most 86400 s"));
    return false;
  }
  out = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(seconds));
  return true;
}

bool parse_rate(std::string_view option, std::string_view text, double& out, std::string& error) {
  double v = 0;
  std::string_view unit;
  if (!parse_decimal(text, v, unit) || !(unit.empty() || iequals(unit, "/s")) || !(v > 0) || v > 10e6) {
    error = with_option(option, quote_value(text) + " must be a rate per second above 0 and at most 10000000, e.g. 1000 or 1000/s");
    return false;
  }
  out = v;
  return true;
}

bool parse_listen_address(std::string_view option, std::string_view text, NetAddress& out, std::string& error) {
  std::string why;
  if (io::parse_address(text, out, why)) return true;
  error = with_option(option, why);
  return false;
}

bool parse_relay_delay(std::string_view option, std::string_view text, std::string& error) {
  auto d = sim::parse_duration(text);
  if (d) return true;
  error = with_option(option, quote_value(text) + " " + d.error().reason);
  return false;
}

bool parse_relay_loss(std::string_view option, std::string_view text, std::string& error) {
  auto p = sim::parse_probability(text);
  if (p) return true;
  error = with_option(option, quote_value(text) + " " + p.error().reason);
  return false;
}

bool check_readable_file(std::string_view option, const std::string& path, std::string_view hint,
                         std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st {};
  const int err = fd < 0 ? errno : (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) ? EISDIR : 0);
  if (fd >= 0) ::close(fd);
  if (err == 0) return true;
  error = with_option(option, "cannot read " + quote_value(path) + " (" + std::strerror(err) + "); " + std::string(hint));
  return false;
}

bool check_directory(std::string_view option, const std::string& path, std::string_view hint, std::string& error) {
  struct stat st {};
  const int err = ::stat(path.c_str(), &st) != 0 ? errno : (S_ISDIR(st.st_mode) ? 0 : ENOTDIR);
  if (err == 0) return true;
  error = with_option(option, quote_value(path) + " is not a directory (" + std::strerror(err) + "); " + std::string(hint));
  return false;
}

bool ensure_directory(std::string_view option, const std::string& path, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (!ec && ::access(path.c_str(), W_OK | X_OK) != 0) ec = std::error_code(errno, std::generic_category());
  if (!ec && !std::filesystem::is_directory(path, ec)) ec = std::make_error_code(std::errc::not_a_directory);
  if (!ec) return true;
  error = with_option(option, "cannot use " + quote_value(path) + " as a directory (" + ec.message() +
                                  "); pass a writable directory");
  return false;
}

}  // namespace tquic::apps
