// Received packets of one packet number space and the decision when to
// acknowledge them (the "ACK manager").
//
// Keeps what the next ACK frame reports: up to kMaxAckRanges ranges in
// descending order (wire::AckRange), the receive time of the largest packet
// (for ACK Delay) and the ECN counts. Decides when an ACK is due, returned as
// a deadline (RFC 9000 §13.2.1/13.2.2, draft-ietf-quic-ack-frequency):
//  - Initial and Handshake: every ack-eliciting packet at once;
//  - more than ack_eliciting_threshold ack-eliciting packets (default 1, i.e.
//    every second packet) -> at once; otherwise max_ack_delay after the first
//    unacknowledged ack-eliciting packet arrived;
//  - reordering per reordering_threshold (default 1 = RFC 9000: a packet
//    below the largest ack-eliciting one, or one that opens a gap);
//  - ECN-CE (every CE packet with threshold <= 1, the transition to CE above);
//  - IMMEDIATE_ACK frames.
// Non-ack-eliciting packets never make an ACK due (RFC 9000 §13.2.1).
//
// Duplicates are detected here: a packet already received, below the floor of
// forgotten ranges, or that would need a new oldest range while the range
// table is full, is reported as `duplicate` and must be dropped unprocessed.
// One tracker per packet number space; under multipath one per path for its
// application-data space. No allocation; no clock.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"
#include "base/time.h"
#include "transport/recovery/packet_number_space.h"
#include "wire/ack_range.h"

namespace tquic::transport {

// ECN field of the IP header (RFC 3168).
enum class EcnCodepoint : std::uint8_t { not_ect = 0b00, ect1 = 0b01, ect0 = 0b10, ce = 0b11 };

struct EcnCounts {
  std::uint64_t ect0 = 0;
  std::uint64_t ect1 = 0;
  std::uint64_t ce = 0;
  friend bool operator==(const EcnCounts&, const EcnCounts&) = default;
};

// How eagerly to acknowledge (draft-ietf-quic-ack-frequency §4). The defaults
// are RFC 9000's behaviour; max_ack_delay is our own transport parameter.
struct AckPolicy {
  std::uint64_t ack_eliciting_threshold = 1;
  Duration max_ack_delay = 25ms;
  std::uint64_t reordering_threshold = 1;
};

// Fields of a received ACK_FREQUENCY frame (type 0xaf).
struct AckFrequencyFrame {
  std::uint64_t sequence_number = 0;
  std::uint64_t ack_eliciting_threshold = 0;
  std::uint64_t requested_max_ack_delay_us = 0;
  std::uint64_t reordering_threshold = 0;
};

// Connection-level receiver of ACK_FREQUENCY frames: validates them and keeps
// the policy of the newest one. The transport then hands policy() to the
// application-data tracker(s) with ReceivedPacketTracker::set_policy.
class AckFrequencyState {
 public:
  static constexpr std::uint64_t kFrameType = 0xaf;

  // `local_min_ack_delay`: the min_ack_delay transport parameter we sent.
  explicit AckFrequencyState(const AckPolicy& initial = {}, Duration local_min_ack_delay = 1ms)
      : policy_(initial), min_ack_delay_(local_min_ack_delay) {}

  // Returns true if the frame was newer and its values now apply, false if it
  // was obsolete (ignored). An invalid Requested Max Ack Delay (>= 2^14 ms or
  // below our min_ack_delay) is a PROTOCOL_VIOLATION.
  Result<bool> on_frame(const AckFrequencyFrame& frame);

  const AckPolicy& policy() const { return policy_; }

 private:
  AckPolicy policy_;
  Duration min_ack_delay_;
  std::uint64_t largest_sequence_ = 0;
  bool any_frame_ = false;
};

enum class ReceiveResult : std::uint8_t {
  recorded,   // new packet: process it, it will be acknowledged
  duplicate,  // already received or no longer trackable: drop it
};

class ReceivedPacketTracker {
 public:
  static constexpr std::size_t kMaxAckRanges = 32;

  explicit ReceivedPacketTracker(PacketNumberSpace space, const AckPolicy& policy = {});

  // Pre-check before processing a packet's frames.
  bool is_duplicate(std::uint64_t packet_number) const;

  // Records a successfully processed packet received at `now`.
  ReceiveResult on_packet_received(std::uint64_t packet_number, bool ack_eliciting, EcnCodepoint ecn,
                                   Timestamp now);

  // An IMMEDIATE_ACK frame was received (draft-ietf-quic-ack-frequency §5).
  void on_immediate_ack_frame(Timestamp now);

  // Applies new ack-frequency values to the packets that follow (the count
  // since the last ACK and a pending deadline are kept).
  void set_policy(const AckPolicy& policy);
  const AckPolicy& policy() const { return policy_; }

  // When an ACK frame must be sent; kTimeInfinite if none is owed.
  Timestamp ack_deadline() const { return ack_deadline_; }
  // Packets (of any kind) arrived since the last ACK: worth piggybacking one.
  bool has_unacked_packets() const { return unacked_packets_; }

  // Contents of the next ACK frame.
  std::span<const wire::AckRange> ack_ranges() const { return {ranges_.data(), range_count_}; }
  // ACK Delay for an ACK sent at `now` (time since the largest was received).
  Duration ack_delay(Timestamp now) const;
  const EcnCounts& ecn_counts() const { return ecn_; }

  // An ACK frame carrying ack_ranges() was sent: counters and the deadline
  // reset; its Largest Acknowledged feeds the reordering logic.
  void on_ack_sent();

  // A packet carrying our ACK frame whose Largest Acknowledged was
  // `largest_acked` has itself been acknowledged: stop reporting packets up to
  // it (RFC 9000 §13.2.4) and refuse them from now on.
  void on_ack_frame_acknowledged(std::uint64_t largest_acked);

  bool has_received() const { return any_received_; }
  // Largest packet number received (kept even when ranges are pruned).
  std::uint64_t largest_received() const { return largest_received_; }
  // Packet numbers below this are refused as duplicates.
  std::uint64_t min_trackable() const { return floor_; }
  PacketNumberSpace space() const { return space_; }

 private:
  enum class InsertPlace : std::uint8_t { duplicate, extend, new_range, no_room };
  struct Placement {
    InsertPlace place = InsertPlace::duplicate;
    std::size_t index = 0;
  };

  Placement locate(std::uint64_t pn) const;
  void insert(std::uint64_t pn, Placement at);
  void extend(std::size_t index, std::uint64_t pn);
  void insert_range(std::size_t index, std::uint64_t pn);
  void erase_range(std::size_t index);
  std::size_t range_index_of(std::uint64_t pn) const;

  bool ack_now(std::uint64_t pn, std::uint64_t prev_largest_ack_eliciting, bool had_ack_eliciting) const;
  bool reordering_triggers(std::uint64_t pn, std::uint64_t prev_largest_ack_eliciting,
                           bool had_ack_eliciting) const;
  bool reordering_threshold_triggers(std::uint64_t pn) const;
  bool smallest_missing_from(std::uint64_t lower_bound, std::uint64_t& missing) const;
  void count_ecn(EcnCodepoint ecn);

  PacketNumberSpace space_;
  AckPolicy policy_;
  std::array<wire::AckRange, kMaxAckRanges> ranges_{};
  std::size_t range_count_ = 0;
  std::uint64_t floor_ = 0;  // packet numbers below are refused
  std::uint64_t largest_received_ = 0;
  Timestamp largest_received_time_{};
  std::uint64_t largest_ack_eliciting_ = 0;  // "Largest Unacked" of the ack-frequency draft
  std::uint64_t largest_acked_sent_ = 0;     // Largest Acknowledged of our last ACK
  std::uint64_t ack_eliciting_since_ack_ = 0;
  Timestamp ack_deadline_ = kTimeInfinite;
  EcnCounts ecn_;
  bool any_received_ = false;
  bool any_ack_eliciting_ = false;
  bool any_ack_sent_ = false;
  bool unacked_packets_ = false;
  bool last_was_ce_ = false;
};

}  // namespace tquic::transport
