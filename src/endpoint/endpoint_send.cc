// Outgoing trains and timers: the endpoint's own packets first, then the
// connections marked as possibly having data, round robin; one timer per
// connection in the heap.
#include <algorithm>
#include <cstring>

#include "endpoint/endpoint.h"

namespace tquic::endpoint {

Result<transport::TxTrain> Endpoint::write_train(MutByteSpan buffer, Timestamp now) {
  release_handed_out();
  if (!out_.empty()) {
    const ByteSpan b = out_.front_bytes();
    if (buffer.size() < b.size()) return Error::local("buffer smaller than a datagram");
    std::memcpy(buffer.data(), b.data(), b.size());
    transport::TxTrain t;
    t.bytes = b.size();
    t.segment_size = static_cast<std::uint16_t>(b.size());
    t.segments = 1;
    t.tuple = out_.front_tuple();
    out_.pop();
    return t;
  }
  // Each pop either returns a train (and requeues the connection at the
  // back) or clears one connection's mark, so the loop ends.
  while (dirty_count_ > 0) {
    const std::uint32_t index = dirty_[dirty_head_];
    dirty_head_ = (dirty_head_ + 1) % dirty_.size();
    --dirty_count_;
    ConnectionSlot& s = *slots_[index];
    if (s.state != SlotState::live) {
      s.dirty = false;
      continue;
    }
    auto t = s.conn->write_train(buffer, now);
    if (!t || t->segments == 0) {
      if (!t) ++stats_.connection_errors;
      s.dirty = false;
      after_call(index, now);
      continue;
    }
    dirty_[(dirty_head_ + dirty_count_) % dirty_.size()] = index;  // still marked: round robin
    ++dirty_count_;
    after_call(index, now);
    return t;
  }
  return transport::TxTrain{};
}

void Endpoint::on_timeout(Timestamp now) {
  release_handed_out();
  due_.clear();
  std::uint32_t index = 0;
  while (timers_.pop_due(now, index)) due_.push_back(index);  // each due connection runs once
  for (std::uint32_t i : due_) {
    ConnectionSlot& s = *slots_[i];
    if (s.state != SlotState::live) continue;
    s.conn->on_timeout(now);
    mark_dirty(i);
    after_call(i, now);
  }
}

}  // namespace tquic::endpoint
