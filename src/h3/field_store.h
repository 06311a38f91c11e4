// Owned storage for the field lines QPACK decodes on one stream: the header
// section and, later, the trailer section. The decoder's views point into
// its scratch buffer, the dynamic table or the encoded bytes, all of which
// change after the call; this copies each line once into one byte buffer
// and hands out h3::FieldLine views into it. Capacity is kept across
// clear(), so a recycled stream record stops allocating.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "h3/message.h"
#include "h3/qpack/field_line.h"

namespace tquic::h3 {

class FieldStore final : public qpack::FieldSink {
 public:
  void clear();

  // Lines decoded from now on belong to the trailer section.
  void begin_trailers();
  // Drops the lines of the section being decoded (a blocked or failed
  // section is decoded again from the start).
  void discard_open_section();

  Status on_field(std::string_view name, std::string_view value, bool never_indexed) override;

  std::span<const FieldLine> headers() const;
  std::span<const FieldLine> trailers() const;
  // First header field named `name` (lowercase), if any.
  std::optional<std::string_view> header(std::string_view name) const;

 private:
  struct Entry {
    std::size_t offset;
    std::uint32_t name_len;
    std::uint32_t value_len;
  };
  void refresh_views() const;

  std::string bytes_;
  std::vector<Entry> entries_;
  std::size_t header_count_ = 0;  // entries_[0, header_count_) are headers once trailers begin
  bool in_trailers_ = false;
  std::size_t open_section_entries_ = 0;  // entries_ size when the current section began
  std::size_t open_section_bytes_ = 0;
  mutable std::vector<FieldLine> views_;
  mutable bool views_stale_ = false;
};

}  // namespace tquic::h3
