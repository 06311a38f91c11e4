#include "transport/recovery/ecn_validator.h"

namespace tquic::transport {

std::string_view ecn_validation_state_name(EcnValidationState state) {
  switch (state) {
    case EcnValidationState::disabled: return "disabled";
    case EcnValidationState::testing: return "testing";
    case EcnValidationState::unknown: return "unknown";
    case EcnValidationState::capable: return "capable";
    case EcnValidationState::failed: return "failed";
  }
  return "?";
}

std::string_view ecn_failure_name(EcnFailure failure) {
  switch (failure) {
    case EcnFailure::none: return "none";
    case EcnFailure::counts_missing: return "counts_missing";
    case EcnFailure::counts_decreased: return "counts_decreased";
    case EcnFailure::ect1_remarked: return "ect1_remarked";
    case EcnFailure::too_many_marked: return "too_many_marked";
    case EcnFailure::marks_lost: return "marks_lost";
    case EcnFailure::all_marked_lost: return "all_marked_lost";
  }
  return "?";
}

void EcnValidator::reset(bool enabled) {
  state_ = enabled ? EcnValidationState::testing : EcnValidationState::disabled;
  failure_ = EcnFailure::none;
  testing_started_ = false;
  testing_deadline_ = Timestamp{};
  testing_datagrams_ = 0;
  marked_sent_ = 0;
  marked_acked_ = 0;
  marked_lost_ = 0;
}

bool EcnValidator::should_mark(Timestamp now, Duration pto) {
  if (state_ == EcnValidationState::testing) {
    if (!testing_started_) {
      testing_started_ = true;
      testing_deadline_ = now + kTestingPtos * pto;
    }
    if (testing_datagrams_ >= kTestingDatagrams || now >= testing_deadline_) end_testing();
  }
  return marking();
}

std::uint32_t EcnValidator::testing_budget() const {
  if (state_ != EcnValidationState::testing) return 0;
  return testing_datagrams_ < kTestingDatagrams ? kTestingDatagrams - testing_datagrams_ : 0;
}

void EcnValidator::on_datagram_sent(bool marked) {
  if (!marked || state_ != EcnValidationState::testing) return;
  if (++testing_datagrams_ >= kTestingDatagrams) end_testing();
}

void EcnValidator::on_packet_sent(EcnSpaceAccounting& space, bool marked) {
  if (!marked) return;
  ++space.ect0_sent;
  ++marked_sent_;
}

void EcnValidator::on_marked_packets_lost(std::uint64_t count) {
  marked_lost_ += count;
  // While testing, more marked packets may still get through.
  if (state_ == EcnValidationState::unknown && all_marked_lost()) fail(EcnFailure::all_marked_lost);
}

std::uint64_t EcnValidator::on_ack(EcnSpaceAccounting& space, const EcnAckInput& ack) {
  marked_acked_ += ack.newly_acked_ect0;
  // §13.4.2.1: an ACK that does not increase the largest acknowledged
  // packet number (reordered) must not fail validation; its counts are not
  // used either, the next ACK's counts cover them.
  if (space.has_largest_acked && ack.largest_acked <= space.largest_acked) return 0;
  space.largest_acked = ack.largest_acked;
  space.has_largest_acked = true;
  if (state_ == EcnValidationState::disabled || state_ == EcnValidationState::failed) return 0;
  if (!ack.counts) {
    if (ack.newly_acked_ect0 > 0) fail(EcnFailure::counts_missing);
    return 0;
  }
  const wire::EcnCounts& c = *ack.counts;
  if (const EcnFailure why = check_counts(space, c, ack.newly_acked_ect0); why != EcnFailure::none) {
    fail(why);
    return 0;
  }
  const std::uint64_t ce_increase = c.ecn_ce - space.reported.ecn_ce;
  space.reported = c;
  if (marked_acked_ > 0 && state_ != EcnValidationState::capable) state_ = EcnValidationState::capable;
  return ce_increase;
}

EcnFailure EcnValidator::check_counts(const EcnSpaceAccounting& space, const wire::EcnCounts& c,
                                      std::uint64_t newly_acked_ect0) const {
  const wire::EcnCounts& r = space.reported;
  if (c.ect0 < r.ect0 || c.ect1 < r.ect1 || c.ecn_ce < r.ecn_ce) return EcnFailure::counts_decreased;
  if (c.ect1 > 0) return EcnFailure::ect1_remarked;  // we only ever send ECT(0)
  // Counts come from the wire: compare without overflowing the sum.
  if (c.ect0 > space.ect0_sent || c.ecn_ce > space.ect0_sent - c.ect0) return EcnFailure::too_many_marked;
  const std::uint64_t increase = (c.ect0 - r.ect0) + (c.ecn_ce - r.ecn_ce);  // <= ect0_sent: no overflow
  if (increase < newly_acked_ect0) return EcnFailure::marks_lost;
  return EcnFailure::none;
}

void EcnValidator::fail(EcnFailure why) {
  state_ = EcnValidationState::failed;
  failure_ = why;
}

void EcnValidator::end_testing() {
  state_ = EcnValidationState::unknown;
  if (all_marked_lost()) fail(EcnFailure::all_marked_lost);
}

bool EcnValidator::all_marked_lost() const {
  return marked_sent_ > 0 && marked_acked_ == 0 && marked_lost_ >= marked_sent_;
}

}  // namespace tquic::transport
