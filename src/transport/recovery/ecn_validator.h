// ECN validation for one path (RFC 9000 §13.4.2, Appendix A.4) and the
// congestion signal it unlocks (RFC 9002 §7.1, Appendix B.7).
//
// States (Appendix A.4 plus `disabled`):
//   testing  the first kTestingDatagrams datagrams, or 3 PTOs from the first
//            marked one, are sent with ECT(0);
//   unknown  testing is over and no ACK has validated a marked packet yet:
//            nothing is marked;
//   capable  an ACK newly acknowledging marked packets passed every check:
//            every packet is marked, and CE increases are congestion signals;
//   failed   a check failed (or every marked packet was lost): never marked
//            again on this path;
//   disabled ECN marking is off by configuration.
// A validated ACK that acknowledges marked packets during testing moves the
// path straight to capable (Appendix A.4 allows other methods): marking then
// continues without a gap.
//
// ECN counts are per packet number space (RFC 9000 §13.4.1), so what was sent
// into a space and what the peer last reported for it live in an
// EcnSpaceAccounting owned by the space; the validator of the path that sends
// now reads and updates it. A new path gets a fresh validator, so re-marking
// after a path change validates afresh with the existing counts as baseline.
// Plain arithmetic: no clock, no allocation.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/time.h"
#include "transport/recovery/packet_number_space.h"
#include "wire/ack_frame.h"

namespace tquic::transport {

enum class EcnValidationState : std::uint8_t { disabled, testing, unknown, capable, failed };

// "disabled", "testing", "unknown", "capable", "failed".
std::string_view ecn_validation_state_name(EcnValidationState state);

// Why validation failed, for statistics and logs.
enum class EcnFailure : std::uint8_t {
  none,
  counts_missing,     // a marked packet newly acknowledged by an ACK without counts
  counts_decreased,   // a count went down (§13.4.2.1: counts are cumulative)
  ect1_remarked,      // an ECT(1) count although we never send ECT(1)
  too_many_marked,    // ECT(0)+CE above the number of ECT(0) packets we sent
  marks_lost,         // ECT(0)+CE increase below the newly acknowledged ECT(0) packets
  all_marked_lost,    // every marked packet was declared lost
};
std::string_view ecn_failure_name(EcnFailure failure);

// Per packet number space: what we sent with ECT(0) and the counts of the
// last ACK frame that passed validation (the baseline of the next one).
struct EcnSpaceAccounting {
  std::uint64_t ect0_sent = 0;
  wire::EcnCounts reported{};
  std::uint64_t largest_acked = 0;
  bool has_largest_acked = false;
};

// One received ACK frame, as the validator needs it.
struct EcnAckInput {
  std::uint64_t largest_acked = 0;          // Largest Acknowledged of the frame
  std::optional<wire::EcnCounts> counts{};  // absent for frame type 0x02
  std::uint64_t newly_acked_ect0 = 0;       // newly acknowledged packets sent with ECT(0)
};

class EcnValidator {
 public:
  static constexpr std::uint32_t kTestingDatagrams = 10;  // RFC 9000 §13.4.2: "first ten"
  static constexpr int kTestingPtos = 3;                  // "... or a period of three PTOs"

  explicit EcnValidator(bool enabled = true) { reset(enabled); }

  // Starts validation afresh (a new path, or revalidation).
  void reset(bool enabled);

  // Whether the next datagram goes out with ECT(0). The first call that
  // marks starts the testing period; a call after it ended moves testing to
  // unknown (or failed, if every marked packet was already lost).
  bool should_mark(Timestamp now, Duration pto);
  // While testing: how many more datagrams may be marked (0 otherwise).
  std::uint32_t testing_budget() const;

  // Accounting, per event. The datagram that uses up the testing budget
  // ends the testing period.
  void on_datagram_sent(bool marked);
  void on_packet_sent(EcnSpaceAccounting& space, bool marked);
  // Marked packets declared lost (RFC 9000 §13.4.2: all lost -> failed).
  void on_marked_packets_lost(std::uint64_t count);

  // Validates the counts of one ACK frame (§13.4.2.1) against `space`.
  // Returns the ECN-CE increase to treat as a congestion signal (0 if none,
  // if validation failed, or if ECN is not in use on this path).
  std::uint64_t on_ack(EcnSpaceAccounting& space, const EcnAckInput& ack);

  EcnValidationState state() const { return state_; }
  EcnFailure failure() const { return failure_; }
  bool marking() const { return state_ == EcnValidationState::testing || state_ == EcnValidationState::capable; }
  std::uint64_t marked_sent() const { return marked_sent_; }
  std::uint64_t marked_acked() const { return marked_acked_; }
  std::uint64_t marked_lost() const { return marked_lost_; }

 private:
  void fail(EcnFailure why);
  void end_testing();
  bool all_marked_lost() const;
  EcnFailure check_counts(const EcnSpaceAccounting& space, const wire::EcnCounts& c,
                          std::uint64_t newly_acked_ect0) const;

  EcnValidationState state_ = EcnValidationState::testing;
  EcnFailure failure_ = EcnFailure::none;
  bool testing_started_ = false;
  Timestamp testing_deadline_{};
  std::uint32_t testing_datagrams_ = 0;  // marked datagrams sent while testing
  std::uint64_t marked_sent_ = 0;        // marked QUIC packets since reset()
  std::uint64_t marked_acked_ = 0;
  std::uint64_t marked_lost_ = 0;
};

}  // namespace tquic::transport
