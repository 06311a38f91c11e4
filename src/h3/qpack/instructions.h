// Encoder stream (RFC 9204 §4.3) and decoder stream (§4.4) instructions.
// Both streams are unframed byte sequences; readers return `truncated`
// (reader unmoved) when an instruction is split across deliveries.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "h3/qpack/prefixed_integer.h"
#include "h3/qpack/string_literal.h"

namespace tquic::h3::qpack {

// ---- Encoder instructions (§4.3) --------------------------------------------

enum class EncoderInstructionKind : std::uint8_t {
  set_dynamic_table_capacity,  // 001xxxxx            §4.3.1
  insert_with_name_reference,  // 1Txxxxxx + value    §4.3.2
  insert_with_literal_name,    // 01Hxxxxx + name + value  §4.3.3
  duplicate,                   // 000xxxxx            §4.3.4
};

struct EncoderInstruction {
  EncoderInstructionKind kind = EncoderInstructionKind::duplicate;
  bool is_static = false;   // 'T' of insert_with_name_reference
  std::uint64_t value = 0;  // capacity, name index or relative index
  StringLiteral name;       // insert_with_literal_name
  StringLiteral field_value;  // both inserts
};

// Reads one instruction. Strings whose decoded length would exceed
// `max_string_size` (the table capacity minus 32: no entry could hold
// them) are `invalid` as soon as their length has arrived.
ParseStatus read_encoder_instruction(ByteReader& r, std::uint64_t max_string_size,
                                     EncoderInstruction& out);

// Writers: all or nothing, false if the writer is too small. Strings are
// Huffman-coded when that is shorter, unless !allow_huffman.
bool write_set_dynamic_table_capacity(ByteWriter& w, std::uint64_t capacity);
bool write_insert_with_name_reference(ByteWriter& w, bool is_static, std::uint64_t name_index,
                                      ByteSpan value, bool allow_huffman = true);
bool write_insert_with_literal_name(ByteWriter& w, ByteSpan name, ByteSpan value,
                                    bool allow_huffman = true);
bool write_duplicate(ByteWriter& w, std::uint64_t relative_index);

// ---- Decoder instructions (§4.4) --------------------------------------------

enum class DecoderInstructionKind : std::uint8_t {
  section_acknowledgment,  // 1xxxxxxx  §4.4.1
  stream_cancellation,     // 01xxxxxx  §4.4.2
  insert_count_increment,  // 00xxxxxx  §4.4.3
};

struct DecoderInstruction {
  DecoderInstructionKind kind = DecoderInstructionKind::insert_count_increment;
  std::uint64_t value = 0;  // stream ID or increment
};

ParseStatus read_decoder_instruction(ByteReader& r, DecoderInstruction& out);

bool write_section_acknowledgment(ByteWriter& w, std::uint64_t stream_id);
bool write_stream_cancellation(ByteWriter& w, std::uint64_t stream_id);
bool write_insert_count_increment(ByteWriter& w, std::uint64_t increment);

}  // namespace tquic::h3::qpack
