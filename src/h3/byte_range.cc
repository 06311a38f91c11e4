#include "h3/byte_range.h"

namespace tquic::h3 {
namespace {

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

// 1*DIGIT, at most 19 digits (fits in 64 bits without overflow checks).
bool parse_position(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  out = v;
  return true;
}

ByteRange unsatisfiable() { return ByteRange{RangeKind::unsatisfiable, 0, 0}; }

ByteRange satisfiable(std::uint64_t first, std::uint64_t last) {
  return ByteRange{RangeKind::satisfiable, first, last};
}

// "-suffix_length": the last bytes of the representation.
ByteRange suffix_range(std::string_view digits, std::uint64_t size) {
  std::uint64_t n = 0;
  if (!parse_position(digits, n)) return ByteRange{};
  if (n == 0 || size == 0) return unsatisfiable();
  return satisfiable(n >= size ? 0 : size - n, size - 1);
}

}  // namespace

ByteRange evaluate_range(std::string_view header, std::uint64_t size) {
  header = trim(header);
  const std::size_t eq = header.find('=');
  if (eq == std::string_view::npos || !equals_ignore_case(trim(header.substr(0, eq)), "bytes"))
    return ByteRange{};
  const std::string_view spec = trim(header.substr(eq + 1));
  if (spec.find(',') != std::string_view::npos) return ByteRange{};  // several ranges
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return ByteRange{};
  if (dash == 0) return suffix_range(spec.substr(1), size);
  std::uint64_t first = 0;
  if (!parse_position(spec.substr(0, dash), first)) return ByteRange{};
  std::uint64_t last = ~std::uint64_t{0};
  const std::string_view last_text = spec.substr(dash + 1);
  if (!last_text.empty() && !parse_position(last_text, last)) return ByteRange{};
  if (last < first) return ByteRange{};  // invalid range-spec: ignore the header
  if (first >= size) return unsatisfiable();
  return satisfiable(first, last >= size ? size - 1 : last);
}

std::size_t format_decimal(std::uint64_t v, std::span<char> out) {
  char digits[20];
  std::size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  if (n > out.size()) return 0;
  for (std::size_t i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  return n;
}

namespace {

// Appends `text` to out[pos...]; false if it does not fit.
bool append(std::span<char> out, std::size_t& pos, std::string_view text) {
  if (text.size() > out.size() - pos) return false;
  for (char c : text) out[pos++] = c;
  return true;
}

bool append_number(std::span<char> out, std::size_t& pos, std::uint64_t v) {
  const std::size_t n = format_decimal(v, out.subspan(pos));
  pos += n;
  return n != 0;
}

}  // namespace

std::size_t format_content_range(const ByteRange& r, std::uint64_t size, std::span<char> out) {
  std::size_t pos = 0;
  const bool ok = append(out, pos, "bytes ") && append_number(out, pos, r.first) &&
                  append(out, pos, "-") && append_number(out, pos, r.last) &&
                  append(out, pos, "/") && append_number(out, pos, size);
  return ok ? pos : 0;
}

std::size_t format_unsatisfied_range(std::uint64_t size, std::span<char> out) {
  std::size_t pos = 0;
  const bool ok = append(out, pos, "bytes */") && append_number(out, pos, size);
  return ok ? pos : 0;
}

}  // namespace tquic::h3
