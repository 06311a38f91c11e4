#include "h3/field_store.h"

namespace tquic::h3 {

void FieldStore::clear() {
  bytes_.clear();
  entries_.clear();
  views_.clear();
  header_count_ = 0;
  in_trailers_ = false;
  open_section_entries_ = 0;
  open_section_bytes_ = 0;
  views_stale_ = false;
}

void FieldStore::begin_trailers() {
  header_count_ = entries_.size();
  in_trailers_ = true;
  open_section_entries_ = entries_.size();
  open_section_bytes_ = bytes_.size();
}

void FieldStore::discard_open_section() {
  entries_.resize(open_section_entries_);
  bytes_.resize(open_section_bytes_);
  views_stale_ = true;
}

Status FieldStore::on_field(std::string_view name, std::string_view value, bool) {
  // Sizes are bounded by SETTINGS_MAX_FIELD_SECTION_SIZE, far below 2^32.
  entries_.push_back(Entry{bytes_.size(), static_cast<std::uint32_t>(name.size()),
                           static_cast<std::uint32_t>(value.size())});
  bytes_.append(name);
  bytes_.append(value);
  views_stale_ = true;
  return ok_status();
}

void FieldStore::refresh_views() const {
  if (!views_stale_) return;
  views_.clear();
  for (const Entry& e : entries_) {
    const std::string_view all(bytes_);
    views_.push_back(FieldLine{all.substr(e.offset, e.name_len),
                               all.substr(e.offset + e.name_len, e.value_len)});
  }
  views_stale_ = false;
}

std::span<const FieldLine> FieldStore::headers() const {
  refresh_views();
  const std::size_t n = in_trailers_ ? header_count_ : views_.size();
  return std::span<const FieldLine>(views_).first(n);
}

std::span<const FieldLine> FieldStore::trailers() const {
  refresh_views();
  if (!in_trailers_) return {};
  return std::span<const FieldLine>(views_).subspan(header_count_);
}

std::optional<std::string_view> FieldStore::header(std::string_view name) const {
  for (const FieldLine& f : headers())
    if (f.name == name) return f.value;
  return std::nullopt;
}

}  // namespace tquic::h3
