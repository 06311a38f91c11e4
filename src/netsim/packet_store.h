// Datagram buffers for packets held inside a link (queued or propagating).
//
// Two fixed-size slot classes, each a slab arena with an index free list:
//  - regular slots of kSlotBytes (2 KiB): every datagram up to 2048 bytes,
//    the common case since GSO super-datagrams are split before the link;
//  - jumbo slots of kMaxDatagramBytes (65535 bytes) for anything larger.
// Slabs are allocated when the store first needs them (up to the limits) and
// then reused: steady state allocates nothing (HOTPATH.md rule 1). When a
// class is exhausted acquire() fails and the link counts a `no_buffer` drop.
//
// With TQUIC_POOLS_AS_HEAP (sanitizer builds) every slot is its own
// new[]/delete[] of exactly the requested size, so ASan sees overruns.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "base/bytes.h"
#include "netsim/link_config.h"

namespace tquic::sim {

inline constexpr std::size_t kSlotBytes = 2048;

struct PacketStoreLimits {
  std::size_t max_slots = 16384;     // regular slots (32 MiB at most)
  std::size_t max_jumbo_slots = 32;  // 64 KiB slots (2 MiB at most)
  std::size_t slots_per_slab = 256;  // regular slots allocated at a time
};

// Handle to one slot. `index` has kJumboBit set for jumbo slots.
struct SlotRef {
  static constexpr std::uint32_t kInvalid = 0xffffffffu;
  static constexpr std::uint32_t kJumboBit = 0x80000000u;
  std::uint32_t index = kInvalid;
  bool valid() const { return index != kInvalid; }
};

struct PacketStoreStats {
  std::size_t in_use = 0;        // slots handed out, both classes
  std::size_t jumbo_in_use = 0;
  std::size_t slab_allocs = 0;   // arena growths ever made
};

class PacketStore {
 public:
  explicit PacketStore(const PacketStoreLimits& limits = {});
  PacketStore(const PacketStore&) = delete;
  PacketStore& operator=(const PacketStore&) = delete;
  PacketStore(PacketStore&&) = default;
  PacketStore& operator=(PacketStore&&) = default;
  ~PacketStore() = default;

  // A slot able to hold `size` bytes; invalid if size > kMaxDatagramBytes or
  // the class is exhausted.
  SlotRef acquire(std::size_t size);
  // The whole slot (its capacity, not the datagram length).
  MutByteSpan buffer(SlotRef slot);
  void release(SlotRef slot);

  const PacketStoreStats& stats() const { return stats_; }

 private:
  class Arena {
   public:
    Arena(std::size_t slot_bytes, std::size_t per_slab, std::size_t max_slots);
    bool acquire(std::size_t size, std::uint32_t& index, std::size_t& slab_allocs);
    std::uint8_t* slot(std::uint32_t index);
    std::size_t capacity(std::uint32_t index) const;
    void release(std::uint32_t index);

   private:
    bool grow(std::size_t& slab_allocs);

    std::size_t slot_bytes_;
    std::size_t per_slab_;
    std::size_t max_slots_;
    std::size_t slots_ = 0;                            // slots carved so far
    std::vector<std::unique_ptr<std::uint8_t[]>> slabs_;
    std::vector<std::uint32_t> free_;                  // LIFO: warm slots first
#if defined(TQUIC_POOLS_AS_HEAP)
    std::vector<std::size_t> sizes_;                   // exact size per heap slot
#endif
  };

  Arena regular_;
  Arena jumbo_;
  PacketStoreStats stats_;
};

}  // namespace tquic::sim
