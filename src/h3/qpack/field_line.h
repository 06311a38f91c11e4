// Field lines as the QPACK codecs exchange them with the HTTP/3 layer.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "base/result.h"

namespace tquic::h3::qpack {

// Encoder input. `never_indexed` asks for a literal with the 'N' bit
// (RFC 9204 §4.5.4, §7.1.3): the value is never put into the dynamic table,
// and intermediaries must forward it as a literal too.
struct FieldLine {
  std::string_view name;
  std::string_view value;
  bool never_indexed = false;
};

// Decoder output, one call per field line in section order (§2.2). The
// views point into the encoded section, the dynamic table, the static table
// or the caller's scratch buffer; all stay valid until decode_field_section
// returns (the table is not modified while a section is decoded). An error
// returned here aborts decoding and is passed through unchanged.
class FieldSink {
 public:
  virtual ~FieldSink() = default;
  virtual Status on_field(std::string_view name, std::string_view value, bool never_indexed) = 0;
};

// RFC 9114 §4.2.2: the size a field line counts against
// SETTINGS_MAX_FIELD_SECTION_SIZE (uncompressed, plus 32 bytes).
constexpr std::uint64_t field_line_size(std::uint64_t name_len, std::uint64_t value_len) {
  return name_len + value_len + 32;
}

inline std::uint64_t field_section_size(std::span<const FieldLine> fields) {
  std::uint64_t total = 0;
  for (const FieldLine& f : fields) total += field_line_size(f.name.size(), f.value.size());
  return total;
}

}  // namespace tquic::h3::qpack
