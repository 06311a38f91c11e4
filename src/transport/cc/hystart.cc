#include "transport/cc/hystart.h"

#include <algorithm>

namespace tquic::transport {
namespace {

// RFC 9406 section 4.3 constants.
constexpr Duration kMinRttThresh = 4ms;
constexpr Duration kMaxRttThresh = 16ms;
constexpr std::int64_t kMinRttDivisor = 8;
constexpr std::uint32_t kNRttSample = 8;
constexpr std::uint32_t kCssRounds = 5;

}  // namespace

void HyStartPlusPlus::on_packet_sent(std::uint64_t packet_number) {
  largest_sent_ = std::max(largest_sent_, packet_number);
  if (!round_started_) {
    round_started_ = true;
    window_end_ = packet_number;
  }
}

void HyStartPlusPlus::start_round() {
  last_round_min_rtt_ = current_round_min_rtt_;
  current_round_min_rtt_ = Duration::max();
  rtt_sample_count_ = 0;
  window_end_ = largest_sent_;
}

HyStartPlusPlus::Action HyStartPlusPlus::on_ack(std::uint64_t largest_acked, Duration rtt,
                                                bool new_sample) {
  if (!enabled_) return Action::none;
  if (round_started_ && largest_acked >= window_end_) {
    start_round();
    if (in_css_ && ++css_rounds_ >= kCssRounds) {
      disable();
      return Action::exit_slow_start;
    }
  }
  if (!new_sample) return Action::none;
  current_round_min_rtt_ = std::min(current_round_min_rtt_, rtt);
  ++rtt_sample_count_;
  if (rtt_sample_count_ < kNRttSample || last_round_min_rtt_ == Duration::max()) {
    return Action::none;
  }
  if (!in_css_) {
    const Duration thresh =
        std::clamp(last_round_min_rtt_ / kMinRttDivisor, kMinRttThresh, kMaxRttThresh);
    if (current_round_min_rtt_ >= last_round_min_rtt_ + thresh) {
      in_css_ = true;
      css_rounds_ = 0;
      css_baseline_min_rtt_ = current_round_min_rtt_;
      return Action::enter_css;
    }
    return Action::none;
  }
  if (current_round_min_rtt_ < css_baseline_min_rtt_) {  // the RTT rise was spurious
    in_css_ = false;
    css_baseline_min_rtt_ = Duration::max();
    return Action::leave_css;
  }
  return Action::none;
}

}  // namespace tquic::transport
