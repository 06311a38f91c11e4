// The QPACK static table (RFC 9204 §3.1, Appendix A): 99 entries, indexed
// from 0 (unlike HPACK's, which starts at 1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace tquic::h3::qpack {

inline constexpr std::size_t kStaticTableSize = 99;

struct StaticEntry {
  std::string_view name;
  std::string_view value;
};

// Entry `index`, or nullptr if index >= kStaticTableSize (an invalid static
// index is QPACK_DECOMPRESSION_FAILED / QPACK_ENCODER_STREAM_ERROR, §3.1).
const StaticEntry* static_entry(std::uint64_t index);

struct StaticMatch {
  static constexpr std::uint32_t kNone = UINT32_MAX;
  std::uint32_t exact = kNone;  // index of an entry with this name and value
  std::uint32_t name = kNone;   // smallest index of an entry with this name
};

// Looks `name` / `value` up (binary search over a sorted index built at
// compile time; no allocation).
StaticMatch find_static(std::string_view name, std::string_view value);

}  // namespace tquic::h3::qpack
