#include "h3/qpack/instructions.h"

namespace tquic::h3::qpack {

namespace {

ParseStatus read_name_reference_insert(ByteReader& r, std::uint8_t first,
                                       std::uint64_t max_string_size, EncoderInstruction& out) {
  ByteReader cur = r;
  out.kind = EncoderInstructionKind::insert_with_name_reference;
  out.is_static = (first & 0x40) != 0;
  ParseStatus s = read_prefixed_integer(cur, 6, out.value);
  if (s != ParseStatus::ok) return s;
  s = read_string_literal(cur, 8, max_string_size, out.field_value);
  if (s != ParseStatus::ok) return s;
  r = cur;
  return ParseStatus::ok;
}

ParseStatus read_literal_name_insert(ByteReader& r, std::uint64_t max_string_size,
                                     EncoderInstruction& out) {
  ByteReader cur = r;
  out.kind = EncoderInstructionKind::insert_with_literal_name;
  ParseStatus s = read_string_literal(cur, 6, max_string_size, out.name);
  if (s != ParseStatus::ok) return s;
  s = read_string_literal(cur, 8, max_string_size, out.field_value);
  if (s != ParseStatus::ok) return s;
  r = cur;
  return ParseStatus::ok;
}

}  // namespace

ParseStatus read_encoder_instruction(ByteReader& r, std::uint64_t max_string_size,
                                     EncoderInstruction& out) {
  std::uint8_t b = 0;
  if (!r.peek_u8(b)) return ParseStatus::truncated;
  out = EncoderInstruction{};
  if (b & 0x80) return read_name_reference_insert(r, b, max_string_size, out);
  if (b & 0x40) return read_literal_name_insert(r, max_string_size, out);
  out.kind = (b & 0x20) ? EncoderInstructionKind::set_dynamic_table_capacity
                        : EncoderInstructionKind::duplicate;
  return read_prefixed_integer(r, 5, out.value);
}

bool write_set_dynamic_table_capacity(ByteWriter& w, std::uint64_t capacity) {
  return write_prefixed_integer(w, 0x20, 5, capacity);
}

bool write_insert_with_name_reference(ByteWriter& w, bool is_static, std::uint64_t name_index,
                                      ByteSpan value, bool allow_huffman) {
  if (name_index > kPrefixedIntegerMax) return false;
  const std::size_t need =
      prefixed_integer_size(name_index, 6) + string_literal_size(value, 8, allow_huffman);
  if (w.remaining() < need) return false;
  (void)write_prefixed_integer(w, static_cast<std::uint8_t>(is_static ? 0xc0 : 0x80), 6,
                               name_index);
  return write_string_literal(w, 0x00, 8, value, allow_huffman);
}

bool write_insert_with_literal_name(ByteWriter& w, ByteSpan name, ByteSpan value,
                                    bool allow_huffman) {
  const std::size_t need =
      string_literal_size(name, 6, allow_huffman) + string_literal_size(value, 8, allow_huffman);
  if (w.remaining() < need) return false;
  (void)write_string_literal(w, 0x40, 6, name, allow_huffman);
  return write_string_literal(w, 0x00, 8, value, allow_huffman);
}

bool write_duplicate(ByteWriter& w, std::uint64_t relative_index) {
  return write_prefixed_integer(w, 0x00, 5, relative_index);
}

ParseStatus read_decoder_instruction(ByteReader& r, DecoderInstruction& out) {
  std::uint8_t b = 0;
  if (!r.peek_u8(b)) return ParseStatus::truncated;
  if (b & 0x80) {
    out.kind = DecoderInstructionKind::section_acknowledgment;
    return read_prefixed_integer(r, 7, out.value);
  }
  out.kind = (b & 0x40) ? DecoderInstructionKind::stream_cancellation
                        : DecoderInstructionKind::insert_count_increment;
  return read_prefixed_integer(r, 6, out.value);
}

bool write_section_acknowledgment(ByteWriter& w, std::uint64_t stream_id) {
  return write_prefixed_integer(w, 0x80, 7, stream_id);
}

bool write_stream_cancellation(ByteWriter& w, std::uint64_t stream_id) {
  return write_prefixed_integer(w, 0x40, 6, stream_id);
}

bool write_insert_count_increment(ByteWriter& w, std::uint64_t increment) {
  return write_prefixed_integer(w, 0x00, 6, increment);
}

}  // namespace tquic::h3::qpack
