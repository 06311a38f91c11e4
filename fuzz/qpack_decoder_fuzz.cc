// QPACK field section decoder fuzzer.
//
// Input layout:
//   byte 0  settings: bits 0-1 SETTINGS_QPACK_MAX_TABLE_CAPACITY
//           {0, 64, 220, 4096}; bits 2-3 SETTINGS_QPACK_BLOCKED_STREAMS
//           {0, 1, 4, 100}; bits 4-5 SETTINGS_MAX_FIELD_SECTION_SIZE
//           {unlimited, 64, 1024, 16384}; bit 6: several sections, each
//           prefixed by a length byte (else the rest is one section);
//           bit 7: a tiny scratch buffer
//   byte 1  n: the next n bytes are encoder stream data applied first
//   rest    field section(s), decoded on streams 0, 4, 8, ...
//
// Checks: errors are QPACK_ENCODER_STREAM_ERROR (encoder stream) or
// QPACK_DECOMPRESSION_FAILED (sections), local only for the tiny scratch;
// outcomes are consistent (blocked sections deliver nothing, the blocked
// stream count stays within the setting). Every completely decoded section
// is re-encoded twice - static table only, and with a dynamic table whose
// encoder stream goes to a fresh decoder - and must decode to the same
// field lines, 'N' bits included. Traps on any mismatch.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "h3/h3_error.h"
#include "h3/qpack/decoder.h"
#include "h3/qpack/encoder.h"

namespace tquic::h3::qpack {
namespace {

void check(bool ok) {
  if (!ok) __builtin_trap();
}

struct Field {
  std::string name;
  std::string value;
  bool never_indexed;
  bool operator==(const Field&) const = default;
};

class Collect : public FieldSink {
 public:
  Status on_field(std::string_view n, std::string_view v, bool never_indexed) override {
    fields.push_back(Field{std::string(n), std::string(v), never_indexed});
    return ok_status();
  }
  std::vector<Field> fields;
};

DecoderSettings settings_from(std::uint8_t b) {
  static constexpr std::uint64_t kCapacity[] = {0, 64, 220, 4096};
  static constexpr std::uint64_t kBlocked[] = {0, 1, 4, 100};
  static constexpr std::uint64_t kMaxSection[] = {UINT64_MAX, 64, 1024, 16384};
  DecoderSettings s;
  s.max_table_capacity = kCapacity[b & 3];
  s.max_blocked_streams = kBlocked[(b >> 2) & 3];
  s.max_field_section_size = kMaxSection[(b >> 4) & 3];
  return s;
}

std::vector<Field> decode_all(Decoder& d, ByteSpan section) {
  Collect sink;
  std::vector<std::uint8_t> scratch(section.size() * 2 + 16);
  const auto out = d.decode_field_section(0, section, sink, scratch);
  check(out.ok() && out->status == DecodeStatus::complete);
  return sink.fields;
}

// Re-encodes `fields` and checks they decode back unchanged.
void round_trip(const std::vector<Field>& fields, std::uint64_t capacity) {
  std::vector<FieldLine> lines;
  for (const Field& f : fields) lines.push_back(FieldLine{f.name, f.value, f.never_indexed});
  EncoderOptions o;
  o.max_table_capacity = capacity;
  o.insert_policy = InsertPolicy::always;
  Encoder e(o);
  check(e.on_peer_settings(capacity, 1).ok());
  // Literals never take more than the strings plus a few bytes of integers.
  std::size_t room = 16;
  for (const Field& f : fields) room += f.name.size() + f.value.size() + 24;
  std::vector<std::uint8_t> section(room);
  std::vector<std::uint8_t> es(room);
  ByteWriter sw(section);
  ByteWriter ew(es);
  check(e.encode_field_section(0, lines, sw, ew).ok());
  DecoderSettings ds;
  ds.max_table_capacity = capacity;
  ds.max_blocked_streams = 1;
  Decoder d(ds);
  const auto consumed = d.on_encoder_stream(ew.data());
  check(consumed.ok() && *consumed == ew.written());
  check(decode_all(d, sw.data()) == fields);
}

void decode_one(Decoder& d, const DecoderSettings& s, std::uint64_t stream_id, ByteSpan section,
                bool tiny_scratch) {
  Collect sink;
  std::vector<std::uint8_t> scratch(tiny_scratch ? 3 : section.size() * 2 + 16);
  const auto out = d.decode_field_section(stream_id, section, sink, scratch);
  check(d.blocked_stream_count() <= s.max_blocked_streams);
  if (!out.ok()) {
    const Error& e = out.error();
    check(is_h3_error(e, H3Error::QPACK_DECOMPRESSION_FAILED) ||
          (tiny_scratch && e.kind == ErrorKind::local));
    return;
  }
  if (out->status == DecodeStatus::blocked) {
    check(sink.fields.empty() && out->required_insert_count > d.insert_count());
    return;
  }
  check(out->required_insert_count <= d.insert_count());
  check(out->field_count >= sink.fields.size());
  if (out->status == DecodeStatus::too_large) {
    check(out->field_section_size > s.max_field_section_size);
    return;
  }
  check(out->field_count == sink.fields.size());
  check(out->field_section_size <= s.max_field_section_size);
  // Table references can expand a few input bytes into megabytes; re-encode
  // only sections of reasonable size.
  if (out->field_section_size > (1u << 18)) return;
  round_trip(sink.fields, 0);
  round_trip(sink.fields, 4096);
}

}  // namespace
}  // namespace tquic::h3::qpack

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tquic;
  using namespace tquic::h3::qpack;
  if (size < 2) return 0;
  const DecoderSettings s = settings_from(data[0]);
  const bool several = (data[0] & 0x40) != 0;
  const bool tiny_scratch = (data[0] & 0x80) != 0;
  Decoder d(s);
  ByteReader r(ByteSpan(data + 2, size - 2));
  ByteSpan encoder_stream;
  (void)r.read_span(std::min<std::size_t>(data[1], r.remaining()), encoder_stream);
  const auto applied = d.on_encoder_stream(encoder_stream);
  check(applied.ok() ? *applied <= encoder_stream.size()
                     : h3::is_h3_error(applied.error(), h3::H3Error::QPACK_ENCODER_STREAM_ERROR));
  check(d.table().size() <= d.table().capacity());
  std::uint64_t stream_id = 0;
  while (!r.empty()) {
    ByteSpan section = r.rest();
    std::uint8_t len = 0;
    if (several && r.read_u8(len)) (void)r.read_span(std::min<std::size_t>(len, r.remaining()), section);
    else (void)r.skip(r.remaining());
    decode_one(d, s, stream_id, section, tiny_scratch);
    stream_id += 4;
  }
  return 0;
}
