#include "transport/recovery/received_packet_tracker.h"

#include <algorithm>

#include "transport/recovery/time_math.h"

namespace tquic::transport {

// ------------------------------------------------------ ACK_FREQUENCY ------

Result<bool> AckFrequencyState::on_frame(const AckFrequencyFrame& frame) {
  // Values of 2^14 ms or more are invalid for max_ack_delay (RFC 9000 §18.2),
  // as is anything below the min_ack_delay we advertised.
  constexpr std::uint64_t kMaxAckDelayLimitUs = (std::uint64_t{1} << 14) * 1000;
  const auto min_us = static_cast<std::uint64_t>(std::max<std::int64_t>(to_us(min_ack_delay_), 0));
  if (frame.requested_max_ack_delay_us >= kMaxAckDelayLimitUs ||
      frame.requested_max_ack_delay_us < min_us) {
    return Error::transport(TransportErrorCode::PROTOCOL_VIOLATION, "invalid Requested Max Ack Delay",
                            kFrameType);
  }
  if (any_frame_ && frame.sequence_number <= largest_sequence_) return false;  // obsolete
  any_frame_ = true;
  largest_sequence_ = frame.sequence_number;
  policy_.ack_eliciting_threshold = frame.ack_eliciting_threshold;
  policy_.max_ack_delay =
      std::chrono::microseconds(static_cast<std::int64_t>(frame.requested_max_ack_delay_us));
  policy_.reordering_threshold = frame.reordering_threshold;
  return true;
}

// ------------------------------------------------------ range table --------

ReceivedPacketTracker::ReceivedPacketTracker(PacketNumberSpace space, const AckPolicy& policy)
    : space_(space), policy_(policy) {}

// Where `pn` goes in the descending range table.
ReceivedPacketTracker::Placement ReceivedPacketTracker::locate(std::uint64_t pn) const {
  if (pn < floor_) return {InsertPlace::duplicate, 0};
  for (std::size_t i = 0; i < range_count_; ++i) {
    const wire::AckRange& r = ranges_[i];
    if (pn > r.largest + 1) return {InsertPlace::new_range, i};
    if (pn + 1 >= r.smallest) {
      return {r.contains(pn) ? InsertPlace::duplicate : InsertPlace::extend, i};
    }
  }
  // Older than every range: needs a new oldest range.
  if (range_count_ == kMaxAckRanges) return {InsertPlace::no_room, range_count_};
  return {InsertPlace::new_range, range_count_};
}

bool ReceivedPacketTracker::is_duplicate(std::uint64_t packet_number) const {
  const InsertPlace place = locate(packet_number).place;
  return place == InsertPlace::duplicate || place == InsertPlace::no_room;
}

void ReceivedPacketTracker::erase_range(std::size_t index) {
  std::copy(ranges_.begin() + static_cast<std::ptrdiff_t>(index) + 1,
            ranges_.begin() + static_cast<std::ptrdiff_t>(range_count_),
            ranges_.begin() + static_cast<std::ptrdiff_t>(index));
  --range_count_;
}

// `pn` is adjacent to ranges_[index]: grow it, merging with the next
// (older) range when the hole between them closes.
void ReceivedPacketTracker::extend(std::size_t index, std::uint64_t pn) {
  wire::AckRange& r = ranges_[index];
  if (pn == r.largest + 1) {
    r.largest = pn;
    return;
  }
  r.smallest = pn;
  if (index + 1 < range_count_ && ranges_[index + 1].largest + 1 == pn) {
    r.smallest = ranges_[index + 1].smallest;
    erase_range(index + 1);
  }
}

// New single-packet range at `index`. A full table forgets its oldest range
// (RFC 9000 §13.2.3) and refuses packets up to it from then on.
void ReceivedPacketTracker::insert_range(std::size_t index, std::uint64_t pn) {
  if (range_count_ == kMaxAckRanges) {
    floor_ = std::max(floor_, ranges_[range_count_ - 1].largest + 1);
    --range_count_;
  }
  std::copy_backward(ranges_.begin() + static_cast<std::ptrdiff_t>(index),
                     ranges_.begin() + static_cast<std::ptrdiff_t>(range_count_),
                     ranges_.begin() + static_cast<std::ptrdiff_t>(range_count_) + 1);
  ranges_[index] = wire::AckRange{pn, pn};
  ++range_count_;
}

void ReceivedPacketTracker::insert(std::uint64_t pn, Placement at) {
  if (at.place == InsertPlace::extend) {
    extend(at.index, pn);
  } else {
    insert_range(at.index, pn);
  }
}

std::size_t ReceivedPacketTracker::range_index_of(std::uint64_t pn) const {
  for (std::size_t i = 0; i < range_count_; ++i) {
    if (ranges_[i].contains(pn)) return i;
  }
  return range_count_;
}

// ------------------------------------------------------ receiving ----------

void ReceivedPacketTracker::count_ecn(EcnCodepoint ecn) {
  switch (ecn) {
    case EcnCodepoint::ect0: ++ecn_.ect0; break;
    case EcnCodepoint::ect1: ++ecn_.ect1; break;
    case EcnCodepoint::ce: ++ecn_.ce; break;
    case EcnCodepoint::not_ect: break;
  }
}

ReceiveResult ReceivedPacketTracker::on_packet_received(std::uint64_t packet_number, bool ack_eliciting,
                                                        EcnCodepoint ecn, Timestamp now) {
  const Placement at = locate(packet_number);
  if (at.place == InsertPlace::duplicate || at.place == InsertPlace::no_room) {
    return ReceiveResult::duplicate;  // duplicates do not touch the ECN counts (RFC 9000 §13.4.1)
  }
  insert(packet_number, at);
  if (!any_received_ || packet_number > largest_received_) {
    largest_received_ = packet_number;
    largest_received_time_ = now;
  }
  any_received_ = true;
  unacked_packets_ = true;
  count_ecn(ecn);
  const bool ce_transition = ecn == EcnCodepoint::ce && !last_was_ce_;
  last_was_ce_ = ecn == EcnCodepoint::ce;
  if (!ack_eliciting) return ReceiveResult::recorded;

  const std::uint64_t prev_largest = largest_ack_eliciting_;
  const bool had_ack_eliciting = any_ack_eliciting_;
  if (!any_ack_eliciting_ || packet_number > largest_ack_eliciting_) largest_ack_eliciting_ = packet_number;
  any_ack_eliciting_ = true;
  ++ack_eliciting_since_ack_;

  const bool ce_triggers = policy_.ack_eliciting_threshold <= 1 ? ecn == EcnCodepoint::ce : ce_transition;
  if (ce_triggers || ack_now(packet_number, prev_largest, had_ack_eliciting)) {
    ack_deadline_ = std::min(ack_deadline_, now);
  } else if (ack_deadline_ == kTimeInfinite) {
    ack_deadline_ = saturating_add(now, policy_.max_ack_delay);
  }
  return ReceiveResult::recorded;
}

// Whether this ack-eliciting packet calls for an ACK without delay.
bool ReceivedPacketTracker::ack_now(std::uint64_t pn, std::uint64_t prev_largest_ack_eliciting,
                                    bool had_ack_eliciting) const {
  // Initial and Handshake packets are acknowledged immediately (RFC 9000 §13.2.1).
  if (space_ != PacketNumberSpace::application_data) return true;
  if (ack_eliciting_since_ack_ > policy_.ack_eliciting_threshold) return true;
  return reordering_triggers(pn, prev_largest_ack_eliciting, had_ack_eliciting);
}

bool ReceivedPacketTracker::reordering_triggers(std::uint64_t pn, std::uint64_t prev_largest_ack_eliciting,
                                                bool had_ack_eliciting) const {
  if (policy_.reordering_threshold == 0) return false;
  if (policy_.reordering_threshold > 1) return reordering_threshold_triggers(pn);
  // RFC 9000 §13.2.1: below another ack-eliciting packet, or above the largest
  // with missing packets in between (packets under the floor are settled).
  if (!had_ack_eliciting) return false;
  if (pn < prev_largest_ack_eliciting) return true;
  const std::size_t i = range_index_of(pn);
  if (i == range_count_) return false;
  return ranges_[i].smallest > std::max(prev_largest_ack_eliciting + 1, floor_);
}

// Smallest packet number >= lower_bound not received, if it lies below the
// largest range's top.
bool ReceivedPacketTracker::smallest_missing_from(std::uint64_t lower_bound, std::uint64_t& missing) const {
  std::uint64_t candidate = lower_bound;
  for (std::size_t i = range_count_; i-- > 0;) {
    const wire::AckRange& r = ranges_[i];
    if (r.largest < candidate) continue;
    if (r.smallest > candidate) {
      missing = candidate;
      return true;
    }
    candidate = r.largest + 1;
  }
  return false;
}

// draft-ietf-quic-ack-frequency §"Response to Out-of-Order Packets" for a
// Reordering Threshold above 1.
bool ReceivedPacketTracker::reordering_threshold_triggers(std::uint64_t pn) const {
  const std::uint64_t threshold = policy_.reordering_threshold;
  const bool reported = any_ack_sent_ && largest_acked_sent_ >= threshold;
  // Already behind the Largest Reported Missing: the sender may have declared
  // it lost, tell it quickly.
  if (reported && pn <= largest_acked_sent_ - threshold) return true;
  std::uint64_t lower_bound = floor_;
  if (reported) lower_bound = std::max(lower_bound, largest_acked_sent_ - threshold + 1);
  std::uint64_t missing = 0;
  if (!smallest_missing_from(lower_bound, missing)) return false;
  return missing < largest_ack_eliciting_ && largest_ack_eliciting_ - missing >= threshold;
}

void ReceivedPacketTracker::on_immediate_ack_frame(Timestamp now) {
  ack_deadline_ = std::min(ack_deadline_, now);
}

void ReceivedPacketTracker::set_policy(const AckPolicy& policy) { policy_ = policy; }

// ------------------------------------------------------ sending ACKs -------

Duration ReceivedPacketTracker::ack_delay(Timestamp now) const {
  if (!any_received_) return Duration::zero();
  return elapsed_since(largest_received_time_, now);
}

void ReceivedPacketTracker::on_ack_sent() {
  ack_eliciting_since_ack_ = 0;
  ack_deadline_ = kTimeInfinite;
  unacked_packets_ = false;
  if (range_count_ == 0) return;
  largest_acked_sent_ = ranges_[0].largest;
  any_ack_sent_ = true;
}

void ReceivedPacketTracker::on_ack_frame_acknowledged(std::uint64_t largest_acked) {
  if (!any_received_) return;
  largest_acked = std::min(largest_acked, largest_received_);
  if (largest_acked < floor_) return;
  floor_ = largest_acked + 1;
  while (range_count_ > 0 && ranges_[range_count_ - 1].largest <= largest_acked) --range_count_;
  if (range_count_ > 0 && ranges_[range_count_ - 1].smallest <= largest_acked) {
    ranges_[range_count_ - 1].smallest = largest_acked + 1;
  }
}

}  // namespace tquic::transport
