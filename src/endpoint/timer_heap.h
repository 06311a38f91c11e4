// One deadline per connection slot (DESIGN.md "Timers"): an indexed binary
// min-heap of (deadline, slot). Each slot appears at most once; moving a
// deadline sifts the slot's entry in place (O(log n)), so there are no
// stale entries to skip. The position index grows only in reserve(), which
// the endpoint calls when it sets up a connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/time.h"

namespace tquic::endpoint {

class TimerHeap {
 public:
  // Room for slots 0..slots-1.
  void reserve(std::size_t slots);

  // Arms, moves or (with kTimeInfinite) disarms the slot's deadline.
  // Precondition: slot < reserved slots.
  void update(std::uint32_t slot, Timestamp deadline);
  void remove(std::uint32_t slot) { update(slot, kTimeInfinite); }

  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  // Earliest deadline (kTimeInfinite when empty) and its slot.
  Timestamp next_deadline() const { return heap_.empty() ? kTimeInfinite : heap_[0].deadline; }
  std::uint32_t next_slot() const { return heap_[0].slot; }
  // Removes and returns the slot of the earliest deadline if it is <= now.
  bool pop_due(Timestamp now, std::uint32_t& slot);
  Timestamp deadline_of(std::uint32_t slot) const;

 private:
  static constexpr std::uint32_t kAbsent = 0xffffffffu;
  struct Node {
    Timestamp deadline;
    std::uint32_t slot;
  };

  void sift_up(std::size_t i);
  void sift_down(std::size_t i);
  void set(std::size_t i, const Node& n) {
    heap_[i] = n;
    position_[n.slot] = static_cast<std::uint32_t>(i);
  }
  void erase_at(std::size_t i);

  std::vector<Node> heap_;
  std::vector<std::uint32_t> position_;  // slot -> index in heap_, or kAbsent
};

}  // namespace tquic::endpoint
