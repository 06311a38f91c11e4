// Loss detection and the probe timeout for one path (RFC 9002 §6, Appendix A).
//
// One LossDetection per path. It owns the path's RttEstimator, its pto_count
// and, per packet number space, the sent packets, largest_acked_packet,
// loss_time and time_of_last_ack_eliciting_packet. The path the handshake
// runs on uses all three spaces; under multipath every further path uses only
// its own application_data space (draft-ietf-quic-multipath: per-path packet
// number spaces, RTT and PTO), so multipath is more instances, not new code.
// The connection's loss/PTO deadline is the earliest loss_detection_timer()
// over its paths.
//
// Nothing here reads a clock or allocates per packet. Per-packet results go to
// a caller-provided sink (see RecoverySink) in RFC order: lost packets first,
// then newly acknowledged ones, so a congestion controller sees
// OnPacketsLost before OnPacketsAcked. Aggregates (bytes acked/lost, send
// time of the last loss, persistent congestion) come back as plain data.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.h"
#include "base/time.h"
#include "transport/recovery/packet_number_space.h"
#include "transport/recovery/rtt_estimator.h"
#include "transport/recovery/sent_packet.h"
#include "transport/recovery/sent_packet_map.h"
#include "wire/ack_range.h"

namespace tquic::transport {

// RFC 9002 Appendix A.2 / §7.6.
inline constexpr std::uint64_t kPacketThreshold = 3;
inline constexpr std::int64_t kTimeThresholdNumerator = 9;  // kTimeThreshold = 9/8
inline constexpr std::int64_t kTimeThresholdDenominator = 8;
inline constexpr std::int64_t kPersistentCongestionThreshold = 3;

// A sink receives one call per packet leaving the sent-packet map:
//  on_packet_acked     newly acknowledged;
//  on_packet_lost      declared lost (requeue its frames, tell the CC);
//  on_packet_discarded keys discarded / 0-RTT rejected: neither acked nor
//                      lost, only removed from bytes in flight.
// Calls are made synchronously; the sink must not call back into the
// LossDetection that is reporting.
template <class S>
concept RecoverySink = requires(S& sink, PacketNumberSpace space, const SentPacket& packet) {
  sink.on_packet_acked(space, packet);
  sink.on_packet_lost(space, packet);
  sink.on_packet_discarded(space, packet);
};

// Ignores every event (handy base class: derived sinks hide what they need).
struct NullRecoverySink {
  void on_packet_acked(PacketNumberSpace, const SentPacket&) {}
  void on_packet_lost(PacketNumberSpace, const SentPacket&) {}
  void on_packet_discarded(PacketNumberSpace, const SentPacket&) {}
};

// Non-owning, allocation-free reference to any RecoverySink (an object
// pointer plus a static table of three function pointers).
class RecoverySinkRef {
 public:
  template <RecoverySink S>
  explicit RecoverySinkRef(S& sink) : object_(&sink), table_(&kTable<S>) {}

  void acked(PacketNumberSpace s, const SentPacket& p) const { table_->acked(object_, s, p); }
  void lost(PacketNumberSpace s, const SentPacket& p) const { table_->lost(object_, s, p); }
  void discarded(PacketNumberSpace s, const SentPacket& p) const { table_->discarded(object_, s, p); }

 private:
  using Fn = void (*)(void*, PacketNumberSpace, const SentPacket&);
  struct Table {
    Fn acked;
    Fn lost;
    Fn discarded;
  };
  template <class S>
  static constexpr Table kTable{
      [](void* o, PacketNumberSpace s, const SentPacket& p) { static_cast<S*>(o)->on_packet_acked(s, p); },
      [](void* o, PacketNumberSpace s, const SentPacket& p) { static_cast<S*>(o)->on_packet_lost(s, p); },
      [](void* o, PacketNumberSpace s, const SentPacket& p) {
        static_cast<S*>(o)->on_packet_discarded(s, p);
      }};

  void* object_;
  const Table* table_;
};

// The parts of a received ACK / PATH_ACK frame that recovery needs.
struct AckFrameInfo {
  std::span<const wire::AckRange> ranges;  // descending; ranges[0].largest = Largest Acknowledged
  Duration ack_delay{};                    // decoded: field << ack_delay_exponent, in time units
  std::uint64_t frame_type = 0x02;         // reported in errors
  std::uint64_t ack_path_id = 0;           // path the frame arrived on (multipath RTT)
};

// Losses found by one detection run (RFC 9002 Appendix B.9 OnPacketsLost inputs).
struct LossSummary {
  std::uint64_t packets_lost = 0;
  std::uint64_t bytes_lost = 0;        // in-flight bytes to remove from bytes_in_flight
  bool congestion_event = false;       // an in-flight packet other than a PMTU probe was lost
  Timestamp sent_time_of_last_loss{};  // largest time_sent of those; valid if congestion_event
  bool persistent_congestion = false;  // RFC 9002 §7.6 (only on ACK receipt)
};

struct AckOutcome {
  std::uint64_t packets_acked = 0;            // newly acknowledged packets
  std::uint64_t bytes_acked = 0;              // their in-flight bytes
  std::uint64_t largest_newly_acked = 0;      // valid if packets_acked > 0
  Timestamp largest_newly_acked_time_sent{};  // for an ECN-CE congestion event (Appendix B.7)
  bool rtt_updated = false;                   // this ACK produced an RTT sample
  LossSummary loss;
};

enum class TimeoutAction : std::uint8_t {
  none,                 // timer not armed or not yet expired: nothing happened
  loss_detected,        // time-threshold loss in `space`, see `loss`
  pto_probe,            // send one or two ack-eliciting probes in `space`
  anti_deadlock_probe,  // client: send an ack-eliciting Handshake packet if it has
                        // Handshake keys, else a padded Initial (Appendix A.9)
};

struct TimeoutOutcome {
  TimeoutAction action = TimeoutAction::none;
  PacketNumberSpace space = PacketNumberSpace::initial;
  LossSummary loss;
};

struct LossDetectionConfig {
  bool is_server = false;
  bool handshake_confirmed = false;  // true for paths opened after the handshake
  Duration initial_rtt = RttEstimator::kDefaultInitialRtt;
  Duration peer_max_ack_delay = 25ms;  // RFC 9000 §18.2 default
  std::uint64_t packet_threshold = kPacketThreshold;
  std::size_t initial_sent_capacity = SentPacketMap::kDefaultInitialCapacity;
  std::size_t max_sent_window = SentPacketMap::kDefaultMaxWindow;
};

class LossDetection {
 public:
  explicit LossDetection(const LossDetectionConfig& config = {});

  // ---- Facts from the rest of the connection (each re-arms the timer). ----
  void on_handshake_confirmed(Timestamp now);
  // Use the largest max_ack_delay in force or requested by an ACK_FREQUENCY
  // frame still in flight (draft-ietf-quic-ack-frequency §"Computation of
  // Probe Timeout Period").
  void set_peer_max_ack_delay(Duration max_ack_delay, Timestamp now);
  // Server at its anti-amplification limit: the PTO is not armed (RFC 9002
  // §6.2.2.1). When a datagram lifts the limit, call with false; if
  // loss_detection_timer() is then <= now, call on_loss_detection_timeout.
  void set_anti_amplification_blocked(bool blocked, Timestamp now);
  // Packet reordering threshold (adaptive schemes; RFC 9002 says >= 3).
  void set_packet_threshold(std::uint64_t threshold);
  std::uint64_t packet_threshold() const { return packet_threshold_; }

  // ---- Events. ----
  // OnPacketSent: `packet.time_sent` is "now". Every sent packet is recorded
  // (ACK-only ones too, so the transport learns when its ACKs were acked).
  Status on_packet_sent(const SentPacket& packet);

  // OnAckReceived for an ACK in `space`. Errors (nothing changed): ranges not
  // descending / empty -> FRAME_ENCODING_ERROR; acknowledging a packet number
  // never sent -> PROTOCOL_VIOLATION (RFC 9000 §13.1).
  template <RecoverySink S>
  Result<AckOutcome> on_ack_received(PacketNumberSpace space, const AckFrameInfo& ack, Timestamp now,
                                     S& sink) {
    return process_ack(space, ack, now, RecoverySinkRef(sink));
  }

  // OnLossDetectionTimeout. Safe to call at any time: before the timer
  // expires it does nothing and returns TimeoutAction::none.
  template <RecoverySink S>
  TimeoutOutcome on_loss_detection_timeout(Timestamp now, S& sink) {
    return process_timeout(now, RecoverySinkRef(sink));
  }

  // OnPacketNumberSpaceDiscarded (RFC 9002 §6.4, Appendix A.11): every
  // outstanding packet goes to on_packet_discarded, pto_count resets. Also
  // usable for application_data when a path is abandoned (the transport then
  // requeues the frames on another path).
  template <RecoverySink S>
  void discard_space(PacketNumberSpace space, Timestamp now, S& sink) {
    discard(space, /*zero_rtt_only=*/false, now, RecoverySinkRef(sink));
  }

  // 0-RTT rejected: outstanding 0-RTT packets are discarded (RFC 9002 §6.4).
  template <RecoverySink S>
  void discard_zero_rtt(Timestamp now, S& sink) {
    discard(PacketNumberSpace::application_data, /*zero_rtt_only=*/true, now, RecoverySinkRef(sink));
  }

  // ---- State. ----
  // The single loss-detection/PTO deadline of this path; kTimeInfinite if unarmed.
  Timestamp loss_detection_timer() const { return loss_detection_timer_; }
  RttEstimator& rtt() { return rtt_; }
  const RttEstimator& rtt() const { return rtt_; }
  std::uint32_t pto_count() const { return pto_count_; }
  bool handshake_confirmed() const { return handshake_confirmed_; }
  bool peer_completed_address_validation() const;

  std::uint64_t bytes_in_flight() const;
  std::uint64_t bytes_in_flight(PacketNumberSpace space) const { return at(space).bytes_in_flight; }
  std::size_t ack_eliciting_in_flight(PacketNumberSpace space) const {
    return at(space).ack_eliciting_in_flight;
  }
  bool has_largest_acked(PacketNumberSpace space) const { return at(space).has_largest_acked; }
  std::uint64_t largest_acked(PacketNumberSpace space) const { return at(space).largest_acked; }
  // kTimeInfinite when no time-threshold loss is pending in the space.
  Timestamp loss_time(PacketNumberSpace space) const { return at(space).loss_time; }
  Timestamp time_of_last_ack_eliciting_packet(PacketNumberSpace space) const {
    return at(space).time_of_last_ack_eliciting_packet;
  }
  const SentPacketMap& sent_packets(PacketNumberSpace space) const { return at(space).sent; }

  // PTO period without backoff: max_ack_delay counts only for application_data.
  Duration pto_period(PacketNumberSpace space) const;
  // (smoothed_rtt + max(4*rttvar, kGranularity) + max_ack_delay) * 3 (§7.6.1).
  Duration persistent_congestion_duration() const;

 private:
  struct Space {
    SentPacketMap sent;
    std::uint64_t largest_acked = 0;
    bool has_largest_acked = false;
    Timestamp loss_time = kTimeInfinite;
    Timestamp time_of_last_ack_eliciting_packet{};
    std::uint64_t bytes_in_flight = 0;
    std::size_t ack_eliciting_in_flight = 0;
  };
  struct TimeAndSpace {
    Timestamp time = kTimeInfinite;
    PacketNumberSpace space = PacketNumberSpace::initial;
  };
  class PersistentCongestionScan;

  Space& at(PacketNumberSpace space) { return spaces_[index_of(space)]; }
  const Space& at(PacketNumberSpace space) const { return spaces_[index_of(space)]; }

  Result<AckOutcome> process_ack(PacketNumberSpace space, const AckFrameInfo& ack, Timestamp now,
                                 RecoverySinkRef sink);
  Status validate_ack(const Space& s, const AckFrameInfo& ack) const;
  bool mark_newly_acked(Space& s, const AckFrameInfo& ack, AckOutcome& out);
  void update_rtt(PacketNumberSpace space, const AckFrameInfo& ack, Timestamp now,
                  Timestamp largest_time_sent);
  void report_newly_acked(PacketNumberSpace space, Space& s, const AckFrameInfo& ack,
                          RecoverySinkRef sink);
  LossSummary detect_and_remove_lost_packets(PacketNumberSpace space, Timestamp now, bool on_ack,
                                             RecoverySinkRef sink);
  void declare_lost(PacketNumberSpace space, Space& s, SentPacket& p, LossSummary& sum,
                    RecoverySinkRef sink);
  void remove_from_flight(Space& s, const SentPacket& p);
  TimeoutOutcome process_timeout(Timestamp now, RecoverySinkRef sink);
  void discard(PacketNumberSpace space, bool zero_rtt_only, Timestamp now, RecoverySinkRef sink);

  void set_loss_detection_timer(Timestamp now);
  TimeAndSpace get_loss_time_and_space() const;
  TimeAndSpace get_pto_time_and_space(Timestamp now) const;
  bool any_ack_eliciting_in_flight() const;
  Duration loss_delay() const;

  std::array<Space, kPacketNumberSpaceCount> spaces_;
  RttEstimator rtt_;
  Duration peer_max_ack_delay_;
  std::uint64_t packet_threshold_;
  Timestamp loss_detection_timer_ = kTimeInfinite;
  std::uint32_t pto_count_ = 0;
  bool is_server_;
  bool handshake_confirmed_;
  bool handshake_ack_received_ = false;
  bool anti_amplification_blocked_ = false;
};

}  // namespace tquic::transport
