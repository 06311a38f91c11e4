#include "transport/recovery/rtt_estimator.h"

#include <algorithm>

#include "transport/recovery/time_math.h"

namespace tquic::transport {

RttEstimator::RttEstimator(Duration initial_rtt)
    : initial_rtt_(std::max(initial_rtt, kGranularity)),
      smoothed_rtt_(initial_rtt_),
      rttvar_(initial_rtt_ / 2) {}

void RttEstimator::reset() {
  latest_rtt_ = Duration::zero();
  smoothed_rtt_ = initial_rtt_;
  rttvar_ = initial_rtt_ / 2;
  min_rtt_ = Duration::zero();
  first_rtt_sample_ = Timestamp{};
  has_sample_ = false;
  restart_min_rtt_ = false;
}

void RttEstimator::set_initial_rtt(Duration initial_rtt) {
  initial_rtt_ = std::max(initial_rtt, kGranularity);
  if (!has_sample_) {
    smoothed_rtt_ = initial_rtt_;
    rttvar_ = initial_rtt_ / 2;
  }
}

// RFC 9002 §5.3: "On the first RTT sample after initialization, the estimator
// is reset using that sample."
void RttEstimator::first_sample(const RttSample& sample) {
  latest_rtt_ = std::max(sample.latest_rtt, Duration::zero());
  min_rtt_ = latest_rtt_;
  min_rtt_ack_path_ = sample.ack_path_id;
  smoothed_rtt_ = latest_rtt_;
  rttvar_ = latest_rtt_ / 2;
  first_rtt_sample_ = sample.now;
  has_sample_ = true;
  restart_min_rtt_ = false;
}

// RFC 9002 §5.2: min_rtt ignores acknowledgment delay. Multipath: restart when
// the ACKs now arrive over a different path than the one that set min_rtt.
void RttEstimator::update_min_rtt(const RttSample& sample) {
  if (restart_min_rtt_ || sample.ack_path_id != min_rtt_ack_path_) {
    min_rtt_ = latest_rtt_;
    min_rtt_ack_path_ = sample.ack_path_id;
    restart_min_rtt_ = false;
    return;
  }
  min_rtt_ = std::min(min_rtt_, latest_rtt_);
}

void RttEstimator::on_sample(const RttSample& sample) {
  if (!has_sample_) {
    first_sample(sample);
    return;
  }
  latest_rtt_ = std::max(sample.latest_rtt, Duration::zero());
  update_min_rtt(sample);

  Duration ack_delay = std::max(sample.ack_delay, Duration::zero());
  if (sample.handshake_confirmed) ack_delay = std::min(ack_delay, sample.max_ack_delay);

  // Adjust for acknowledgment delay only if plausible:
  // latest_rtt >= min_rtt + ack_delay, written so nothing can overflow.
  Duration adjusted_rtt = latest_rtt_;
  if (latest_rtt_ - min_rtt_ >= ack_delay) adjusted_rtt = latest_rtt_ - ack_delay;

  // Appendix A.7 order: rttvar uses the previous smoothed_rtt.
  const Duration rttvar_sample =
      smoothed_rtt_ > adjusted_rtt ? smoothed_rtt_ - adjusted_rtt : adjusted_rtt - smoothed_rtt_;
  rttvar_ = rttvar_ - rttvar_ / 4 + rttvar_sample / 4;
  smoothed_rtt_ = smoothed_rtt_ - smoothed_rtt_ / 8 + adjusted_rtt / 8;
}

void RttEstimator::on_persistent_congestion() {
  if (has_sample_) min_rtt_ = latest_rtt_;
}

void RttEstimator::on_ack_path_abandoned(std::uint64_t ack_path_id) {
  if (has_sample_ && ack_path_id == min_rtt_ack_path_) restart_min_rtt_ = true;
}

Duration RttEstimator::pto_base() const {
  return saturating_add(smoothed_rtt_, std::max(saturating_mul(rttvar_, 4), kGranularity));
}

}  // namespace tquic::transport
