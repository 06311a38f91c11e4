#include "endpoint/timer_heap.h"

namespace tquic::endpoint {

void TimerHeap::reserve(std::size_t slots) {
  if (position_.size() < slots) position_.resize(slots, kAbsent);
  heap_.reserve(slots);
}

void TimerHeap::sift_up(std::size_t i) {
  const Node n = heap_[i];
  while (i > 0) {
    const std::size_t parent = (i - 1) / 2;
    if (!(n.deadline < heap_[parent].deadline)) break;
    set(i, heap_[parent]);
    i = parent;
  }
  set(i, n);
}

void TimerHeap::sift_down(std::size_t i) {
  const Node n = heap_[i];
  const std::size_t count = heap_.size();
  for (;;) {
    std::size_t child = 2 * i + 1;
    if (child >= count) break;
    if (child + 1 < count && heap_[child + 1].deadline < heap_[child].deadline) ++child;
    if (!(heap_[child].deadline < n.deadline)) break;
    set(i, heap_[child]);
    i = child;
  }
  set(i, n);
}

void TimerHeap::erase_at(std::size_t i) {
  position_[heap_[i].slot] = kAbsent;
  const Node last = heap_.back();
  heap_.pop_back();
  if (i == heap_.size()) return;
  set(i, last);
  sift_down(i);
  sift_up(position_[last.slot]);
}

void TimerHeap::update(std::uint32_t slot, Timestamp deadline) {
  if (slot >= position_.size()) return;
  const std::uint32_t pos = position_[slot];
  if (deadline == kTimeInfinite) {
    if (pos != kAbsent) erase_at(pos);
    return;
  }
  if (pos == kAbsent) {
    heap_.push_back({deadline, slot});
    position_[slot] = static_cast<std::uint32_t>(heap_.size() - 1);
    sift_up(heap_.size() - 1);
    return;
  }
  const Timestamp old = heap_[pos].deadline;
  heap_[pos].deadline = deadline;
  if (deadline < old) sift_up(pos);
  else sift_down(pos);
}

bool TimerHeap::pop_due(Timestamp now, std::uint32_t& slot) {
  if (heap_.empty() || heap_[0].deadline > now) return false;
  slot = heap_[0].slot;
  erase_at(0);
  return true;
}

Timestamp TimerHeap::deadline_of(std::uint32_t slot) const {
  if (slot >= position_.size() || position_[slot] == kAbsent) return kTimeInfinite;
  return heap_[position_[slot]].deadline;
}

}  // namespace tquic::endpoint
