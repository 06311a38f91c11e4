#include "transport/connection/sent_frames.h"

namespace tquic::transport {

SentFrameStore::SentFrameStore(std::size_t initial) {
  records_.reserve(initial);
  while (records_.size() < initial) grow();
}

void SentFrameStore::grow() {
  const std::size_t old = records_.size();
  const std::size_t want = old == 0 ? 64 : old * 2;
  records_.resize(want);
  for (std::size_t i = want; i-- > old;) {
    records_[i].next = free_;
    free_ = static_cast<std::uint32_t>(i);
  }
}

std::uint32_t SentFrameStore::add(std::uint32_t head, const SentFrameRecord& r) {
  if (free_ == kNoFramesRef) grow();
  const std::uint32_t i = free_;
  free_ = records_[i].next;
  records_[i] = r;
  records_[i].next = head;  // prepend: order inside a packet does not matter
  ++in_use_;
  return i;
}

void SentFrameStore::release(std::uint32_t head) {
  while (head != kNoFramesRef) {
    const std::uint32_t next = records_[head].next;
    records_[head].next = free_;
    free_ = head;
    --in_use_;
    head = next;
  }
}

}  // namespace tquic::transport
