#include "netsim/packet_store.h"

#include <algorithm>

namespace tquic::sim {

PacketStore::Arena::Arena(std::size_t slot_bytes, std::size_t per_slab, std::size_t max_slots)
    : slot_bytes_(slot_bytes), per_slab_(per_slab ? per_slab : 1), max_slots_(max_slots) {
#if defined(TQUIC_POOLS_AS_HEAP)
  per_slab_ = 1;  // one heap block per slot, allocated in acquire()
#endif
}

bool PacketStore::Arena::grow([[maybe_unused]] std::size_t& slab_allocs) {
  if (slots_ >= max_slots_) return false;
  const std::size_t n = std::min(per_slab_, max_slots_ - slots_);
#if defined(TQUIC_POOLS_AS_HEAP)
  slabs_.resize(slots_ + n);
  sizes_.resize(slots_ + n);
#else
  slabs_.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(n * slot_bytes_));
  ++slab_allocs;
#endif
  for (std::size_t i = n; i > 0; --i) free_.push_back(static_cast<std::uint32_t>(slots_ + i - 1));
  slots_ += n;
  return true;
}

bool PacketStore::Arena::acquire(std::size_t size, std::uint32_t& index, std::size_t& slab_allocs) {
  if (size > slot_bytes_) return false;
  if (free_.empty() && !grow(slab_allocs)) return false;
  index = free_.back();
  free_.pop_back();
#if defined(TQUIC_POOLS_AS_HEAP)
  slabs_[index] = std::make_unique_for_overwrite<std::uint8_t[]>(size ? size : 1);
  sizes_[index] = size;
  ++slab_allocs;
#endif
  return true;
}

std::uint8_t* PacketStore::Arena::slot(std::uint32_t index) {
#if defined(TQUIC_POOLS_AS_HEAP)
  return slabs_[index].get();
#else
  return slabs_[index / per_slab_].get() + (index % per_slab_) * slot_bytes_;
#endif
}

std::size_t PacketStore::Arena::capacity([[maybe_unused]] std::uint32_t index) const {
#if defined(TQUIC_POOLS_AS_HEAP)
  return sizes_[index];
#else
  return slot_bytes_;
#endif
}

void PacketStore::Arena::release(std::uint32_t index) {
#if defined(TQUIC_POOLS_AS_HEAP)
  slabs_[index].reset();
#endif
  free_.push_back(index);
}

PacketStore::PacketStore(const PacketStoreLimits& limits)
    : regular_(kSlotBytes, limits.slots_per_slab, limits.max_slots),
      jumbo_(kMaxDatagramBytes, 1, limits.max_jumbo_slots) {}

SlotRef PacketStore::acquire(std::size_t size) {
  std::uint32_t index = 0;
  if (size <= kSlotBytes) {
    if (!regular_.acquire(size, index, stats_.slab_allocs)) return {};
    ++stats_.in_use;
    return SlotRef{index};
  }
  if (!jumbo_.acquire(size, index, stats_.slab_allocs)) return {};
  ++stats_.in_use;
  ++stats_.jumbo_in_use;
  return SlotRef{index | SlotRef::kJumboBit};
}

MutByteSpan PacketStore::buffer(SlotRef slot) {
  const std::uint32_t index = slot.index & ~SlotRef::kJumboBit;
  Arena& arena = (slot.index & SlotRef::kJumboBit) ? jumbo_ : regular_;
  return MutByteSpan(arena.slot(index), arena.capacity(index));
}

void PacketStore::release(SlotRef slot) {
  if (!slot.valid()) return;
  const bool jumbo = (slot.index & SlotRef::kJumboBit) != 0;
  (jumbo ? jumbo_ : regular_).release(slot.index & ~SlotRef::kJumboBit);
  --stats_.in_use;
  if (jumbo) --stats_.jumbo_in_use;
}

}  // namespace tquic::sim
