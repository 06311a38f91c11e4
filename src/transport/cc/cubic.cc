#include "transport/cc/cubic.h"

#include <algorithm>
#include <cmath>

namespace tquic::transport {
namespace {

double seconds(Duration d) { return static_cast<double>(d.count()) * 1e-9; }

}  // namespace

Cubic::Cubic(const CongestionControlConfig& config)
    : CongestionController(CongestionControlAlgorithm::cubic, config) {
  cwnd_ = static_cast<double>(congestion_window_);
  if (!config.hystart) hystart_.disable();
  set_window_pacing_rate(true);
}

double Cubic::w_cubic(Duration t) const {
  const double dt = seconds(t) - k_;
  return kC * static_cast<double>(max_datagram_size_) * dt * dt * dt + w_max_;
}

void Cubic::publish_window() {
  congestion_window_ = std::max(static_cast<std::uint64_t>(cwnd_), minimum_window());
  set_window_pacing_rate(in_slow_start());
}

void Cubic::handle_packet_sent(const SentPacketEvent& ev) {
  hystart_.on_packet_sent(ev.packet_number);
  // RFC 9438 section 5.8: an idle period must not count as growth time, so
  // the epoch moves forward by the time nothing was in flight.
  if (ev.bytes_in_flight_before == 0 && epoch_started_ && ev.now > last_active_time_) {
    const Duration idle = ev.now - last_active_time_;
    epoch_start_ = std::min(epoch_start_ + idle, ev.now);
  }
  last_active_time_ = std::max(last_active_time_, ev.now);
}

void Cubic::handle_ack(const AckEvent& ev, const RateSample& /*rs*/) {
  std::uint64_t acked_bytes = 0;
  for (const CcPacket& p : ev.acked) {
    any_acked_ = true;
    if (recovery_.covers(p.time_sent)) continue;
    in_recovery_ = false;
    if (!p.delivery.is_app_limited) acked_bytes += p.bytes;
  }
  // Idle time (see handle_packet_sent) is measured from the last send or ACK.
  last_active_time_ = std::max(last_active_time_, ev.now);
  if (in_slow_start()) {
    slow_start(ev, acked_bytes);
  } else {
    congestion_avoidance(ev.now, acked_bytes);
  }
  publish_window();
}

void Cubic::slow_start(const AckEvent& ev, std::uint64_t acked_bytes) {
  run_hystart(ev);
  if (!in_slow_start()) return;  // HyStart++ just ended slow start
  cwnd_ += static_cast<double>(acked_bytes) / static_cast<double>(hystart_.growth_divisor());
}

// RFC 9406 section 4.2, only in the initial slow start.
void Cubic::run_hystart(const AckEvent& ev) {
  if (!hystart_.enabled() || ev.acked.empty()) return;
  std::uint64_t largest_acked = 0;
  for (const CcPacket& p : ev.acked) largest_acked = std::max(largest_acked, p.packet_number);
  const auto action = hystart_.on_ack(largest_acked, ev.rtt.latest_rtt, ev.rtt.new_sample);
  if (action != HyStartPlusPlus::Action::exit_slow_start) return;
  // RFC 9438 section 4.10: leaving slow start without loss; W_max and K are
  // set from this window when the congestion-avoidance epoch starts.
  ssthresh_ = static_cast<std::uint64_t>(cwnd_);
  cwnd_ = static_cast<double>(ssthresh_);
  cwnd_prior_ = cwnd_;
  epoch_started_ = false;
}

// RFC 9438 section 4.2: the epoch starts with the first ACK in congestion
// avoidance; K follows from the window reached before the last reduction.
void Cubic::start_epoch(Timestamp now) {
  epoch_started_ = true;
  epoch_start_ = now;
  cwnd_epoch_ = cwnd_;
  if (w_max_ <= cwnd_) {
    w_max_ = cwnd_;
    k_ = 0;
  } else {
    k_ = std::cbrt((w_max_ - cwnd_epoch_) / (kC * static_cast<double>(max_datagram_size_)));
  }
  w_est_ = cwnd_epoch_;
}

// RFC 9438 sections 4.2-4.5.
void Cubic::congestion_avoidance(Timestamp now, std::uint64_t acked_bytes) {
  if (acked_bytes == 0) return;
  if (!epoch_started_) start_epoch(now);
  const Duration t = now - epoch_start_;
  const double acked = static_cast<double>(acked_bytes);
  const double mds = static_cast<double>(max_datagram_size_);
  // Reno-friendly estimate (section 4.3).
  w_est_ += alpha_ * mds * acked / cwnd_;
  if (w_est_ >= cwnd_prior_) alpha_ = 1.0;
  if (w_cubic(t) < w_est_) {
    cwnd_ = std::max(cwnd_, w_est_);
    return;
  }
  // Concave and convex regions (sections 4.4, 4.5): approach the target one
  // RTT ahead, by (target - cwnd) / cwnd per acknowledged datagram.
  const double target = std::clamp(w_cubic(t + smoothed_rtt_), cwnd_, 1.5 * cwnd_);
  cwnd_ += (target - cwnd_) * acked / cwnd_;
}

Cubic::Saved Cubic::save() const {
  return Saved{cwnd_,       ssthresh_,    w_max_,        k_, w_est_, cwnd_prior_,
               cwnd_epoch_, epoch_start_, epoch_started_};
}

void Cubic::restore(const Saved& s) {
  cwnd_ = std::max(cwnd_, s.cwnd);
  ssthresh_ = s.ssthresh;
  w_max_ = s.w_max;
  k_ = s.k;
  w_est_ = s.w_est;
  cwnd_prior_ = s.cwnd_prior;
  cwnd_epoch_ = s.cwnd_epoch;
  epoch_start_ = s.epoch_start;
  epoch_started_ = s.epoch_started;
}

// RFC 9438 sections 4.6 (multiplicative decrease) and 4.7 (fast convergence).
void Cubic::enter_recovery(Timestamp now, Timestamp time_sent) {
  if (recovery_.covers(time_sent)) return;
  undo_ = save();
  undo_valid_ = true;
  recovery_.enter(now);
  in_recovery_ = true;
  hystart_.disable();
  cwnd_prior_ = cwnd_;
  const bool converging = config_.fast_convergence && cwnd_ < w_max_;
  w_max_ = converging ? cwnd_ * (1.0 + kBeta) / 2.0 : cwnd_;
  cwnd_ = std::max(cwnd_ * kBeta, static_cast<double>(minimum_window()));
  ssthresh_ = static_cast<std::uint64_t>(cwnd_);
  alpha_ = kAlpha;
  epoch_started_ = false;
}

void Cubic::handle_congestion_event(const LossEvent& ev, Timestamp largest_lost_time_sent,
                                    std::uint64_t /*bytes_lost*/) {
  if (!ev.lost.empty()) enter_recovery(ev.now, largest_lost_time_sent);
  if (ev.persistent_congestion) {  // RFC 9002 section 7.6.2
    cwnd_ = static_cast<double>(minimum_window());
    recovery_.reset();
    in_recovery_ = false;
    epoch_started_ = false;
    undo_valid_ = false;
  }
  publish_window();
}

void Cubic::handle_ecn_ce(const EcnCeEvent& ev) {
  enter_recovery(ev.now, ev.largest_acked_time_sent);
  undo_valid_ = false;  // a CE mark is never spurious
  publish_window();
}

// RFC 9438 section 4.9: restore the state saved at the congestion event.
void Cubic::handle_spurious_congestion_event(Timestamp /*now*/) {
  if (!undo_valid_) return;
  restore(undo_);
  undo_valid_ = false;
  recovery_.reset();
  in_recovery_ = false;
  ++spurious_undos_;
  publish_window();
}

void Cubic::handle_max_datagram_size_changed(std::uint64_t /*old_size*/) {
  if (!any_acked_) cwnd_ = static_cast<double>(initial_window());
  cwnd_ = std::max(cwnd_, static_cast<double>(minimum_window()));
  publish_window();
}

CongestionStats Cubic::stats() const {
  std::string_view state = "congestion_avoidance";
  if (in_recovery_) {
    state = "recovery";
  } else if (in_slow_start()) {
    state = hystart_.in_css() ? "conservative_slow_start" : "slow_start";
  }
  CongestionStats s = base_stats(state);
  s.ssthresh = ssthresh_;
  return s;
}

}  // namespace tquic::transport
