#include "transport/recovery/sent_packet_map.h"

#include <algorithm>
#include <bit>

namespace tquic::transport {

namespace {

std::size_t round_up_pow2(std::size_t n) { return std::bit_ceil(std::max<std::size_t>(n, 1)); }

}  // namespace

SentPacketMap::SentPacketMap(std::size_t initial_capacity, std::size_t max_window)
    : initial_capacity_(initial_capacity ? initial_capacity : kDefaultInitialCapacity),
      max_window_(std::max<std::size_t>(max_window, 1)) {}

bool SentPacketMap::can_insert(std::uint64_t packet_number) const {
  if (packet_number < end_) return false;
  // With nothing outstanding the window restarts (at the latest at this packet).
  return outstanding_ == 0 || packet_number - begin_ < max_window_;
}

// Grows the ring so that `needed` consecutive packet numbers fit; the live
// window is moved slot by slot (indices change with the mask).
bool SentPacketMap::grow(std::size_t needed) {
  std::size_t new_capacity = round_up_pow2(std::max(needed, initial_capacity_));
  if (capacity_ != 0) new_capacity = std::max(new_capacity, capacity_ * 2);
  std::unique_ptr<SentPacket[]> fresh(new (std::nothrow) SentPacket[new_capacity]);
  if (!fresh) return false;
  const std::size_t new_mask = new_capacity - 1;
  for (std::uint64_t pn = begin_; pn < end_; ++pn) fresh[pn & new_mask] = slots_[pn & mask_];
  slots_ = std::move(fresh);
  capacity_ = new_capacity;
  mask_ = new_mask;
  ++allocations_;
  return true;
}

void SentPacketMap::mark_skipped(std::uint64_t from, std::uint64_t to) {
  for (std::uint64_t pn = from; pn < to; ++pn) {
    SentPacket& slot = slots_[pn & mask_];
    slot = SentPacket{};
    slot.packet_number = pn;
    slot.state = SentPacketState::never_sent;
    ++skipped_in_window_;
  }
}

Status SentPacketMap::insert(const SentPacket& packet) {
  const std::uint64_t pn = packet.packet_number;
  if (pn < end_) return Error::local("sent packet number does not increase");
  if (!can_insert(pn)) return Error::local("sent packet window exceeds its maximum");
  if (outstanding_ == 0) {
    // Nothing outstanding: forget the tombstones. Numbers skipped since the
    // last packet stay detectable, unless remembering them would need more
    // slots than the ring has: an empty map never grows for a gap.
    begin_ = end_;
    skipped_in_window_ = 0;
    const std::size_t slots = std::max(capacity_, initial_capacity_);
    if (pn - begin_ >= slots) begin_ = end_ = pn;
  }
  const std::size_t needed = static_cast<std::size_t>(pn - begin_) + 1;
  if (needed > capacity_ && !grow(needed)) return Error::local("out of memory for sent packets");
  mark_skipped(end_, pn);
  SentPacket& slot = slots_[pn & mask_];
  slot = packet;
  slot.state = SentPacketState::outstanding;
  end_ = pn + 1;
  ++outstanding_;
  return ok_status();
}

SentPacketState SentPacketMap::state(std::uint64_t packet_number) const {
  if (packet_number >= end_) return SentPacketState::never_sent;
  if (packet_number < begin_) return SentPacketState::retired;
  return slots_[packet_number & mask_].state;
}

const SentPacket* SentPacketMap::find(std::uint64_t packet_number) const {
  if (state(packet_number) != SentPacketState::outstanding) return nullptr;
  return &slots_[packet_number & mask_];
}

void SentPacketMap::set_state(std::uint64_t packet_number, SentPacketState state) {
  SentPacket& slot = at(packet_number);
  const bool was_outstanding = slot.state == SentPacketState::outstanding;
  const bool is_outstanding = state == SentPacketState::outstanding;
  if (slot.state == SentPacketState::never_sent) --skipped_in_window_;
  if (state == SentPacketState::never_sent) ++skipped_in_window_;
  if (was_outstanding && !is_outstanding) --outstanding_;
  if (!was_outstanding && is_outstanding) ++outstanding_;
  slot.state = state;
}

void SentPacketMap::advance() {
  while (begin_ < end_) {
    const SentPacket& slot = slots_[begin_ & mask_];
    if (slot.state == SentPacketState::outstanding) return;
    if (slot.state == SentPacketState::never_sent) --skipped_in_window_;
    ++begin_;
  }
}

void SentPacketMap::clear() {
  begin_ = end_;
  outstanding_ = 0;
  skipped_in_window_ = 0;
}

}  // namespace tquic::transport
