// Single-producer single-consumer ring for handing work between two threads
// in batches (HOTPATH.md rules 4 and 9: shards share nothing but these
// rings; no lock, and atomics per batch, never per item).
//
// The producer writes items into free slots and publishes them all with one
// release store of `tail_`; the consumer reads every published item and
// frees their slots with one release store of `head_`. Each side keeps a
// cached copy of the other side's index so that it touches the shared cache
// line only when its cached view runs out. Capacity is a power of two fixed
// at construction: the ring never allocates after that.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <memory>
#include <new>
#include <span>

namespace tquic {

inline constexpr std::size_t kCacheLine = 64;

template <class T>
class SpscRing {
 public:
  // `capacity` is rounded up to a power of two (at least 2).
  explicit SpscRing(std::size_t capacity)
      : mask_(std::bit_ceil(std::max<std::size_t>(capacity, 2)) - 1), slots_(new T[mask_ + 1]) {}
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  std::size_t capacity() const { return mask_ + 1; }

  // --- producer thread only ---
  // Copies as many of `items` as fit and publishes them at once; returns how
  // many were taken (the rest is the caller's backpressure).
  std::size_t push(std::span<const T> items) {
    std::size_t free = capacity() - (tail_local_ - head_cached_);
    if (free < items.size()) {
      head_cached_ = head_.load(std::memory_order_acquire);
      free = capacity() - (tail_local_ - head_cached_);
    }
    const std::size_t n = std::min(free, items.size());
    for (std::size_t i = 0; i < n; ++i) slots_[(tail_local_ + i) & mask_] = items[i];
    tail_local_ += n;
    if (n) tail_.store(tail_local_, std::memory_order_release);
    return n;
  }
  bool push_one(const T& item) { return push(std::span<const T>(&item, 1)) == 1; }

  // --- consumer thread only ---
  // Moves up to out.size() published items into `out`; returns how many.
  std::size_t pop(std::span<T> out) {
    std::size_t ready = tail_cached_ - head_local_;
    if (ready < out.size()) {
      tail_cached_ = tail_.load(std::memory_order_acquire);
      ready = tail_cached_ - head_local_;
    }
    const std::size_t n = std::min(ready, out.size());
    for (std::size_t i = 0; i < n; ++i) out[i] = slots_[(head_local_ + i) & mask_];
    head_local_ += n;
    if (n) head_.store(head_local_, std::memory_order_release);
    return n;
  }
  // Items published and not yet popped, as seen by the consumer (a hint).
  std::size_t size_approx() const {
    return tail_.load(std::memory_order_acquire) - head_.load(std::memory_order_acquire);
  }

 private:
  const std::size_t mask_;
  std::unique_ptr<T[]> slots_;
  // Producer's line: its index and its view of the consumer's.
  alignas(kCacheLine) std::atomic<std::size_t> tail_{0};
  std::size_t tail_local_ = 0;
  std::size_t head_cached_ = 0;
  // Consumer's line.
  alignas(kCacheLine) std::atomic<std::size_t> head_{0};
  std::size_t head_local_ = 0;
  std::size_t tail_cached_ = 0;
};

}  // namespace tquic
