// A bounded FIFO of DATAGRAM payloads (RFC 9221) packed into one byte ring
// allocated at setup: queueing and dequeueing never allocate, and memory is
// what the datagrams occupy, not entries x the largest allowed size (a
// 65535-byte max_datagram_frame_size must not cost 16 MiB per queue). A full
// queue refuses the datagram (the caller counts it): DATAGRAM frames are
// unreliable by design, but nothing is dropped silently inside the stack
// (HOTPATH rule 10).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "base/bytes.h"

namespace tquic::transport {

class DatagramQueue {
 public:
  // At most `max_entries` datagrams of at most `max_size` bytes each, in
  // `ring_bytes` of storage (raised to hold at least one largest datagram).
  void configure(std::size_t max_entries, std::size_t max_size, std::size_t ring_bytes) {
    max_size_ = max_size;
    storage_.assign(std::max(ring_bytes, max_size), 0);
    entries_.assign(max_entries, Entry{});
    head_ = size_ = 0;
    write_ = 0;
  }
  std::size_t max_size() const { return max_size_; }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  bool push(ByteSpan d) {
    if (entries_.empty() || size_ == entries_.size() || d.size() > max_size_) return false;
    std::size_t at = write_;
    if (at + d.size() > storage_.size()) at = 0;  // keep each datagram contiguous
    if (!fits(at, d.size())) return false;
    if (!d.empty()) std::memcpy(storage_.data() + at, d.data(), d.size());
    entries_[(head_ + size_) % entries_.size()] = Entry{at, d.size()};
    write_ = at + d.size();
    ++size_;
    return true;
  }
  ByteSpan front() const { return ByteSpan(storage_.data() + entries_[head_].offset, entries_[head_].length); }
  void pop() {
    head_ = (head_ + 1) % entries_.size();
    if (--size_ == 0) write_ = 0;  // empty: start packing from the beginning again
  }

 private:
  struct Entry {
    std::size_t offset = 0;
    std::size_t length = 0;
  };
  // Whether [at, at+n) is free: it must not overlap the live bytes, which
  // run from the oldest entry's offset up to write_ (possibly wrapped).
  bool fits(std::size_t at, std::size_t n) const {
    if (size_ == 0) return true;
    const std::size_t oldest = entries_[head_].offset;
    if (write_ > oldest) return at >= write_ ? true : at + n <= oldest;  // live bytes not wrapped
    return at >= write_ && at + n <= oldest;                             // wrapped: only the gap
  }

  std::vector<std::uint8_t> storage_;
  std::vector<Entry> entries_;
  std::size_t max_size_ = 0;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::size_t write_ = 0;  // where the next datagram goes (if it fits before the end)
};

}  // namespace tquic::transport
