// QPACK encoder stream fuzzer: encoder instructions applied to a decoder's
// dynamic table, then one field section decoded against that table.
//
// Input layout:
//   byte 0     bits 0-1 SETTINGS_QPACK_MAX_TABLE_CAPACITY {0, 64, 220, 4096};
//              bits 2-3 SETTINGS_QPACK_BLOCKED_STREAMS {0, 1, 4, 100};
//              bits 4-7 chunk size - 1 for the split delivery
//   bytes 1-2  L, big-endian: the next L bytes are the encoder stream
//   rest       one field section (stream 0)
//
// Checks:
//  - the stream applied in one call and delivered in small chunks (keeping
//    unconsumed bytes, as a transport would) give the same result: both fail
//    with QPACK_ENCODER_STREAM_ERROR, or both leave identical tables and the
//    same unconsumed tail;
//  - the table never exceeds its capacity;
//  - the section decodes identically on both tables (or fails with
//    QPACK_DECOMPRESSION_FAILED on both);
//  - round trip: an Encoder re-inserting every live entry (acknowledged as
//    it goes) rebuilds an identical table in a fresh decoder.
// Traps on any mismatch.
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

class Collect : public FieldSink {
 public:
  Status on_field(std::string_view n, std::string_view v, bool never_indexed) override {
    text.append(n).append(1, '\0').append(v).append(1, never_indexed ? '\1' : '\2');
    return ok_status();
  }
  std::string text;
};

bool same_tables(const DynamicTable& a, const DynamicTable& b) {
  if (a.size() != b.size() || a.capacity() != b.capacity() || a.entry_count() != b.entry_count())
    return false;
  const std::uint64_t shift_a = a.dropped_count();
  const std::uint64_t shift_b = b.dropped_count();
  for (std::size_t i = 0; i < a.entry_count(); ++i) {
    const auto ea = a.entry(shift_a + i);
    const auto eb = b.entry(shift_b + i);
    if (ea.name != eb.name || ea.value != eb.value) return false;
  }
  return true;
}

// Applies `stream` in chunks of `chunk` bytes; returns bytes left unconsumed
// or an error.
Result<std::size_t> apply_in_chunks(Decoder& d, ByteSpan stream, std::size_t chunk) {
  std::vector<std::uint8_t> pending;
  for (std::size_t pos = 0; pos < stream.size(); pos += chunk) {
    const ByteSpan piece = stream.subspan(pos, std::min(chunk, stream.size() - pos));
    pending.insert(pending.end(), piece.begin(), piece.end());
    const auto used = d.on_encoder_stream(pending);
    if (!used) return used.error();
    pending.erase(pending.begin(), pending.begin() + static_cast<long>(*used));
  }
  return pending.size();
}

// Rebuilds `source`'s live entries through an Encoder and a fresh Decoder.
void rebuild(const DynamicTable& source, const DecoderSettings& s) {
  if (source.entry_count() == 0) return;
  EncoderOptions o;
  o.max_table_capacity = source.capacity();
  Encoder e(o);
  check(e.on_peer_settings(s.max_table_capacity, s.max_blocked_streams).ok());
  Decoder d(s);
  std::vector<std::uint8_t> buf(2 * source.capacity() + 64);
  for (std::uint64_t i = source.dropped_count(); i < source.insert_count(); ++i) {
    const auto entry = source.entry(i);
    ByteWriter w(buf);
    check(e.insert(entry.name, entry.value, w));
    const auto used = d.on_encoder_stream(w.data());
    check(used.ok() && *used == w.written());
    ByteWriter ack(buf);
    check(d.write_insert_count_increment(ack));
    const auto acked = e.on_decoder_stream(ack.data());
    check(acked.ok() && *acked == ack.written());
  }
  check(same_tables(source, d.table()));
  check(same_tables(source, e.table()));
}

void decode_on_both(Decoder& a, Decoder& b, ByteSpan section) {
  Collect sink_a;
  Collect sink_b;
  std::vector<std::uint8_t> scratch(section.size() * 2 + 16);
  const auto ra = a.decode_field_section(0, section, sink_a, scratch);
  const auto rb = b.decode_field_section(0, section, sink_b, scratch);
  check(ra.ok() == rb.ok());
  if (!ra.ok()) {
    check(h3::is_h3_error(ra.error(), h3::H3Error::QPACK_DECOMPRESSION_FAILED));
    check(h3::is_h3_error(rb.error(), h3::H3Error::QPACK_DECOMPRESSION_FAILED));
    return;
  }
  check(ra->status == rb->status && ra->required_insert_count == rb->required_insert_count);
  check(sink_a.text == sink_b.text);
}

}  // namespace
}  // namespace tquic::h3::qpack

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tquic;
  using namespace tquic::h3::qpack;
  if (size < 3) return 0;
  static constexpr std::uint64_t kCapacity[] = {0, 64, 220, 4096};
  static constexpr std::uint64_t kBlocked[] = {0, 1, 4, 100};
  DecoderSettings s;
  s.max_table_capacity = kCapacity[data[0] & 3];
  s.max_blocked_streams = kBlocked[(data[0] >> 2) & 3];
  const std::size_t chunk = 1u + (data[0] >> 4);
  const std::size_t length = std::min<std::size_t>((std::size_t{data[1]} << 8) | data[2], size - 3);
  const ByteSpan stream(data + 3, length);
  const ByteSpan section(data + 3 + length, size - 3 - length);

  Decoder whole(s);
  Decoder split(s);
  const auto used = whole.on_encoder_stream(stream);
  const auto left = apply_in_chunks(split, stream, chunk);
  check(used.ok() == left.ok());
  if (!used.ok()) {
    check(h3::is_h3_error(used.error(), h3::H3Error::QPACK_ENCODER_STREAM_ERROR));
    check(h3::is_h3_error(left.error(), h3::H3Error::QPACK_ENCODER_STREAM_ERROR));
    return 0;
  }
  check(*used + *left == stream.size());
  check(same_tables(whole.table(), split.table()));
  check(whole.table().size() <= whole.table().capacity());
  decode_on_both(whole, split, section);
  rebuild(whole.table(), s);
  return 0;
}
