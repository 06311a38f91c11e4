#include "h3/qpack/dynamic_table.h"

#include <algorithm>
#include <cstring>

namespace tquic::h3::qpack {

DynamicTable::DynamicTable(std::uint64_t max_capacity)
    : max_capacity_(std::min(max_capacity, kMaxSupportedCapacity)),
      storage_(static_cast<std::size_t>(2 * max_capacity_)),
      slots_(static_cast<std::size_t>(std::max<std::uint64_t>(1, qpack::max_entries(max_capacity_)))) {}

DynamicTable::Entry DynamicTable::entry(std::uint64_t absolute_index) const {
  const Slot& s = slot(absolute_index);
  const char* base = reinterpret_cast<const char*>(storage_.data()) + s.offset;
  return Entry{std::string_view(base, s.name_len), std::string_view(base + s.name_len, s.value_len),
               entry_size(s.name_len, s.value_len)};
}

bool DynamicTable::evictions_for(std::uint64_t size, std::size_t& count) const {
  if (size > capacity_) return false;
  std::uint64_t remaining = size_;
  std::uint64_t index = dropped_count_;
  count = 0;
  while (remaining > capacity_ - size) {  // §3.2.2: until size <= capacity - new
    const Slot& s = slot(index++);
    remaining -= entry_size(s.name_len, s.value_len);
    ++count;
  }
  return true;
}

void DynamicTable::evict_oldest() {
  const Slot& s = slot(dropped_count_);
  size_ -= entry_size(s.name_len, s.value_len);
  ++dropped_count_;
}

bool DynamicTable::set_capacity(std::uint64_t capacity) {
  if (capacity > max_capacity_) return false;
  capacity_ = capacity;
  while (size_ > capacity_) evict_oldest();
  return true;
}

// Chooses where an entry of `length` bytes goes, after eviction. Live bytes
// occupy [tail, head) or, once wrapped, [tail, end-of-data) + [0, head).
//  - Not wrapped and no room before the end: the live entries then hold at
//    most C - length - 32 bytes (C = capacity) and end within `length` of
//    the ring end (2 max_capacity >= 2C), so tail > C + 32 > length: the
//    entry fits at 0.
//  - Wrapped: the hole at the ring end is shorter than the entry that
//    wrapped, itself live, so the gap [head, tail) is at least
//    2C - 2 (C - length - 32) > length.
bool DynamicTable::place_entry(std::size_t length, std::size_t& offset) const {
  if (entry_count() == 0) {
    offset = 0;
    return true;
  }
  const Slot& oldest = slot(dropped_count_);
  const Slot& newest = slot(insert_count_ - 1);
  const std::size_t tail = oldest.offset;
  const std::size_t head = std::size_t{newest.offset} + newest.name_len + newest.value_len;
  if (newest.offset >= oldest.offset) {  // not wrapped
    if (storage_.size() - head >= length) offset = head;
    else if (tail >= length) offset = 0;
    else return false;
    return true;
  }
  if (tail - head < length) return false;
  offset = head;
  return true;
}

bool DynamicTable::append(std::size_t name_len, std::size_t value_len, std::size_t& offset) {
  const std::uint64_t size = entry_size(name_len, value_len);
  std::size_t evictions = 0;
  if (!evictions_for(size, evictions)) return false;
  for (std::size_t i = 0; i < evictions; ++i) evict_oldest();
  if (!place_entry(name_len + value_len, offset)) return false;  // cannot happen, see above
  Slot& s = slots_[insert_count_ % slots_.size()];
  s.offset = static_cast<std::uint32_t>(offset);
  s.name_len = static_cast<std::uint32_t>(name_len);
  s.value_len = static_cast<std::uint32_t>(value_len);
  size_ += size;
  ++insert_count_;
  return true;
}

bool DynamicTable::insert_with_value_slot(ByteSpan name, std::size_t value_size,
                                          MutByteSpan& value_slot) {
  std::size_t offset = 0;
  // `name` may point at an entry append() evicts: its bytes stay in place
  // until overwritten, and memmove copes with an overlapping destination.
  if (!append(name.size(), value_size, offset)) return false;
  if (!name.empty()) std::memmove(storage_.data() + offset, name.data(), name.size());
  value_slot = MutByteSpan(storage_.data() + offset + name.size(), value_size);
  return true;
}

bool DynamicTable::insert_reserved(std::size_t name_size, std::size_t value_size,
                                   MutByteSpan& bytes) {
  std::size_t offset = 0;
  if (!append(name_size, value_size, offset)) return false;
  bytes = MutByteSpan(storage_.data() + offset, name_size + value_size);
  return true;
}

bool DynamicTable::insert(ByteSpan name, ByteSpan value) {
  MutByteSpan slot_bytes;
  if (!insert_with_value_slot(name, value.size(), slot_bytes)) return false;
  if (!value.empty()) std::memcpy(slot_bytes.data(), value.data(), value.size());
  return true;
}

bool DynamicTable::duplicate(std::uint64_t absolute_index) {
  if (!contains(absolute_index)) return false;
  const Slot source = slot(absolute_index);
  const std::size_t length = std::size_t{source.name_len} + source.value_len;
  std::size_t offset = 0;
  if (!append(source.name_len, source.value_len, offset)) return false;
  if (length > 0) std::memmove(storage_.data() + offset, storage_.data() + source.offset, length);
  return true;
}

}  // namespace tquic::h3::qpack
