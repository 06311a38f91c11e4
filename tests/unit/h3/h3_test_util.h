// Small helpers shared by the HTTP/3 unit tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "h3/h3_error.h"

namespace tquic::h3::test {

using Bytes = std::vector<std::uint8_t>;

// Runs `write(w)` into a large buffer and returns what it wrote.
template <class F>
Bytes build(F&& write, std::size_t capacity = 1 << 17) {
  Bytes b(capacity);
  ByteWriter w(b);
  EXPECT_TRUE(write(w));
  b.resize(w.written());
  return b;
}

inline Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

inline ByteSpan span_of(std::string_view s) {
  return ByteSpan(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

inline std::string string_of(ByteSpan b) { return std::string(b.begin(), b.end()); }

inline ::testing::AssertionResult is_h3(const Error& e, H3Error code) {
  if (is_h3_error(e, code)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "expected " << h3_error_name(static_cast<std::uint64_t>(code)) << ", got kind "
         << static_cast<int>(e.kind) << " code " << h3_error_name(e.code) << " (0x" << std::hex
         << e.code << ") reason \"" << e.reason << "\"";
}

}  // namespace tquic::h3::test
