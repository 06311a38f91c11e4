// QPACK encoder (RFC 9204 §2.1), sans-I/O, single pass (Appendix C).
//
//   Encoder e(options);                       // memory taken here, once
//   e.on_peer_settings(max_table_capacity, blocked_streams);
//   e.encode_field_section(stream_id, fields, section_writer, encoder_stream_writer)
//   e.on_decoder_stream(bytes)   -> bytes consumed (keep the rest)
//
// Without a dynamic table (options.max_table_capacity == 0, or before the
// peer's SETTINGS allow one) only the static table and literals are used:
// sections never block and the encoder stream stays empty.
//
// With a dynamic table the encoder inserts field lines worth indexing
// (by default: those seen before, a small hash filter; never 'N' lines),
// honours the peer's capacity and SETTINGS_QPACK_BLOCKED_STREAMS, tracks the
// Known Received Count from decoder instructions, never evicts an entry that
// is unacknowledged or still referenced by an unacknowledged section, and
// stops referencing the oldest entries (draining index, §2.1.1.1) so that a
// third of the table can always be reclaimed; a wanted draining entry is
// duplicated instead. Instructions go to the encoder stream writer only when
// they fit whole (the caller sizes it by the stream's flow-control credit,
// §2.1.3); when they do not, the field line is simply sent as a literal.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "h3/qpack/dynamic_table.h"
#include "h3/qpack/field_line.h"
#include "h3/qpack/instructions.h"

namespace tquic::h3::qpack {

enum class InsertPolicy : std::uint8_t {
  repeated,  // insert a field line the second time it is seen (default)
  always,    // insert every field line that may be inserted
};

struct EncoderOptions {
  // Largest dynamic table this encoder will use (the table memory is taken
  // at construction); the capacity used is min(this, the peer's setting).
  // 0 = static table only.
  std::uint64_t max_table_capacity = 0;
  // Sections with dynamic references awaiting acknowledgment that are
  // tracked at once; beyond that, sections use no dynamic references.
  std::size_t max_unacknowledged_sections = 64;
  InsertPolicy insert_policy = InsertPolicy::repeated;
  bool use_huffman = true;  // Huffman-code strings whenever that is shorter
};

struct EncodeOutcome {
  std::uint64_t required_insert_count = 0;
  std::size_t section_size = 0;         // bytes appended to the section writer
  std::size_t encoder_stream_size = 0;  // bytes appended to the encoder stream writer
  bool may_block = false;               // references entries not yet acknowledged
};

class Encoder {
 public:
  explicit Encoder(const EncoderOptions& options = {});

  // The peer's SETTINGS_QPACK_MAX_TABLE_CAPACITY and
  // SETTINGS_QPACK_BLOCKED_STREAMS (both 0 until its SETTINGS arrive; a
  // 0-RTT client may first apply the remembered values). Once the dynamic
  // table is in use its maximum capacity cannot change: a different value
  // is QPACK_DECODER_STREAM_ERROR (RFC 9204 §3.2.3).
  Status on_peer_settings(std::uint64_t max_table_capacity, std::uint64_t max_blocked_streams);

  // Encodes `fields` in order (§2.1) into `section`; inserts go to
  // `encoder_stream` and must reach the peer (they are valid even if this
  // call fails). Error::local if `section` is too small; then nothing is
  // appended to it.
  Result<EncodeOutcome> encode_field_section(std::uint64_t stream_id,
                                             std::span<const FieldLine> fields, ByteWriter& section,
                                             ByteWriter& encoder_stream);

  // Speculative insert (§2.1: an encoder may insert any entry). False if the
  // dynamic table is unusable, the entry does not fit without evicting a
  // protected entry, or the instruction does not fit in `encoder_stream`.
  bool insert(std::string_view name, std::string_view value, ByteWriter& encoder_stream);

  // Applies every complete decoder instruction (§4.4); returns the bytes
  // consumed. Errors: QPACK_DECODER_STREAM_ERROR.
  Result<std::size_t> on_decoder_stream(ByteSpan data);

  std::uint64_t known_received_count() const { return known_received_count_; }
  std::uint64_t insert_count() const { return table_.insert_count(); }
  std::size_t unacknowledged_sections() const { return sections_.size(); }
  std::size_t blocking_stream_count() const;
  const DynamicTable& table() const { return table_; }

 private:
  static constexpr std::uint64_t kNone = UINT64_MAX;

  struct Section {  // an unacknowledged section with dynamic references
    std::uint64_t stream_id;
    std::uint64_t required_insert_count;
    std::uint64_t min_reference;  // smallest absolute index it references
  };
  struct SectionState {
    std::uint64_t base = 0;
    std::uint64_t draining_index = 0;
    std::uint64_t required_insert_count = 0;
    std::uint64_t min_reference = kNone;
    bool dynamic = false;
    bool may_block = false;
  };
  struct Match {
    std::uint64_t usable_exact = kNone;  // newest referenceable name+value match
    std::uint64_t any_exact = kNone;     // newest name+value match
    std::uint64_t usable_name = kNone;
    std::uint64_t any_name = kNone;
  };

  bool dynamic_allowed() const;
  SectionState begin_section(std::uint64_t stream_id) const;
  std::uint64_t draining_index() const;
  std::uint64_t evictable_limit(const SectionState& st) const;
  bool stream_is_blocking(std::uint64_t stream_id) const;
  Match find_dynamic(const FieldLine& f, const SectionState& st) const;
  bool worth_inserting(const FieldLine& f);
  bool encode_line(const FieldLine& f, SectionState& st, ByteWriter& lines, ByteWriter& es);
  std::uint64_t maybe_insert(const FieldLine& f, std::uint32_t static_name, const Match& m,
                             const SectionState& st, ByteWriter& es);
  bool insert_entry(const FieldLine& f, std::uint32_t static_name, std::uint64_t duplicate_of,
                    std::uint64_t name_of, std::uint64_t evictable_below, ByteWriter& es);
  bool ensure_capacity(ByteWriter& es);
  void record_entry_hashes();
  bool write_reference(ByteWriter& lines, std::uint64_t absolute, SectionState& st);
  bool write_literal(ByteWriter& lines, const FieldLine& f, std::uint32_t static_name,
                     std::uint64_t dynamic_name, SectionState& st);
  Status apply(const DecoderInstruction& ins);

  EncoderOptions options_;
  DynamicTable table_;
  std::uint64_t peer_max_table_capacity_ = 0;
  std::uint64_t peer_max_blocked_streams_ = 0;
  std::uint64_t max_entries_ = 0;  // MaxEntries of §4.5.1.1, from the peer's setting
  std::uint64_t known_received_count_ = 0;
  std::vector<Section> sections_;  // capacity reserved, oldest first
  std::vector<std::uint64_t> name_hashes_;   // per live entry, by absolute index
  std::vector<std::uint64_t> field_hashes_;  // modulo the slot count
  std::array<std::uint64_t, 256> seen_{};    // InsertPolicy::repeated filter
};

}  // namespace tquic::h3::qpack
