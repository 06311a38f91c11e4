#include "h3/qpack/representation.h"

namespace tquic::h3::qpack {

namespace {

// Field section strings are bounded by the section itself (a length past
// its end reads as truncated), so no separate limit applies here.
constexpr std::uint64_t kNoStringLimit = UINT64_MAX;

ParseStatus read_index_then_value(ByteReader& r, unsigned prefix_bits,
                                  FieldLineRepresentation& out) {
  ByteReader cur = r;
  ParseStatus s = read_prefixed_integer(cur, prefix_bits, out.index);
  if (s != ParseStatus::ok) return s;
  s = read_string_literal(cur, 8, kNoStringLimit, out.value);
  if (s != ParseStatus::ok) return s;
  r = cur;
  return ParseStatus::ok;
}

ParseStatus read_literal_name(ByteReader& r, FieldLineRepresentation& out) {
  ByteReader cur = r;
  ParseStatus s = read_string_literal(cur, 4, kNoStringLimit, out.name);
  if (s != ParseStatus::ok) return s;
  s = read_string_literal(cur, 8, kNoStringLimit, out.value);
  if (s != ParseStatus::ok) return s;
  r = cur;
  return ParseStatus::ok;
}

}  // namespace

ParseStatus read_section_prefix(ByteReader& r, SectionPrefix& out) {
  ByteReader cur = r;
  ParseStatus s = read_prefixed_integer(cur, 8, out.encoded_insert_count);
  if (s != ParseStatus::ok) return s;
  std::uint8_t b = 0;
  if (!cur.peek_u8(b)) return ParseStatus::truncated;
  out.sign = (b & 0x80) != 0;
  s = read_prefixed_integer(cur, 7, out.delta_base);
  if (s != ParseStatus::ok) return s;
  r = cur;
  return ParseStatus::ok;
}

std::uint64_t encode_required_insert_count(std::uint64_t required_insert_count,
                                           std::uint64_t max_entries) {
  if (required_insert_count == 0 || max_entries == 0) return 0;
  return required_insert_count % (2 * max_entries) + 1;
}

bool decode_required_insert_count(std::uint64_t encoded, std::uint64_t max_entries,
                                  std::uint64_t total_inserts, std::uint64_t& required_insert_count) {
  if (encoded == 0) {
    required_insert_count = 0;
    return true;
  }
  const std::uint64_t full_range = 2 * max_entries;
  if (encoded > full_range) return false;
  const std::uint64_t max_value = total_inserts + max_entries;
  const std::uint64_t max_wrapped = max_value / full_range * full_range;
  std::uint64_t ric = max_wrapped + encoded - 1;
  if (ric > max_value) {  // the encoder's value wrapped one fewer time
    if (ric <= full_range) return false;
    ric -= full_range;
  }
  if (ric == 0) return false;  // zero must be encoded as 0
  required_insert_count = ric;
  return true;
}

bool decode_base(const SectionPrefix& p, std::uint64_t required_insert_count, std::uint64_t& base) {
  if (!p.sign) {
    if (p.delta_base > kPrefixedIntegerMax - required_insert_count) return false;
    base = required_insert_count + p.delta_base;
    return true;
  }
  if (required_insert_count <= p.delta_base) return false;  // negative Base
  base = required_insert_count - p.delta_base - 1;
  return true;
}

std::size_t section_prefix_size(std::uint64_t required_insert_count, std::uint64_t base,
                                std::uint64_t max_entries) {
  const std::uint64_t enc = encode_required_insert_count(required_insert_count, max_entries);
  const std::uint64_t delta = base >= required_insert_count ? base - required_insert_count
                                                            : required_insert_count - base - 1;
  return prefixed_integer_size(enc, 8) + prefixed_integer_size(delta, 7);
}

std::size_t section_prefix_size_bound(std::uint64_t max_entries, std::uint64_t delta_bound) {
  return prefixed_integer_size(2 * max_entries, 8) + prefixed_integer_size(delta_bound, 7);
}

bool write_section_prefix(ByteWriter& w, std::uint64_t required_insert_count, std::uint64_t base,
                          std::uint64_t max_entries) {
  if (w.remaining() < section_prefix_size(required_insert_count, base, max_entries)) return false;
  const std::uint64_t enc = encode_required_insert_count(required_insert_count, max_entries);
  (void)write_prefixed_integer(w, 0x00, 8, enc);
  if (base >= required_insert_count)
    return write_prefixed_integer(w, 0x00, 7, base - required_insert_count);
  return write_prefixed_integer(w, 0x80, 7, required_insert_count - base - 1);
}

ParseStatus read_field_line(ByteReader& r, FieldLineRepresentation& out) {
  std::uint8_t b = 0;
  if (!r.peek_u8(b)) return ParseStatus::truncated;
  out = FieldLineRepresentation{};
  if (b & 0x80) {  // 1Txxxxxx
    out.kind = FieldLineKind::indexed;
    out.is_static = (b & 0x40) != 0;
    return read_prefixed_integer(r, 6, out.index);
  }
  if (b & 0x40) {  // 01NTxxxx
    out.kind = FieldLineKind::literal_name_reference;
    out.never_indexed = (b & 0x20) != 0;
    out.is_static = (b & 0x10) != 0;
    return read_index_then_value(r, 4, out);
  }
  if (b & 0x20) {  // 001NHxxx
    out.kind = FieldLineKind::literal_literal_name;
    out.never_indexed = (b & 0x10) != 0;
    return read_literal_name(r, out);
  }
  if (b & 0x10) {  // 0001xxxx
    out.kind = FieldLineKind::indexed_post_base;
    return read_prefixed_integer(r, 4, out.index);
  }
  out.kind = FieldLineKind::literal_post_base_name_reference;  // 0000Nxxx
  out.never_indexed = (b & 0x08) != 0;
  return read_index_then_value(r, 3, out);
}

bool write_indexed(ByteWriter& w, bool is_static, std::uint64_t index) {
  return write_prefixed_integer(w, static_cast<std::uint8_t>(is_static ? 0xc0 : 0x80), 6, index);
}

bool write_indexed_post_base(ByteWriter& w, std::uint64_t post_base_index) {
  return write_prefixed_integer(w, 0x10, 4, post_base_index);
}

namespace {

bool write_index_then_value(ByteWriter& w, std::uint8_t flags, unsigned prefix_bits,
                            std::uint64_t index, ByteSpan value, bool allow_huffman) {
  if (index > kPrefixedIntegerMax) return false;
  const std::size_t need =
      prefixed_integer_size(index, prefix_bits) + string_literal_size(value, 8, allow_huffman);
  if (w.remaining() < need) return false;
  (void)write_prefixed_integer(w, flags, prefix_bits, index);
  return write_string_literal(w, 0x00, 8, value, allow_huffman);
}

}  // namespace

bool write_literal_name_reference(ByteWriter& w, bool never_indexed, bool is_static,
                                  std::uint64_t index, ByteSpan value, bool allow_huffman) {
  const auto flags =
      static_cast<std::uint8_t>(0x40 | (never_indexed ? 0x20 : 0) | (is_static ? 0x10 : 0));
  return write_index_then_value(w, flags, 4, index, value, allow_huffman);
}

bool write_literal_post_base_name_reference(ByteWriter& w, bool never_indexed,
                                            std::uint64_t post_base_index, ByteSpan value,
                                            bool allow_huffman) {
  const auto flags = static_cast<std::uint8_t>(never_indexed ? 0x08 : 0x00);
  return write_index_then_value(w, flags, 3, post_base_index, value, allow_huffman);
}

bool write_literal_literal_name(ByteWriter& w, bool never_indexed, ByteSpan name, ByteSpan value,
                                bool allow_huffman) {
  const std::size_t need =
      string_literal_size(name, 4, allow_huffman) + string_literal_size(value, 8, allow_huffman);
  if (w.remaining() < need) return false;
  const auto flags = static_cast<std::uint8_t>(0x20 | (never_indexed ? 0x10 : 0));
  (void)write_string_literal(w, flags, 4, name, allow_huffman);
  return write_string_literal(w, 0x00, 8, value, allow_huffman);
}

}  // namespace tquic::h3::qpack
