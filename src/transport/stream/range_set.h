// A small, fixed-capacity set of byte ranges [start, end) over stream
// offsets. Ranges are kept sorted, disjoint and non-adjacent (touching ranges
// merge). Capacity is fixed at compile time so memory stays bounded whatever
// the peer does; operations that would need more ranges than N either fail
// without changing the set or, where over-approximating is safe, coalesce.
// No allocation, ever.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace tquic::transport {

struct ByteRange {
  std::uint64_t start = 0;
  std::uint64_t end = 0;  // exclusive

  constexpr std::uint64_t length() const { return end - start; }
  constexpr bool empty() const { return end <= start; }
  friend constexpr bool operator==(const ByteRange&, const ByteRange&) = default;
};

template <std::size_t N>
class RangeSet {
  static_assert(N >= 1, "RangeSet needs room for at least one range");

 public:
  static constexpr std::size_t kCapacity = N;

  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  bool full() const { return count_ == N; }
  const ByteRange& operator[](std::size_t i) const { return ranges_[i]; }
  const ByteRange& front() const { return ranges_[0]; }
  const ByteRange& back() const { return ranges_[count_ - 1]; }
  const ByteRange* begin() const { return ranges_.data(); }
  const ByteRange* end() const { return ranges_.data() + count_; }
  void clear() { count_ = 0; }

  // How many ranges the set would hold after inserting [start, end).
  std::size_t size_after_insert(std::uint64_t start, std::uint64_t end) const {
    if (end <= start) return count_;
    const Span s = touching(start, end);
    return count_ - (s.last - s.first) + 1;
  }

  // Adds [start, end), merging with overlapping or adjacent ranges. Returns
  // false, leaving the set unchanged, if it would need more than N ranges.
  bool insert(std::uint64_t start, std::uint64_t end) {
    if (end <= start) return true;
    const Span s = touching(start, end);
    if (s.first == s.last) {
      if (count_ == N) return false;
      shift_right(s.first);
      ranges_[s.first] = ByteRange{start, end};
      return true;
    }
    const ByteRange merged{std::min(start, ranges_[s.first].start),
                           std::max(end, ranges_[s.last - 1].end)};
    ranges_[s.first] = merged;
    remove_slots(s.first + 1, s.last);
    return true;
  }

  // Adds [start, end) and never fails: when the set is full and the range
  // would stand alone, the nearest neighbour is stretched to cover it (and the
  // gap in between). Use only where a superset is safe, e.g. "bytes to
  // retransmit".
  void insert_coalescing(std::uint64_t start, std::uint64_t end) {
    if (insert(start, end)) return;
    const Span s = touching(start, end);  // s.first == s.last here
    const std::size_t i = s.first;
    const bool has_left = i > 0;
    const bool has_right = i < count_;
    const std::uint64_t left_gap = has_left ? start - ranges_[i - 1].end : UINT64_MAX;
    const std::uint64_t right_gap = has_right ? ranges_[i].start - end : UINT64_MAX;
    if (left_gap <= right_gap) {
      ranges_[i - 1].end = end;
    } else {
      ranges_[i].start = start;
    }
  }

  // Removes [start, end). Returns false, leaving the set unchanged, if a range
  // would have to split in two and the set is full.
  bool erase(std::uint64_t start, std::uint64_t end) {
    if (end <= start) return true;
    std::size_t i = 0;
    while (i < count_ && ranges_[i].end <= start) ++i;
    if (i == count_ || ranges_[i].start >= end) return true;
    ByteRange& r = ranges_[i];
    if (r.start < start && r.end > end) {  // strictly inside: split
      if (count_ == N) return false;
      shift_right(i + 1);
      ranges_[i + 1] = ByteRange{end, r.end};
      r.end = start;
      return true;
    }
    std::size_t first_removed = i;
    if (r.start < start) {  // keep the head of range i
      r.end = start;
      first_removed = i + 1;
    }
    std::size_t j = first_removed;
    while (j < count_ && ranges_[j].end <= end) ++j;
    if (j < count_ && ranges_[j].start < end) ranges_[j].start = end;  // trim the tail one
    remove_slots(first_removed, j);
    return true;
  }

  // Removes everything below `offset`.
  void erase_below(std::uint64_t offset) {
    std::size_t i = 0;
    while (i < count_ && ranges_[i].end <= offset) ++i;
    remove_slots(0, i);
    if (count_ > 0 && ranges_[0].start < offset) ranges_[0].start = offset;
  }

  bool contains(std::uint64_t offset) const {
    for (std::size_t i = 0; i < count_; ++i) {
      if (offset < ranges_[i].start) return false;
      if (offset < ranges_[i].end) return true;
    }
    return false;
  }

  // Whether [start, end) lies entirely inside the set.
  bool covers(std::uint64_t start, std::uint64_t end) const {
    if (end <= start) return true;
    for (std::size_t i = 0; i < count_; ++i) {
      if (start < ranges_[i].start) return false;
      if (start < ranges_[i].end) return end <= ranges_[i].end;
    }
    return false;
  }

 private:
  struct Span {
    std::size_t first;  // first range touching [start, end)
    std::size_t last;   // one past the last touching range
  };

  // Ranges overlapping or adjacent to [start, end).
  Span touching(std::uint64_t start, std::uint64_t end) const {
    std::size_t first = 0;
    while (first < count_ && ranges_[first].end < start) ++first;
    std::size_t last = first;
    while (last < count_ && ranges_[last].start <= end) ++last;
    return Span{first, last};
  }

  void shift_right(std::size_t at) {
    for (std::size_t k = count_; k > at; --k) ranges_[k] = ranges_[k - 1];
    ++count_;
  }

  void remove_slots(std::size_t first, std::size_t last) {
    if (last <= first) return;
    const std::size_t n = last - first;
    for (std::size_t k = first; k + n < count_; ++k) ranges_[k] = ranges_[k + n];
    count_ -= n;
  }

  std::array<ByteRange, N> ranges_{};
  std::size_t count_ = 0;
};

}  // namespace tquic::transport
