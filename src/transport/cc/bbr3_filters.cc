#include "transport/cc/bbr3_filters.h"

namespace tquic::transport {

// Kathleen Nichols' algorithm (as in Linux lib/win_minmax.c): keeps the
// best three samples of successively later time so the max can expire
// without storing the whole window.
std::uint64_t WindowedMaxFilter::update(std::uint64_t value, std::uint64_t time) {
  const Sample s{value, time};
  if (value >= best_[0].value || time - best_[2].time > window_) {
    reset(value, time);
    return get();
  }
  if (value >= best_[1].value) {
    best_[1] = s;
    best_[2] = s;
  } else if (value >= best_[2].value) {
    best_[2] = s;
  }
  // Expire samples that fell out of the window, promoting later ones.
  const std::uint64_t dt = time - best_[0].time;
  if (dt > window_) {
    best_[0] = best_[1];
    best_[1] = best_[2];
    best_[2] = s;
    if (time - best_[0].time > window_) {
      best_[0] = best_[1];
      best_[1] = best_[2];
    }
  } else if (best_[1].time == best_[0].time && dt > window_ / 4) {
    best_[1] = s;
    best_[2] = s;
  } else if (best_[2].time == best_[1].time && dt > window_ / 2) {
    best_[2] = s;
  }
  return get();
}

void MinRttFilter::update(Timestamp now, Duration rtt, bool valid) {
  probe_rtt_expired_ = now > probe_rtt_min_stamp_ + kProbeRttInterval;
  if (valid && (rtt < probe_rtt_min_delay_ || probe_rtt_expired_)) {
    probe_rtt_min_delay_ = rtt;
    probe_rtt_min_stamp_ = now;
  }
  const bool min_rtt_expired = now > min_rtt_stamp_ + kMinRttFilterLen;
  if (probe_rtt_min_delay_ < min_rtt_ || min_rtt_expired) {
    min_rtt_ = probe_rtt_min_delay_;
    min_rtt_stamp_ = probe_rtt_min_stamp_;
  }
}

}  // namespace tquic::transport
