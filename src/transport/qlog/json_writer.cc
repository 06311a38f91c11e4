#include "transport/qlog/json_writer.h"

#include <charconv>
#include <cmath>

namespace tquic::transport::qlog {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

bool is_continuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// Length of the well-formed UTF-8 sequence at s[i] (RFC 3629 §4: no overlong
// forms, no surrogates, nothing above U+10FFFF), or 0 if it is ill-formed.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xbf;  // bounds of the second byte
  if (c >= 0xc2 && c <= 0xdf) n = 2;
  else if (c >= 0xe0 && c <= 0xef) n = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
  else if (c >= 0xf0 && c <= 0xf4) n = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
  else return 0;
  if (s.size() - i < n || b(1) < lo || b(1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (!is_continuation(b(k))) return 0;
  return n;
}

void append_control_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: break;
  }
  const char esc[6] = {'\\', 'u', '0', '0', kHexDigits[c >> 4], kHexDigits[c & 0xf]};
  out.append(esc, sizeof esc);
}

template <class Int>
void append_integer(std::string& out, Int v) {
  char digits[24];
  const auto r = std::to_chars(digits, digits + sizeof digits, v);
  out.append(digits, r.ptr);
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c < 0x20) {
        append_control_escape(out, c);
      } else {
        out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence_length(s, i);
    if (n == 0) {
      out += "\\ufffd";  // one replacement per ill-formed byte
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
}

void JsonWriter::clear() {
  buffer_.clear();
  has_member_ = 0;
  depth_ = 0;
  after_key_ = false;
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  const std::uint64_t bit = std::uint64_t{1} << depth_;
  if (has_member_ & bit) buffer_ += ',';
  has_member_ |= bit;
}

void JsonWriter::begin_object() {
  before_value();
  buffer_ += '{';
  if (depth_ + 1 < kMaxDepth) ++depth_;
  has_member_ &= ~(std::uint64_t{1} << depth_);
}

void JsonWriter::end_object() {
  buffer_ += '}';
  if (depth_ > 0) --depth_;
}

void JsonWriter::begin_array() {
  before_value();
  buffer_ += '[';
  if (depth_ + 1 < kMaxDepth) ++depth_;
  has_member_ &= ~(std::uint64_t{1} << depth_);
}

void JsonWriter::end_array() {
  buffer_ += ']';
  if (depth_ > 0) --depth_;
}

void JsonWriter::key(std::string_view k) {
  before_value();
  buffer_ += '"';
  buffer_.append(k);
  buffer_ += "\":";
  after_key_ = true;
}

void JsonWriter::string(std::string_view s) {
  before_value();
  buffer_ += '"';
  append_json_escaped(buffer_, s);
  buffer_ += '"';
}

void JsonWriter::string(ByteSpan bytes) {
  string(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

void JsonWriter::hex(ByteSpan bytes) {
  before_value();
  buffer_ += '"';
  for (const std::uint8_t b : bytes) {
    buffer_ += kHexDigits[b >> 4];
    buffer_ += kHexDigits[b & 0xf];
  }
  buffer_ += '"';
}

void JsonWriter::hex32(std::uint32_t v) {
  before_value();
  buffer_ += '"';
  for (int shift = 28; shift >= 0; shift -= 4) buffer_ += kHexDigits[(v >> shift) & 0xf];
  buffer_ += '"';
}

void JsonWriter::uint(std::uint64_t v) {
  before_value();
  append_integer(buffer_, v);
}

void JsonWriter::sint(std::int64_t v) {
  before_value();
  append_integer(buffer_, v);
}

void JsonWriter::uint_as_string(std::uint64_t v) {
  before_value();
  buffer_ += '"';
  append_integer(buffer_, v);
  buffer_ += '"';
}

void JsonWriter::boolean(bool v) {
  before_value();
  buffer_ += v ? "true" : "false";
}

void JsonWriter::null() {
  before_value();
  buffer_ += "null";
}

void JsonWriter::real(double v) {
  if (!std::isfinite(v)) return null();  // JSON has no NaN or infinity
  before_value();
  char digits[32];
  const auto r = std::to_chars(digits, digits + sizeof digits, v);
  buffer_.append(digits, r.ptr);
}

// Integer arithmetic keeps the output exact and identical everywhere:
// 1234567 ns -> "1.234", 2000000 ns -> "2", 500 ns -> "0".
void JsonWriter::millis(Duration d) {
  before_value();
  const std::int64_t ns = d.count();
  std::uint64_t magnitude = ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  const std::uint64_t us = magnitude / 1000;
  if (ns < 0 && us > 0) buffer_ += '-';
  append_integer(buffer_, us / 1000);
  std::uint64_t frac = us % 1000;
  if (frac == 0) return;
  char f[4] = {'.', static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
               static_cast<char>('0' + frac % 10)};
  std::size_t len = 4;
  while (f[len - 1] == '0') --len;
  buffer_.append(f, len);
}

}  // namespace tquic::transport::qlog
