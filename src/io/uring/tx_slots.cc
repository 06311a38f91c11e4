#include "io/uring/tx_slots.h"

#include <cerrno>

namespace tquic::io {

std::size_t TxSlot::segments() const {
  if (segment_size == 0 || length <= segment_size) return 1;
  return (std::size_t{length} + segment_size - 1) / segment_size;
}

std::size_t TxSlot::issue_offset() const {
  return split ? std::size_t{next_segment} * segment_size : 0;
}

std::size_t TxSlot::issue_length() const {
  if (!split) return length;
  const std::size_t off = issue_offset();
  if (off >= length) return 0;
  return std::min<std::size_t>(segment_size, length - off);
}

TxSlots::TxSlots(std::size_t slots, std::size_t slab_bytes)
    : slots_(slots ? slots : 1), slab_(slab_bytes ? slab_bytes : 1) {}

std::int32_t TxSlots::acquire(std::size_t bytes) {
  if (in_use_ == slots_.size() || bytes > slab_.size()) return kNone;
  if (in_use_ == 0) write_ = 0, bytes_in_use_ = 0;  // empty: start at the front again
  std::size_t offset = write_;
  std::size_t padding = 0;
  if (write_ + bytes > slab_.size()) {  // does not fit before the end: wrap
    offset = 0;
    padding = slab_.size() - write_;
  }
  const std::size_t need = bytes + padding;
  if (need > slab_.size() - bytes_in_use_) return kNone;
  const std::size_t i = (tail_ + in_use_) % slots_.size();
  TxSlot& s = slots_[i];
  s = TxSlot{};
  s.offset = static_cast<std::uint32_t>(offset);
  s.length = static_cast<std::uint32_t>(bytes);
  s.reserved = static_cast<std::uint32_t>(need);
  s.state = TxSlotState::queued;
  write_ = (offset + bytes) % slab_.size();
  bytes_in_use_ += need;
  ++in_use_;
  return static_cast<std::int32_t>(i);
}

void TxSlots::cancel_newest(std::uint32_t slot) {
  if (in_use_ == 0 || (tail_ + in_use_ - 1) % slots_.size() != slot) return;
  TxSlot& s = slots_[slot];
  bytes_in_use_ -= s.reserved;
  // The slot's start minus its padding is where write_ stood before.
  write_ = (s.offset + slab_.size() - (s.reserved - s.length)) % slab_.size();
  s.state = TxSlotState::free;
  --in_use_;
}

bool TxSlots::shrink_newest(std::uint32_t slot, std::size_t bytes) {
  if (in_use_ == 0 || (tail_ + in_use_ - 1) % slots_.size() != slot) return false;
  TxSlot& s = slots_[slot];
  if (bytes > s.length) return false;
  const std::size_t freed = s.length - bytes;
  s.length = static_cast<std::uint32_t>(bytes);
  s.reserved -= static_cast<std::uint32_t>(freed);
  bytes_in_use_ -= freed;
  write_ = (s.offset + bytes) % slab_.size();
  return true;
}

void TxSlots::finish(std::uint32_t slot) {
  slots_[slot].state = TxSlotState::done;
  // Reclaims at most every slot once.
  while (in_use_ > 0 && slots_[tail_].state == TxSlotState::done) {
    bytes_in_use_ -= slots_[tail_].reserved;
    slots_[tail_].state = TxSlotState::free;
    tail_ = (tail_ + 1) % slots_.size();
    --in_use_;
  }
}

MutByteSpan TxSlots::payload(std::uint32_t i) {
  return MutByteSpan(slab_.data() + slots_[i].offset, slots_[i].length);
}

SendVerdict judge_send_result(int res, const TxSlot& slot) {
  if (res >= 0) return SendVerdict::sent;
  const int err = -res;
  if (err == EAGAIN || err == ENOBUFS || err == EINTR) return SendVerdict::retry;
  if (err == EIO && slot.segment_size != 0 && !slot.split && slot.segments() > 1) return SendVerdict::resplit;
  if (err == EMSGSIZE) return SendVerdict::dropped_emsgsize;
  if (err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH || err == EPERM)
    return SendVerdict::dropped_unreachable;
  // Older kernels: no SENDMSG_ZC with registered buffers (6.15), no
  // SENDMSG_ZC (6.1), or no usage reporting (6.2).
  if (slot.zero_copy && (err == EINVAL || err == EOPNOTSUPP || err == EFAULT)) return SendVerdict::zc_unsupported;
  return SendVerdict::failed;
}

}  // namespace tquic::io
