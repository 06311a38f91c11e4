#include "h3/qpack/decoder.h"

#include <algorithm>

#include "h3/h3_error.h"
#include "h3/qpack/representation.h"
#include "h3/qpack/static_table.h"

namespace tquic::h3::qpack {

namespace {

constexpr Error decompression_failed(const char* why) {
  return h3_error(H3Error::QPACK_DECOMPRESSION_FAILED, why);
}

constexpr Error encoder_stream_error(const char* why) {
  return h3_error(H3Error::QPACK_ENCODER_STREAM_ERROR, why);
}

std::string_view as_view(ByteSpan b) {
  return std::string_view(reinterpret_cast<const char*>(b.data()), b.size());
}

ByteSpan as_bytes(std::string_view s) {
  return ByteSpan(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

DecoderSettings clamp(DecoderSettings s) {
  s.max_table_capacity = std::min(s.max_table_capacity, DynamicTable::kMaxSupportedCapacity);
  s.max_blocked_streams = std::min(s.max_blocked_streams, Decoder::kMaxSupportedBlockedStreams);
  return s;
}

}  // namespace

// ---- One field section (§4.5) ----------------------------------------------

class Decoder::SectionReader {
 public:
  SectionReader(const DynamicTable& table, std::uint64_t required_insert_count, std::uint64_t base,
                std::uint64_t limit, FieldSink& sink, MutByteSpan scratch)
      : table_(table), ric_(required_insert_count), base_(base), limit_(limit), sink_(sink),
        scratch_(scratch) {}

  Status read(ByteReader& r, DecodeOutcome& out) {
    while (!r.empty()) {
      FieldLineRepresentation rep;
      if (read_field_line(r, rep) != ParseStatus::ok)
        return decompression_failed("qpack: truncated or oversized field line");
      TQUIC_TRY(field_line(rep));
    }
    // §2.2.1: the Required Insert Count must be the smallest that works.
    if (largest_reference_ != ric_)
      return decompression_failed("qpack: Required Insert Count larger than referenced entries");
    out.status = too_large_ ? DecodeStatus::too_large : DecodeStatus::complete;
    out.required_insert_count = ric_;
    out.field_section_size = size_;
    out.field_count = count_;
    return ok_status();
  }

 private:
  // A string as delivered: its decoded size always, its bytes unless the
  // scratch buffer was too small or the section is already too large.
  struct Text {
    std::string_view view;
    std::size_t size = 0;
    bool stored = true;
  };

  Status field_line(const FieldLineRepresentation& rep);
  Status dynamic_entry(std::uint64_t absolute, DynamicTable::Entry& e);
  Status relative_entry(std::uint64_t index, DynamicTable::Entry& e);
  Status post_base_entry(std::uint64_t index, DynamicTable::Entry& e);
  Status name_reference(const FieldLineRepresentation& rep, std::string_view& name);
  Status literal(const StringLiteral& s, Text& out);
  Status emit(const Text& name, const Text& value, bool never_indexed);

  const DynamicTable& table_;
  const std::uint64_t ric_;
  const std::uint64_t base_;
  const std::uint64_t limit_;
  FieldSink& sink_;
  MutByteSpan scratch_;
  std::size_t scratch_used_ = 0;
  std::uint64_t largest_reference_ = 0;  // 1 + largest absolute index used
  std::uint64_t size_ = 0;
  std::size_t count_ = 0;
  bool too_large_ = false;
};

Status Decoder::SectionReader::dynamic_entry(std::uint64_t absolute, DynamicTable::Entry& e) {
  // §2.2.3: at or above the Required Insert Count, or already evicted.
  if (absolute >= ric_) return decompression_failed("qpack: reference beyond Required Insert Count");
  if (!table_.contains(absolute)) return decompression_failed("qpack: reference to evicted entry");
  largest_reference_ = std::max(largest_reference_, absolute + 1);
  e = table_.entry(absolute);
  return ok_status();
}

Status Decoder::SectionReader::relative_entry(std::uint64_t index, DynamicTable::Entry& e) {
  if (index >= base_) return decompression_failed("qpack: relative index beyond Base");
  return dynamic_entry(base_ - 1 - index, e);
}

Status Decoder::SectionReader::post_base_entry(std::uint64_t index, DynamicTable::Entry& e) {
  if (index >= ric_ || base_ >= ric_ - index)
    return decompression_failed("qpack: post-base index beyond Required Insert Count");
  return dynamic_entry(base_ + index, e);
}

Status Decoder::SectionReader::name_reference(const FieldLineRepresentation& rep,
                                              std::string_view& name) {
  DynamicTable::Entry e;
  if (rep.kind == FieldLineKind::literal_post_base_name_reference) {
    TQUIC_TRY(post_base_entry(rep.index, e));
  } else if (rep.is_static) {
    const StaticEntry* s = static_entry(rep.index);
    if (s == nullptr) return decompression_failed("qpack: static index out of range");
    name = s->name;
    return ok_status();
  } else {
    TQUIC_TRY(relative_entry(rep.index, e));
  }
  name = e.name;
  return ok_status();
}

Status Decoder::SectionReader::field_line(const FieldLineRepresentation& rep) {
  DynamicTable::Entry e;
  switch (rep.kind) {
    case FieldLineKind::indexed:
      if (rep.is_static) {
        const StaticEntry* s = static_entry(rep.index);
        if (s == nullptr) return decompression_failed("qpack: static index out of range");
        return emit(Text{s->name, s->name.size()}, Text{s->value, s->value.size()}, false);
      }
      TQUIC_TRY(relative_entry(rep.index, e));
      return emit(Text{e.name, e.name.size()}, Text{e.value, e.value.size()}, false);
    case FieldLineKind::indexed_post_base:
      TQUIC_TRY(post_base_entry(rep.index, e));
      return emit(Text{e.name, e.name.size()}, Text{e.value, e.value.size()}, false);
    case FieldLineKind::literal_name_reference:
    case FieldLineKind::literal_post_base_name_reference: {
      std::string_view name;
      TQUIC_TRY(name_reference(rep, name));
      Text value;
      TQUIC_TRY(literal(rep.value, value));
      return emit(Text{name, name.size()}, value, rep.never_indexed);
    }
    case FieldLineKind::literal_literal_name: {
      Text name;
      Text value;
      TQUIC_TRY(literal(rep.name, name));
      TQUIC_TRY(literal(rep.value, value));
      return emit(name, value, rep.never_indexed);
    }
  }
  return decompression_failed("qpack: unknown representation");
}

Status Decoder::SectionReader::literal(const StringLiteral& s, Text& out) {
  if (!s.huffman) {
    out = Text{as_view(s.encoded), s.encoded.size()};
    return ok_status();
  }
  if (!too_large_) {
    const MutByteSpan free = scratch_.subspan(scratch_used_);
    std::size_t n = 0;
    const HuffmanStatus st = huffman_decode(s.encoded, free, n);
    if (st == HuffmanStatus::invalid) return decompression_failed("qpack: invalid Huffman string");
    if (st == HuffmanStatus::ok) {
      scratch_used_ += n;
      out = Text{as_view(ByteSpan(free.data(), n)), n};
      return ok_status();
    }
  }
  // Too large already, or no room left: only validate and measure.
  std::size_t n = 0;
  if (!huffman_decoded_size(s.encoded, n)) return decompression_failed("qpack: invalid Huffman string");
  out = Text{std::string_view(), n, false};
  return ok_status();
}

Status Decoder::SectionReader::emit(const Text& name, const Text& value, bool never_indexed) {
  size_ += field_line_size(name.size, value.size);
  ++count_;
  if (size_ > limit_) too_large_ = true;
  if (too_large_) return ok_status();
  if (!name.stored || !value.stored) return Error::local("qpack: scratch buffer too small");
  return sink_.on_field(name.view, value.view, never_indexed);
}

// ---- Decoder ----------------------------------------------------------------

Decoder::Decoder(const DecoderSettings& settings)
    : settings_(clamp(settings)), table_(settings_.max_table_capacity),
      max_entries_(qpack::max_entries(settings_.max_table_capacity)) {
  blocked_.reserve(static_cast<std::size_t>(settings_.max_blocked_streams));
}

Result<DecodeOutcome> Decoder::decode_field_section(std::uint64_t stream_id, ByteSpan section,
                                                    FieldSink& sink, MutByteSpan scratch) {
  ByteReader r(section);
  SectionPrefix prefix;
  if (read_section_prefix(r, prefix) != ParseStatus::ok)
    return decompression_failed("qpack: truncated or oversized section prefix");
  std::uint64_t ric = 0;
  if (!decode_required_insert_count(prefix.encoded_insert_count, max_entries_,
                                    table_.insert_count(), ric))
    return decompression_failed("qpack: invalid Required Insert Count");
  if (ric > table_.insert_count()) {  // §2.1.2 blocked stream
    TQUIC_TRY(note_blocked(stream_id, ric));
    DecodeOutcome blocked;
    blocked.status = DecodeStatus::blocked;
    blocked.required_insert_count = ric;
    return blocked;
  }
  std::uint64_t base = 0;
  if (!decode_base(prefix, ric, base)) return decompression_failed("qpack: negative Base");
  forget_stream(stream_id);
  SectionReader reader(table_, ric, base, settings_.max_field_section_size, sink, scratch);
  DecodeOutcome out;
  TQUIC_TRY(reader.read(r, out));
  return out;
}

Status Decoder::note_blocked(std::uint64_t stream_id, std::uint64_t required_insert_count) {
  for (BlockedStream& b : blocked_) {
    if (b.stream_id == stream_id) {
      b.required_insert_count = required_insert_count;
      return ok_status();
    }
  }
  if (blocked_.size() >= settings_.max_blocked_streams)  // §2.1.2
    return decompression_failed("qpack: more blocked streams than SETTINGS_QPACK_BLOCKED_STREAMS");
  blocked_.push_back(BlockedStream{stream_id, required_insert_count});  // capacity reserved
  return ok_status();
}

void Decoder::forget_stream(std::uint64_t stream_id) {
  std::erase_if(blocked_, [&](const BlockedStream& b) { return b.stream_id == stream_id; });
}

std::size_t Decoder::unblocked_streams(std::span<std::uint64_t> out) const {
  std::size_t n = 0;
  for (const BlockedStream& b : blocked_) {
    if (n == out.size()) break;
    if (b.required_insert_count <= table_.insert_count()) out[n++] = b.stream_id;
  }
  return n;
}

// ---- Encoder stream (§4.3) --------------------------------------------------

Result<std::size_t> Decoder::on_encoder_stream(ByteSpan data) {
  ByteReader r(data);
  while (!r.empty()) {
    const std::uint64_t capacity = table_.capacity();
    const std::uint64_t max_string = capacity > kEntryOverhead ? capacity - kEntryOverhead : 0;
    EncoderInstruction ins;
    const ParseStatus s = read_encoder_instruction(r, max_string, ins);
    if (s == ParseStatus::truncated) break;
    if (s == ParseStatus::invalid)
      return encoder_stream_error("qpack: malformed or oversized encoder instruction");
    TQUIC_TRY(apply(ins));
  }
  return r.position();
}

Status Decoder::apply(const EncoderInstruction& ins) {
  switch (ins.kind) {
    case EncoderInstructionKind::set_dynamic_table_capacity:
      if (ins.value > settings_.max_table_capacity)  // §4.3.1
        return encoder_stream_error("qpack: capacity above SETTINGS_QPACK_MAX_TABLE_CAPACITY");
      (void)table_.set_capacity(ins.value);
      return ok_status();
    case EncoderInstructionKind::insert_with_name_reference:
      return insert_with_name_reference(ins);
    case EncoderInstructionKind::insert_with_literal_name:
      return insert_with_literal_name(ins);
    case EncoderInstructionKind::duplicate: {
      if (ins.value >= table_.insert_count())
        return encoder_stream_error("qpack: duplicate of a nonexistent entry");
      const std::uint64_t absolute = table_.insert_count() - 1 - ins.value;
      if (!table_.contains(absolute)) return encoder_stream_error("qpack: duplicate of evicted entry");
      if (!table_.duplicate(absolute)) return encoder_stream_error("qpack: duplicate does not fit");
      return ok_status();
    }
  }
  return encoder_stream_error("qpack: unknown encoder instruction");
}

Status Decoder::insert_with_name_reference(const EncoderInstruction& ins) {
  ByteSpan name;
  if (ins.is_static) {
    const StaticEntry* s = static_entry(ins.value);
    if (s == nullptr) return encoder_stream_error("qpack: static index out of range");
    name = as_bytes(s->name);
  } else {
    if (ins.value >= table_.insert_count())
      return encoder_stream_error("qpack: name reference to a nonexistent entry");
    const std::uint64_t absolute = table_.insert_count() - 1 - ins.value;
    if (!table_.contains(absolute)) return encoder_stream_error("qpack: name reference to evicted entry");
    name = as_bytes(table_.entry(absolute).name);
  }
  std::size_t value_size = 0;
  if (!string_literal_decoded_size(ins.field_value, value_size))
    return encoder_stream_error("qpack: invalid Huffman string");
  if (entry_size(name.size(), value_size) > table_.capacity())  // §3.2.2
    return encoder_stream_error("qpack: entry larger than the table capacity");
  MutByteSpan value_slot;
  if (!table_.insert_with_value_slot(name, value_size, value_slot) ||
      !decode_string_literal_into(ins.field_value, value_slot))
    return encoder_stream_error("qpack: insert failed");
  return ok_status();
}

Status Decoder::insert_with_literal_name(const EncoderInstruction& ins) {
  std::size_t name_size = 0;
  std::size_t value_size = 0;
  if (!string_literal_decoded_size(ins.name, name_size) ||
      !string_literal_decoded_size(ins.field_value, value_size))
    return encoder_stream_error("qpack: invalid Huffman string");
  if (entry_size(name_size, value_size) > table_.capacity())  // §3.2.2
    return encoder_stream_error("qpack: entry larger than the table capacity");
  MutByteSpan bytes;
  if (!table_.insert_reserved(name_size, value_size, bytes) ||
      !decode_string_literal_into(ins.name, bytes.first(name_size)) ||
      !decode_string_literal_into(ins.field_value, bytes.subspan(name_size)))
    return encoder_stream_error("qpack: insert failed");
  return ok_status();
}

// ---- Decoder stream (§4.4) --------------------------------------------------

bool Decoder::write_section_acknowledgment(ByteWriter& w, std::uint64_t stream_id,
                                           std::uint64_t required_insert_count) {
  if (!qpack::write_section_acknowledgment(w, stream_id)) return false;
  // §2.1.4: the acknowledged section's Required Insert Count is now known.
  const std::uint64_t ric = std::min(required_insert_count, table_.insert_count());
  known_received_count_ = std::max(known_received_count_, ric);
  return true;
}

bool Decoder::write_insert_count_increment(ByteWriter& w) {
  const std::uint64_t increment = pending_insert_count_increment();
  if (increment == 0) return true;
  if (!qpack::write_insert_count_increment(w, increment)) return false;
  known_received_count_ = table_.insert_count();
  return true;
}

bool Decoder::write_stream_cancellation(ByteWriter& w, std::uint64_t stream_id) {
  if (!qpack::write_stream_cancellation(w, stream_id)) return false;
  forget_stream(stream_id);
  return true;
}

}  // namespace tquic::h3::qpack
