// Wire format of encoded field sections (RFC 9204 §4.5): the section
// prefix (Required Insert Count and Base, §4.5.1) and the five field line
// representations (§4.5.2 - §4.5.6). Pure codecs: table lookups and
// validation against table state belong to the decoder / encoder.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "h3/qpack/prefixed_integer.h"
#include "h3/qpack/string_literal.h"

namespace tquic::h3::qpack {

// ---- Section prefix (§4.5.1) ------------------------------------------------

struct SectionPrefix {
  std::uint64_t encoded_insert_count = 0;
  bool sign = false;  // 'S': Base = RIC - Delta Base - 1
  std::uint64_t delta_base = 0;
};

ParseStatus read_section_prefix(ByteReader& r, SectionPrefix& out);

// §4.5.1.1 encoding of the Required Insert Count.
std::uint64_t encode_required_insert_count(std::uint64_t required_insert_count,
                                           std::uint64_t max_entries);

// §4.5.1.1 reconstruction; false if `encoded` could not have come from a
// conformant encoder (QPACK_DECOMPRESSION_FAILED).
bool decode_required_insert_count(std::uint64_t encoded, std::uint64_t max_entries,
                                  std::uint64_t total_inserts, std::uint64_t& required_insert_count);

// §4.5.1.2: Base from the sign and Delta Base; false if it would be negative.
bool decode_base(const SectionPrefix& p, std::uint64_t required_insert_count, std::uint64_t& base);

// Bytes the prefix takes; at most section_prefix_size_bound().
std::size_t section_prefix_size(std::uint64_t required_insert_count, std::uint64_t base,
                                std::uint64_t max_entries);
// Upper bound of section_prefix_size() for this max_entries and any
// |Base - Required Insert Count| <= delta_bound.
std::size_t section_prefix_size_bound(std::uint64_t max_entries, std::uint64_t delta_bound);
bool write_section_prefix(ByteWriter& w, std::uint64_t required_insert_count, std::uint64_t base,
                          std::uint64_t max_entries);

// ---- Field line representations (§4.5.2 - §4.5.6) ----------------------------

enum class FieldLineKind : std::uint8_t {
  indexed,                        // 1Txxxxxx                 §4.5.2
  indexed_post_base,              // 0001xxxx                 §4.5.3
  literal_name_reference,         // 01NTxxxx + value         §4.5.4
  literal_post_base_name_reference,  // 0000Nxxx + value      §4.5.5
  literal_literal_name,           // 001NHxxx + name + value  §4.5.6
};

struct FieldLineRepresentation {
  FieldLineKind kind = FieldLineKind::indexed;
  bool is_static = false;      // 'T' (indexed, literal_name_reference)
  bool never_indexed = false;  // 'N' (literals)
  std::uint64_t index = 0;     // static, relative or post-base index
  StringLiteral name;          // literal_literal_name only
  StringLiteral value;         // literals only
};

// Reads one representation. Inside a section `truncated` means malformed.
ParseStatus read_field_line(ByteReader& r, FieldLineRepresentation& out);

// Writers; each writes all or nothing (false if the writer is too small).
// Strings are Huffman-coded when that is shorter, unless !allow_huffman.
bool write_indexed(ByteWriter& w, bool is_static, std::uint64_t index);
bool write_indexed_post_base(ByteWriter& w, std::uint64_t post_base_index);
bool write_literal_name_reference(ByteWriter& w, bool never_indexed, bool is_static,
                                  std::uint64_t index, ByteSpan value, bool allow_huffman = true);
bool write_literal_post_base_name_reference(ByteWriter& w, bool never_indexed,
                                            std::uint64_t post_base_index, ByteSpan value,
                                            bool allow_huffman = true);
bool write_literal_literal_name(ByteWriter& w, bool never_indexed, ByteSpan name, ByteSpan value,
                                bool allow_huffman = true);

}  // namespace tquic::h3::qpack
