// The QPACK dynamic table (RFC 9204 §3.2): a FIFO of field lines with
// absolute indices, sized by name + value + 32 bytes per entry, evicted
// from the oldest end. The same class holds the decoder's table and the
// encoder's copy of it.
//
// Memory is taken once, at construction, for the largest capacity the
// table may ever be given:
//  - a byte ring of 2 x max_capacity holding each entry's name and value
//    back to back, always contiguous, so callers get plain views. An entry
//    that does not fit before the end of the ring goes to its start; the
//    factor 2 guarantees room (the bytes stored are at most capacity - 32
//    per entry, so the free gap is always larger than the new entry; see
//    place_entry() in dynamic_table.cc for the argument);
//  - a ring of max_capacity / 32 entry descriptors (an entry costs at least
//    32 bytes, so no more entries can be alive).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/bytes.h"

namespace tquic::h3::qpack {

inline constexpr std::uint64_t kEntryOverhead = 32;  // RFC 9204 §3.2.1

// Size of an entry in the table's accounting (§3.2.1).
constexpr std::uint64_t entry_size(std::uint64_t name_len, std::uint64_t value_len) {
  return name_len + value_len + kEntryOverhead;
}

// MaxEntries of §4.5.1.1 for a maximum table capacity.
constexpr std::uint64_t max_entries(std::uint64_t max_table_capacity) {
  return max_table_capacity / kEntryOverhead;
}

class DynamicTable {
 public:
  // Largest capacity a table can be built for (16 MiB, far above any
  // deployed SETTINGS_QPACK_MAX_TABLE_CAPACITY); larger requests are clamped.
  static constexpr std::uint64_t kMaxSupportedCapacity = std::uint64_t{1} << 24;

  explicit DynamicTable(std::uint64_t max_capacity);

  std::uint64_t max_capacity() const { return max_capacity_; }
  std::uint64_t capacity() const { return capacity_; }
  std::uint64_t size() const { return size_; }
  std::uint64_t insert_count() const { return insert_count_; }  // next absolute index
  std::uint64_t dropped_count() const { return dropped_count_; }  // oldest absolute index
  std::size_t entry_count() const { return static_cast<std::size_t>(insert_count_ - dropped_count_); }
  bool contains(std::uint64_t absolute_index) const {
    return absolute_index >= dropped_count_ && absolute_index < insert_count_;
  }

  struct Entry {
    std::string_view name;
    std::string_view value;
    std::uint64_t size = 0;  // name + value + 32
  };
  // Precondition: contains(absolute_index). Views stay valid until the
  // table is next modified.
  Entry entry(std::uint64_t absolute_index) const;

  // How many of the oldest entries an insertion of `size` bytes would evict
  // (§3.2.2); false if `size` exceeds the capacity.
  bool evictions_for(std::uint64_t size, std::size_t& count) const;

  // Set Dynamic Table Capacity (§4.3.1): evicts down to the new capacity.
  // False (no change) if `capacity` > max_capacity().
  bool set_capacity(std::uint64_t capacity);

  // Appends an entry (evicting first, §3.2.2). `name` may alias any entry of
  // this table, including one this insertion evicts; `value` must not alias
  // the table. False (no change) if the entry is larger than the capacity.
  bool insert(ByteSpan name, ByteSpan value);

  // Like insert(), but leaves the value bytes for the caller to write into
  // `value_slot` (e.g. Huffman-decoded in place) before any other call.
  bool insert_with_value_slot(ByteSpan name, std::size_t value_size, MutByteSpan& value_slot);

  // Appends an entry whose name and value bytes (name first, then value,
  // back to back in `bytes`) the caller writes right away, e.g. decoding
  // Huffman literals in place. False (no change) if it does not fit.
  bool insert_reserved(std::size_t name_size, std::size_t value_size, MutByteSpan& bytes);

  // Duplicate (§4.3.4) of a live entry. False if the entry is not live or
  // does not fit.
  bool duplicate(std::uint64_t absolute_index);

 private:
  struct Slot {
    std::uint32_t offset = 0;
    std::uint32_t name_len = 0;
    std::uint32_t value_len = 0;
  };

  const Slot& slot(std::uint64_t absolute_index) const {
    return slots_[absolute_index % slots_.size()];
  }
  void evict_oldest();
  bool place_entry(std::size_t length, std::size_t& offset) const;
  // Evicts for and records a new entry of the given lengths; returns the
  // storage offset its bytes go to.
  bool append(std::size_t name_len, std::size_t value_len, std::size_t& offset);

  std::uint64_t max_capacity_;
  std::uint64_t capacity_ = 0;  // §3.2.2: initially zero
  std::uint64_t size_ = 0;
  std::uint64_t insert_count_ = 0;
  std::uint64_t dropped_count_ = 0;
  std::vector<std::uint8_t> storage_;  // 2 x max_capacity
  std::vector<Slot> slots_;            // max_capacity / 32 (at least 1)
};

}  // namespace tquic::h3::qpack
