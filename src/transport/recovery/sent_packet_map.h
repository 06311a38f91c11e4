// Sent packets of one packet number space, indexed by packet number.
//
// A ring buffer covering the window [window_begin, next_packet_number): slot
// `pn & mask` holds packet `pn`. Packet numbers only grow (RFC 9000 §12.3), so
// insertion is an append and lookup is an index; acknowledged and lost
// packets leave tombstones that are dropped as soon as every older packet is
// resolved. Memory is allocated only when the window outgrows the capacity
// (doubling, power of two) and is never given back, so steady state performs
// no allocation at all (HOTPATH.md rule 1). Skipped packet numbers are kept
// as `never_sent` slots so that an ACK for them can be recognised as a
// protocol violation (RFC 9000 §13.1, §21.4).
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/result.h"
#include "transport/recovery/sent_packet.h"

namespace tquic::transport {

class SentPacketMap {
 public:
  static constexpr std::size_t kDefaultInitialCapacity = 64;
  static constexpr std::size_t kDefaultMaxWindow = std::size_t{1} << 18;

  // `initial_capacity` slots are allocated on the first insert (0: start at
  // 64); the window never exceeds `max_window` packets.
  explicit SentPacketMap(std::size_t initial_capacity = kDefaultInitialCapacity,
                         std::size_t max_window = kDefaultMaxWindow);
  SentPacketMap(SentPacketMap&&) noexcept = default;
  SentPacketMap& operator=(SentPacketMap&&) noexcept = default;
  SentPacketMap(const SentPacketMap&) = delete;
  SentPacketMap& operator=(const SentPacketMap&) = delete;

  // Records a sent packet as outstanding. Its number must be at least
  // next_packet_number(); numbers in between become never_sent (unless the
  // map is empty and the gap exceeds its capacity: then the window restarts
  // at this packet). Fails (local error) on a decreasing number or when the
  // window would exceed max_window.
  Status insert(const SentPacket& packet);
  bool can_insert(std::uint64_t packet_number) const;

  // State of any packet number: retired below the window, never_sent at or
  // beyond next_packet_number().
  SentPacketState state(std::uint64_t packet_number) const;

  // The outstanding packet with this number, or nullptr.
  const SentPacket* find(std::uint64_t packet_number) const;

  // Slot access for packet numbers inside the window.
  SentPacket& at(std::uint64_t packet_number) {
    assert(packet_number >= begin_ && packet_number < end_);
    return slots_[packet_number & mask_];
  }
  const SentPacket& at(std::uint64_t packet_number) const {
    assert(packet_number >= begin_ && packet_number < end_);
    return slots_[packet_number & mask_];
  }

  // Moves a slot inside the window to a new state (keeps outstanding_count).
  void set_state(std::uint64_t packet_number, SentPacketState state);

  // Drops resolved slots from the front of the window (call after a batch of
  // set_state; tombstones behind an outstanding packet stay).
  void advance();

  // Forgets every packet (space discarded); next_packet_number() is kept.
  void clear();

  template <class F>
  void for_each_outstanding(F&& f) const {
    for (std::uint64_t pn = begin_; pn < end_; ++pn) {
      const SentPacket& p = slots_[pn & mask_];
      if (p.state == SentPacketState::outstanding) f(p);
    }
  }

  std::uint64_t window_begin() const { return begin_; }
  std::uint64_t next_packet_number() const { return end_; }
  std::size_t window_size() const { return static_cast<std::size_t>(end_ - begin_); }
  std::size_t outstanding_count() const { return outstanding_; }
  bool empty() const { return outstanding_ == 0; }
  // True if a never_sent (skipped) slot lies inside the window.
  bool has_skipped_in_window() const { return skipped_in_window_ != 0; }
  std::size_t capacity() const { return capacity_; }
  std::size_t max_window() const { return max_window_; }
  // Number of (re)allocations made so far (tests prove steady state is flat).
  std::size_t allocations() const { return allocations_; }

 private:
  bool grow(std::size_t needed);
  void mark_skipped(std::uint64_t from, std::uint64_t to);

  std::unique_ptr<SentPacket[]> slots_;
  std::size_t capacity_ = 0;
  std::size_t mask_ = 0;
  std::size_t initial_capacity_;
  std::size_t max_window_;
  std::uint64_t begin_ = 0;  // oldest packet number still tracked
  std::uint64_t end_ = 0;    // one past the largest packet number sent
  std::size_t outstanding_ = 0;
  std::size_t skipped_in_window_ = 0;
  std::size_t allocations_ = 0;
};

}  // namespace tquic::transport
