// Packets the endpoint itself sends -- Version Negotiation, Retry,
// stateless resets -- waiting for the next write_train(). A fixed ring of
// fixed-size slots allocated once: a full queue drops the new packet and
// counts it (these answers are best effort by design; the peer retries).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/net_address.h"

namespace tquic::endpoint {

// Large enough for a VN echoing two 255-byte CIDs (RFC 8999) and a Retry.
inline constexpr std::size_t kMaxStatelessPacket = 640;

class StatelessQueue {
 public:
  explicit StatelessQueue(std::size_t capacity) : slots_(capacity ? capacity : 1) {}

  // Room for the next packet, or an empty span if the queue is full (the
  // drop is counted). Fill it, then commit().
  MutByteSpan reserve() {
    if (size_ == slots_.size()) {
      ++dropped_;
      return {};
    }
    Slot& s = slots_[(head_ + size_) % slots_.size()];
    return MutByteSpan(s.bytes.data(), s.bytes.size());
  }
  void commit(std::size_t bytes, const PathTuple& tuple) {
    Slot& s = slots_[(head_ + size_) % slots_.size()];
    s.size = static_cast<std::uint16_t>(bytes);
    s.tuple = tuple;
    ++size_;
  }

  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  ByteSpan front_bytes() const { return ByteSpan(slots_[head_].bytes.data(), slots_[head_].size); }
  const PathTuple& front_tuple() const { return slots_[head_].tuple; }
  void pop() {
    head_ = (head_ + 1) % slots_.size();
    --size_;
  }
  std::uint64_t dropped() const { return dropped_; }

 private:
  struct Slot {
    PathTuple tuple;
    std::uint16_t size = 0;
    std::array<std::uint8_t, kMaxStatelessPacket> bytes{};
  };
  std::vector<Slot> slots_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  std::uint64_t dropped_ = 0;
};

}  // namespace tquic::endpoint
