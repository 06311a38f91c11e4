#include "h3/qpack/encoder.h"

#include <algorithm>
#include <cstring>

#include "h3/h3_error.h"
#include "h3/qpack/representation.h"
#include "h3/qpack/static_table.h"

namespace tquic::h3::qpack {

namespace {

constexpr Error decoder_stream_error(const char* why) {
  return h3_error(H3Error::QPACK_DECODER_STREAM_ERROR, why);
}

ByteSpan as_bytes(std::string_view s) {
  return ByteSpan(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
}

// FNV-1a; only used to skip string comparisons, never trusted alone.
std::uint64_t hash_name(std::string_view name) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (const char c : name) h = (h ^ static_cast<std::uint8_t>(c)) * 0x100000001b3ull;
  return h;
}

std::uint64_t hash_field(std::string_view name, std::string_view value) {
  std::uint64_t h = hash_name(name) ^ (name.size() * 0x9e3779b97f4a7c15ull);
  for (const char c : value) h = (h ^ static_cast<std::uint8_t>(c)) * 0x100000001b3ull;
  return h | 1;  // never 0, the filter's "empty"
}

constexpr std::uint32_t kNoStatic = StaticMatch::kNone;

}  // namespace

Encoder::Encoder(const EncoderOptions& options)
    : options_(options), table_(options.max_table_capacity) {
  sections_.reserve(options_.max_unacknowledged_sections);
  const std::size_t slots =
      static_cast<std::size_t>(std::max<std::uint64_t>(1, max_entries(table_.max_capacity())));
  name_hashes_.assign(slots, 0);
  field_hashes_.assign(slots, 0);
}

Status Encoder::on_peer_settings(std::uint64_t max_table_capacity,
                                 std::uint64_t max_blocked_streams) {
  if (table_.capacity() > 0 && max_table_capacity != peer_max_table_capacity_)
    return decoder_stream_error("qpack: SETTINGS_QPACK_MAX_TABLE_CAPACITY changed while in use");
  peer_max_table_capacity_ = max_table_capacity;
  peer_max_blocked_streams_ = max_blocked_streams;
  max_entries_ = max_entries(max_table_capacity);
  return ok_status();
}

bool Encoder::dynamic_allowed() const {
  return table_.max_capacity() >= kEntryOverhead && max_entries_ > 0;
}

// ---- Bookkeeping ------------------------------------------------------------

bool Encoder::stream_is_blocking(std::uint64_t stream_id) const {
  return std::any_of(sections_.begin(), sections_.end(), [&](const Section& s) {
    return s.stream_id == stream_id && s.required_insert_count > known_received_count_;
  });
}

std::size_t Encoder::blocking_stream_count() const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < sections_.size(); ++i) {
    if (sections_[i].required_insert_count <= known_received_count_) continue;
    bool counted = false;
    for (std::size_t j = 0; j < i && !counted; ++j)
      counted = sections_[j].stream_id == sections_[i].stream_id &&
                sections_[j].required_insert_count > known_received_count_;
    if (!counted) ++n;
  }
  return n;
}

// §2.1.1.1: the oldest entries, up to the point where a third of the
// capacity is free or reclaimable, are no longer referenced.
std::uint64_t Encoder::draining_index() const {
  const std::uint64_t target = table_.capacity() / 3;
  std::uint64_t reclaimable = table_.capacity() - table_.size();
  std::uint64_t index = table_.dropped_count();
  while (reclaimable < target && index < table_.insert_count())
    reclaimable += table_.entry(index++).size;
  return index;
}

// Entries below this absolute index may be evicted (§2.1.1): acknowledged,
// and referenced by no unacknowledged section nor by the one being built.
std::uint64_t Encoder::evictable_limit(const SectionState& st) const {
  std::uint64_t limit = std::min(known_received_count_, st.min_reference);
  for (const Section& s : sections_) limit = std::min(limit, s.min_reference);
  return limit;
}

Encoder::SectionState Encoder::begin_section(std::uint64_t stream_id) const {
  SectionState st;
  st.base = table_.insert_count();
  st.dynamic = dynamic_allowed() && sections_.size() < options_.max_unacknowledged_sections;
  if (!st.dynamic) return st;
  st.draining_index = draining_index();
  // §2.1.2: this stream may block if it already does, or if the budget of
  // SETTINGS_QPACK_BLOCKED_STREAMS has room for one more.
  st.may_block = stream_is_blocking(stream_id) ||
                 blocking_stream_count() < peer_max_blocked_streams_;
  return st;
}

Encoder::Match Encoder::find_dynamic(const FieldLine& f, const SectionState& st) const {
  Match m;
  const std::uint64_t nh = hash_name(f.name);
  const std::uint64_t fh = hash_field(f.name, f.value);
  for (std::uint64_t abs = table_.insert_count(); abs-- > table_.dropped_count();) {
    const std::size_t slot = static_cast<std::size_t>(abs % field_hashes_.size());
    const bool usable = abs >= st.draining_index && (abs < known_received_count_ || st.may_block);
    if (name_hashes_[slot] != nh) continue;
    const DynamicTable::Entry e = table_.entry(abs);
    if (e.name != f.name) continue;
    if (m.any_name == kNone) m.any_name = abs;
    if (usable && m.usable_name == kNone) m.usable_name = abs;
    if (field_hashes_[slot] != fh || e.value != f.value) continue;
    if (m.any_exact == kNone) m.any_exact = abs;
    if (usable) {
      m.usable_exact = abs;
      break;
    }
  }
  return m;
}

// ---- Inserting --------------------------------------------------------------

bool Encoder::worth_inserting(const FieldLine& f) {
  if (options_.insert_policy == InsertPolicy::always) return true;
  const std::uint64_t h = hash_field(f.name, f.value);
  std::uint64_t& slot = seen_[h % seen_.size()];
  if (slot == h) return true;
  slot = h;
  return false;
}

bool Encoder::ensure_capacity(ByteWriter& es) {
  const std::uint64_t target = std::min(table_.max_capacity(), peer_max_table_capacity_);
  if (table_.capacity() == target) return target > 0;
  // Only ever raised from 0, so no entry is evicted by it.
  if (!write_set_dynamic_table_capacity(es, target)) return false;
  return table_.set_capacity(target);
}

void Encoder::record_entry_hashes() {
  const std::uint64_t abs = table_.insert_count() - 1;
  const DynamicTable::Entry e = table_.entry(abs);
  const std::size_t slot = static_cast<std::size_t>(abs % field_hashes_.size());
  name_hashes_[slot] = hash_name(e.name);
  field_hashes_[slot] = hash_field(e.name, e.value);
}

bool Encoder::insert_entry(const FieldLine& f, std::uint32_t static_name,
                           std::uint64_t duplicate_of, std::uint64_t name_of,
                           std::uint64_t evictable_below, ByteWriter& es) {
  if (!dynamic_allowed()) return false;
  if (!ensure_capacity(es)) return false;
  std::size_t evictions = 0;
  if (!table_.evictions_for(entry_size(f.name.size(), f.value.size()), evictions)) return false;
  if (evictions > 0 && table_.dropped_count() + evictions > evictable_below) return false;
  const std::uint64_t newest = table_.insert_count() - 1;  // relative index base (§3.2.5)
  const bool huff = options_.use_huffman;
  bool written = false;
  if (duplicate_of != kNone) written = write_duplicate(es, newest - duplicate_of);
  else if (static_name != kNoStatic)
    written = write_insert_with_name_reference(es, true, static_name, as_bytes(f.value), huff);
  else if (name_of != kNone)
    written = write_insert_with_name_reference(es, false, newest - name_of, as_bytes(f.value), huff);
  else written = write_insert_with_literal_name(es, as_bytes(f.name), as_bytes(f.value), huff);
  if (!written) return false;
  const bool inserted = duplicate_of != kNone ? table_.duplicate(duplicate_of)
                                              : table_.insert(as_bytes(f.name), as_bytes(f.value));
  if (inserted) record_entry_hashes();
  return inserted;
}

std::uint64_t Encoder::maybe_insert(const FieldLine& f, std::uint32_t static_name,
                                    const Match& m, const SectionState& st, ByteWriter& es) {
  // Present and referenceable, only not acknowledged yet: wait for it.
  if (m.any_exact != kNone && m.any_exact >= st.draining_index) return kNone;
  if (!worth_inserting(f)) return kNone;
  // Entries over two thirds of the capacity would start out draining.
  const std::uint64_t size = entry_size(f.name.size(), f.value.size());
  const std::uint64_t capacity = std::min(table_.max_capacity(), peer_max_table_capacity_);
  if (size > capacity - capacity / 3) return kNone;
  if (!insert_entry(f, static_name, m.any_exact, m.any_name, evictable_limit(st), es)) return kNone;
  return table_.insert_count() - 1;
}

bool Encoder::insert(std::string_view name, std::string_view value, ByteWriter& es) {
  const FieldLine f{name, value, false};
  const StaticMatch sm = find_static(name, value);
  SectionState st;
  const Match m = find_dynamic(f, st);
  return insert_entry(f, sm.name, kNone, m.any_name, evictable_limit(st), es);
}

// ---- Field lines --------------------------------------------------------------

bool Encoder::write_reference(ByteWriter& lines, std::uint64_t absolute, SectionState& st) {
  const bool ok = absolute < st.base ? write_indexed(lines, false, st.base - 1 - absolute)
                                     : write_indexed_post_base(lines, absolute - st.base);
  if (!ok) return false;
  st.required_insert_count = std::max(st.required_insert_count, absolute + 1);
  st.min_reference = std::min(st.min_reference, absolute);
  return true;
}

bool Encoder::write_literal(ByteWriter& lines, const FieldLine& f, std::uint32_t static_name,
                            std::uint64_t dynamic_name, SectionState& st) {
  const bool n = f.never_indexed;
  const bool huff = options_.use_huffman;
  const ByteSpan value = as_bytes(f.value);
  if (static_name != kNoStatic)
    return write_literal_name_reference(lines, n, true, static_name, value, huff);
  if (dynamic_name == kNone)
    return write_literal_literal_name(lines, n, as_bytes(f.name), value, huff);
  const bool ok =
      dynamic_name < st.base
          ? write_literal_name_reference(lines, n, false, st.base - 1 - dynamic_name, value, huff)
          : write_literal_post_base_name_reference(lines, n, dynamic_name - st.base, value, huff);
  if (!ok) return false;
  st.required_insert_count = std::max(st.required_insert_count, dynamic_name + 1);
  st.min_reference = std::min(st.min_reference, dynamic_name);
  return true;
}

bool Encoder::encode_line(const FieldLine& f, SectionState& st, ByteWriter& lines,
                          ByteWriter& es) {
  const StaticMatch sm = find_static(f.name, f.value);
  // §4.5.4: an 'N' field line is always a literal, even if the static
  // table holds it.
  if (f.never_indexed) return write_literal(lines, f, sm.name, kNone, st);
  if (sm.exact != StaticMatch::kNone) return write_indexed(lines, true, sm.exact);
  if (!st.dynamic) return write_literal(lines, f, sm.name, kNone, st);
  Match m = find_dynamic(f, st);
  if (m.usable_exact != kNone) return write_reference(lines, m.usable_exact, st);
  const std::uint64_t inserted = maybe_insert(f, sm.name, m, st, es);
  if (inserted != kNone && st.may_block) return write_reference(lines, inserted, st);
  if (m.usable_name != kNone && !table_.contains(m.usable_name)) m.usable_name = kNone;
  return write_literal(lines, f, sm.name, m.usable_name, st);
}

Result<EncodeOutcome> Encoder::encode_field_section(std::uint64_t stream_id,
                                                    std::span<const FieldLine> fields,
                                                    ByteWriter& section, ByteWriter& encoder_stream) {
  SectionState st = begin_section(stream_id);
  const MutByteSpan out = section.buffer().subspan(section.written());
  // Lines go after room for the largest prefix, which moves down once the
  // Required Insert Count is known (Base - RIC is at most max(Base, number
  // of inserts in this section)).
  const std::size_t room =
      st.dynamic ? section_prefix_size_bound(max_entries_, std::max<std::uint64_t>(st.base, fields.size()))
                 : 2;
  if (out.size() < room) return Error::local("qpack: section buffer too small");
  ByteWriter lines(out.subspan(room));
  const std::size_t es_start = encoder_stream.written();
  for (const FieldLine& f : fields) {
    if (!encode_line(f, st, lines, encoder_stream))
      return Error::local("qpack: section buffer too small");
  }
  ByteWriter prefix(out);
  const std::uint64_t ric = st.required_insert_count;
  (void)write_section_prefix(prefix, ric, ric == 0 ? 0 : st.base, max_entries_);
  if (lines.written() > 0) std::memmove(out.data() + prefix.written(), out.data() + room, lines.written());
  EncodeOutcome outcome;
  outcome.required_insert_count = ric;
  outcome.section_size = prefix.written() + lines.written();
  outcome.encoder_stream_size = encoder_stream.written() - es_start;
  outcome.may_block = ric > known_received_count_;
  std::size_t offset = 0;
  (void)section.reserve(outcome.section_size, offset);
  if (ric > 0) sections_.push_back(Section{stream_id, ric, st.min_reference});  // capacity reserved
  return outcome;
}

// ---- Decoder stream (§4.4) ----------------------------------------------------

Result<std::size_t> Encoder::on_decoder_stream(ByteSpan data) {
  ByteReader r(data);
  while (!r.empty()) {
    DecoderInstruction ins;
    const ParseStatus s = read_decoder_instruction(r, ins);
    if (s == ParseStatus::truncated) break;
    if (s == ParseStatus::invalid) return decoder_stream_error("qpack: oversized decoder instruction");
    TQUIC_TRY(apply(ins));
  }
  return r.position();
}

Status Encoder::apply(const DecoderInstruction& ins) {
  switch (ins.kind) {
    case DecoderInstructionKind::section_acknowledgment: {
      // §4.4.1: acknowledges the oldest unacknowledged section of the stream.
      const auto it = std::find_if(sections_.begin(), sections_.end(),
                                   [&](const Section& s) { return s.stream_id == ins.value; });
      if (it == sections_.end())
        return decoder_stream_error("qpack: Section Acknowledgment with nothing outstanding");
      known_received_count_ = std::max(known_received_count_, it->required_insert_count);
      sections_.erase(it);
      return ok_status();
    }
    case DecoderInstructionKind::stream_cancellation:
      std::erase_if(sections_, [&](const Section& s) { return s.stream_id == ins.value; });
      return ok_status();
    case DecoderInstructionKind::insert_count_increment:
      // §4.4.3: zero, or beyond what was sent, is an error.
      if (ins.value == 0 || ins.value > table_.insert_count() - known_received_count_)
        return decoder_stream_error("qpack: invalid Insert Count Increment");
      known_received_count_ += ins.value;
      return ok_status();
  }
  return decoder_stream_error("qpack: unknown decoder instruction");
}

}  // namespace tquic::h3::qpack
