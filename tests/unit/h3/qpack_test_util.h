// Helpers shared by the QPACK unit tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "h3/h3_error.h"
#include "h3/qpack/field_line.h"

namespace tquic::h3::qpack::test {

using Bytes = std::vector<std::uint8_t>;

// "c0 0f 77" / "c00f77" -> bytes (spaces ignored).
inline Bytes hex(std::string_view text) {
  Bytes out;
  int nibble = -1;
  for (const char c : text) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;
    if (nibble < 0) {
      nibble = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(nibble << 4 | v));
      nibble = -1;
    }
  }
  return out;
}

inline std::string to_hex(ByteSpan b) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (const std::uint8_t x : b) {
    s += digits[x >> 4];
    s += digits[x & 15];
  }
  return s;
}

inline ByteSpan span_of(std::string_view s) {
  return ByteSpan(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// Writes with `write(w)` into a large buffer and returns the bytes.
template <class F>
Bytes build(F&& write, std::size_t capacity = 1 << 16) {
  Bytes b(capacity);
  ByteWriter w(b);
  EXPECT_TRUE(write(w));
  b.resize(w.written());
  return b;
}

struct OwnedField {
  std::string name;
  std::string value;
  bool never_indexed = false;
  bool operator==(const OwnedField&) const = default;
};

inline std::ostream& operator<<(std::ostream& os, const OwnedField& f) {
  return os << f.name << ": " << f.value << (f.never_indexed ? " (N)" : "");
}

// Copies every field it is given.
class CollectingSink : public FieldSink {
 public:
  Status on_field(std::string_view name, std::string_view value, bool never_indexed) override {
    fields.push_back(OwnedField{std::string(name), std::string(value), never_indexed});
    return ok_status();
  }
  std::vector<OwnedField> fields;
};

inline std::vector<FieldLine> as_lines(const std::vector<OwnedField>& fields) {
  std::vector<FieldLine> lines;
  for (const OwnedField& f : fields) lines.push_back(FieldLine{f.name, f.value, f.never_indexed});
  return lines;
}

inline ::testing::AssertionResult is_error(const Error& e, H3Error code) {
  if (is_h3_error(e, code)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected " << h3_error_name(static_cast<std::uint64_t>(code)) << ", got kind "
         << static_cast<int>(e.kind) << " code 0x" << std::hex << e.code << " (\"" << e.reason
         << "\")";
}

}  // namespace tquic::h3::qpack::test
