#include "netsim/text_config.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace tquic::sim {
namespace {

constexpr std::uint64_t kMaxSizeBytes = 1ULL << 30;
constexpr std::size_t kMaxIndexList = 10'000'000;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Splits "12.5ms" into 12.5 and "ms". False if there is no leading number.
bool split_number(std::string_view text, double& value, std::string_view& unit) {
  text = trim(text);
  std::size_t n = 0;
  while (n < text.size() && ((text[n] >= '0' && text[n] <= '9') || text[n] == '.')) ++n;
  if (n == 0) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + n, value, std::chars_format::fixed);
  if (ec != std::errc() || end != text.data() + n || !std::isfinite(value)) return false;
  unit = text.substr(n);
  return true;
}

struct Unit {
  std::string_view name;
  double scale;
};

// The scale of `unit` in `table`; 0 if unknown.
template <std::size_t N>
double scale_of(std::string_view unit, const Unit (&table)[N]) {
  for (const Unit& u : table) {
    if (u.name.size() != unit.size()) continue;
    if (std::equal(unit.begin(), unit.end(), u.name.begin(),
                   [](char a, char b) { return (a | 0x20) == b; })) {
      return u.scale;
    }
  }
  return 0.0;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const std::size_t pos = text.find(separator);
    parts.push_back(trim(text.substr(0, pos)));
    if (pos == std::string_view::npos) return parts;
    text.remove_prefix(pos + 1);
  }
}

bool parse_u64(std::string_view text, std::uint64_t& out) {
  text = trim(text);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  static constexpr Unit kUnits[] = {{"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"min", 60e9}};
  double value = 0.0;
  std::string_view unit;
  if (!split_number(text, value, unit)) return Error::local("must be a duration such as 20ms, 1.5s or 500us");
  if (unit.empty()) {
    if (value == 0.0) return Duration(0);
    return Error::local("needs a unit, e.g. 20ms, 1.5s or 500us");
  }
  const double scale = scale_of(unit, kUnits);
  if (scale == 0.0) return Error::local("must be a duration such as 20ms, 1.5s or 500us");
  const double ns = value * scale;
  if (ns > static_cast<double>(Duration(kMaxLinkDelay).count())) return Error::local("must be at most 24h");
  return Duration(static_cast<Duration::rep>(std::llround(ns)));
}

Result<double> parse_probability(std::string_view text) {
  double value = 0.0;
  std::string_view unit;
  if (!split_number(text, value, unit) || (unit != "%" && !unit.empty())) {
    return Error::local("must be a percentage such as 1% or 0.5% (or a fraction such as 0.01)");
  }
  if (unit == "%") value /= 100.0;
  if (value < 0.0 || value > 1.0) return Error::local("must be between 0% and 100%");
  return value;
}

Result<std::uint64_t> parse_rate(std::string_view text) {
  static constexpr Unit kUnits[] = {{"bit", 1.0}, {"kbit", 1e3}, {"mbit", 1e6}, {"gbit", 1e9}};
  double value = 0.0;
  std::string_view unit;
  if (!split_number(text, value, unit)) return Error::local("must be a rate such as 20mbit, 500kbit or 1gbit");
  if (unit.empty()) {
    if (value == 0.0) return std::uint64_t{0};
    return Error::local("needs a unit, e.g. 20mbit, 500kbit or 1gbit (bits per second)");
  }
  const double scale = scale_of(unit, kUnits);
  if (scale == 0.0) return Error::local("must be a rate such as 20mbit, 500kbit or 1gbit");
  const double bps = value * scale;
  if (bps > static_cast<double>(kMaxRateBps)) return Error::local("must be at most 1000000gbit");
  if (bps != 0.0 && bps < 1.0) return Error::local("must be at least 1bit (or 0 for unlimited)");
  return static_cast<std::uint64_t>(std::llround(bps));
}

Result<std::uint64_t> parse_size(std::string_view text) {
  static constexpr Unit kUnits[] = {{"b", 1.0},          {"k", 1024.0},          {"kb", 1024.0},
                                    {"kib", 1024.0},     {"m", 1048576.0},       {"mb", 1048576.0},
                                    {"mib", 1048576.0},  {"g", 1073741824.0},    {"gb", 1073741824.0},
                                    {"gib", 1073741824.0}};
  double value = 0.0;
  std::string_view unit;
  if (!split_number(text, value, unit)) return Error::local("must be a size such as 1500, 256kb or 1mb");
  const double scale = unit.empty() ? 1.0 : scale_of(unit, kUnits);
  if (scale == 0.0) return Error::local("must be a size such as 1500, 256kb or 1mb");
  const double bytes = value * scale;
  if (bytes > static_cast<double>(kMaxSizeBytes)) return Error::local("must be at most 1gb");
  return static_cast<std::uint64_t>(std::llround(bytes));
}

Result<GilbertElliott> parse_burst_loss(std::string_view text) {
  const std::vector<std::string_view> parts = split(text, ',');
  if (parts.size() < 2 || parts.size() > 4) {
    return Error::local("must be P_GB,P_BG[,LOSS_BAD[,LOSS_GOOD]] such as 1%,25%");
  }
  double p[4] = {0.0, 0.0, 1.0, 0.0};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    auto r = parse_probability(parts[i]);
    if (!r) return r.error();
    p[i] = *r;
  }
  if (p[1] <= 0.0) return Error::local("needs P_BG above 0% (else a burst never ends)");
  return GilbertElliott{p[0], p[1], p[2], p[3]};
}

Result<std::vector<std::uint64_t>> parse_index_list(std::string_view text) {
  std::vector<std::uint64_t> out;
  for (std::string_view part : split(text, ',')) {
    const std::size_t dash = part.find('-');
    const std::string_view low = part.substr(0, dash);
    const std::string_view high = dash == std::string_view::npos ? low : part.substr(dash + 1);
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    if (!parse_u64(low, first) || !parse_u64(high, last) || last < first) {
      return Error::local("must be indices such as 3,7,10-12");
    }
    if (last - first >= kMaxIndexList - out.size()) return Error::local("must list at most 10000000 indices");
    for (std::uint64_t i = first; i <= last; ++i) out.push_back(i);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

std::string_view next_word(std::string_view& s) {
  s = trim(s);
  std::size_t n = 0;
  while (n < s.size() && !is_space(s[n])) ++n;
  const std::string_view word = s.substr(0, n);
  s.remove_prefix(n);
  return word;
}

// Applies one action ("blackhole 500ms", "rate 1mbit"...) at `at`.
Status apply_action(std::string_view action, std::string_view arg, Timestamp at, Schedule& s) {
  constexpr auto kBadValue = "has an action without a valid value (e.g. 'blackhole 500ms', 'rate 1mbit', 'loss 5%')";
  if (action == "blackhole") {
    if (arg == "on" || arg == "off") {
      if (arg == "on") s.blackhole_on(at);
      else s.blackhole_off(at);
      return ok_status();
    }
    auto d = parse_duration(arg);
    if (!d || d->count() == 0) return Error::local(kBadValue);
    return s.blackhole(at, *d);
  }
  if (action == "rate") {
    auto r = parse_rate(arg);
    return r ? s.set_rate(at, *r) : Status(Error::local(kBadValue));
  }
  if (action == "delay") {
    auto d = parse_duration(arg);
    return d ? s.set_delay(at, *d) : Status(Error::local(kBadValue));
  }
  if (action == "loss") {
    auto p = parse_probability(arg);
    return p ? s.set_loss(at, *p) : Status(Error::local(kBadValue));
  }
  if (action == "mtu") {
    auto m = parse_size(arg);
    if (!m) return Error::local(kBadValue);
    s.set_mtu(at, static_cast<std::size_t>(*m));
    return ok_status();
  }
  return Error::local("has an unknown action (use blackhole, rate, delay, loss or mtu)");
}

Status parse_entry(std::string_view entry, Schedule& up, Schedule& down) {
  if (next_word(entry) != "at") return Error::local("needs entries like 'at 2s blackhole 500ms' separated by ';'");
  auto at = parse_duration(next_word(entry));
  if (!at) return Error::local("has a bad time after 'at' (use e.g. 'at 2s' or 'at 1500ms')");
  std::string_view action = next_word(entry);
  bool to_up = true;
  bool to_down = true;
  if (action == "up" || action == "down") {
    to_up = action == "up";
    to_down = !to_up;
    action = next_word(entry);
  }
  const std::string_view arg = next_word(entry);
  if (!trim(entry).empty()) return Error::local("has extra words after an action (separate entries with ';')");
  const Timestamp t = kTimeZero + *at;
  if (to_up) TQUIC_TRY(apply_action(action, arg, t, up));
  if (to_down) TQUIC_TRY(apply_action(action, arg, t, down));
  return ok_status();
}

}  // namespace

Status parse_schedule(std::string_view text, Schedule& up, Schedule& down) {
  Schedule new_up = up;  // all or nothing: commit only if every entry parses
  Schedule new_down = down;
  for (std::string_view entry : split(text, ';')) {
    if (entry.empty()) continue;
    TQUIC_TRY(parse_entry(entry, new_up, new_down));
  }
  up = std::move(new_up);
  down = std::move(new_down);
  return ok_status();
}

Result<EcnRewrite> parse_ecn_rewrite(std::string_view text) {
  if (text == "none") return EcnRewrite::none;
  if (text == "bleach") return EcnRewrite::bleach;
  if (text == "mangle") return EcnRewrite::mangle;
  return Error::local("must be none, bleach (clear the ECN field) or mangle (ECT(0) to ECT(1))");
}

Result<std::uint64_t> parse_count(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > (1u << 24)) {
    return Error::local("must be a whole number from 0 to 16777216, e.g. 10");
  }
  return value;
}

}  // namespace tquic::sim
