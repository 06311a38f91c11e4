// A bounded FIFO of DATAGRAM payloads (RFC 9221) in fixed slots allocated
// at setup: queueing and dequeueing never allocate. A full queue refuses the
// datagram (the caller counts it): DATAGRAM frames are unreliable by design,
// but nothing is dropped silently inside the stack (HOTPATH rule 10).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "base/bytes.h"

namespace tquic::transport {

class DatagramQueue {
 public:
  void configure(std::size_t slots, std::size_t slot_size) {
    slot_size_ = slot_size;
    storage_.assign(slots * slot_size, 0);
    lengths_.assign(slots, 0);
    head_ = size_ = 0;
  }
  std::size_t slot_size() const { return slot_size_; }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }

  bool push(ByteSpan d) {
    if (lengths_.empty() || size_ == lengths_.size() || d.size() > slot_size_) return false;
    const std::size_t i = (head_ + size_) % lengths_.size();
    if (!d.empty()) std::memcpy(storage_.data() + i * slot_size_, d.data(), d.size());
    lengths_[i] = d.size();
    ++size_;
    return true;
  }
  ByteSpan front() const {
    return ByteSpan(storage_.data() + head_ * slot_size_, lengths_[head_]);
  }
  void pop() {
    head_ = (head_ + 1) % lengths_.size();
    --size_;
  }

 private:
  std::vector<std::uint8_t> storage_;
  std::vector<std::size_t> lengths_;
  std::size_t slot_size_ = 0;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

}  // namespace tquic::transport
