// BBR v3 Startup, Drain and ProbeRTT (draft-ietf-ccwg-bbr sections 4.3.1,
// 4.3.2, 4.3.4) and the restart from idle (4.4.4).
#include <algorithm>

#include "transport/cc/bbr3.h"

namespace tquic::transport {
namespace {

using K = Bbr3Constants;

}  // namespace

void Bbr3::enter_startup() {
  state_ = State::startup;
  pacing_gain_ = K::kStartupPacingGain;
  cwnd_gain_ = K::kStartupCwndGain;
}

void Bbr3::reset_full_bw() {
  full_bw_ = 0;
  full_bw_count_ = 0;
  full_bw_now_ = false;
}

// BBRCheckFullBWReached: the pipe is full once max_bw has grown by less
// than 25% for three non-app-limited rounds. Also ends ProbeBW_UP.
void Bbr3::check_full_bw_reached(const RateSample& rs) {
  if (full_bw_now_ || !model_.round_start() || rs.is_app_limited) return;
  const std::uint64_t max_bw = model_.max_bw();
  if (static_cast<double>(max_bw) >= static_cast<double>(full_bw_) * K::kFullBwThresh) {
    reset_full_bw();
    full_bw_ = max_bw;
    return;
  }
  ++full_bw_count_;
  full_bw_now_ = full_bw_count_ >= K::kFullBwCount;
  if (full_bw_now_) filled_pipe_ = true;
}

// BBRCheckStartupHighLoss: at the end of a loss round in Startup, a loss
// rate above 2% with enough loss events means the pipe (and buffer) is full.
void Bbr3::check_startup_high_loss() {
  if (state_ != State::startup || filled_pipe_) return;
  if (model_.loss_events_in_round() < K::kStartupFullLossCount) return;
  if (!model_.loss_rate_in_round_too_high(sampler_.delivered())) return;
  filled_pipe_ = true;
  const std::uint64_t bdp = model_.bdp_multiple(model_.max_bw(), 1.0, initial_window());
  model_.set_inflight_hi(std::max(bdp, model_.inflight_latest()));
}

// Too many CE marks in the loss round: in Startup the pipe and the
// marking queue are full (like high loss; Linux BBRv3's
// bbr_check_ecn_too_high_in_startup), checked at every CE report because
// Startup's 2.77x pacing fills a buffer within a round, and only once the
// round holds kStartupFullLossCount marked datagrams (as for loss events);
// while probing for bandwidth, inflight is too high (BBRIsInflightTooHigh
// with its ECN term), checked at the end of the round.
void Bbr3::check_ecn_too_high() {
  if (!model_.ecn_rate_in_round_too_high(sampler_.delivered())) return;
  if (state_ == State::startup && !filled_pipe_) {
    if (model_.ce_in_round() < K::kStartupFullLossCount * max_datagram_size_) return;
    filled_pipe_ = true;
    const std::uint64_t bdp = model_.bdp_multiple(model_.max_bw(), 1.0, initial_window());
    model_.set_inflight_hi(std::max(bdp, model_.inflight_latest()));
    return;
  }
  if (bw_probe_samples_) handle_inflight_too_high(false, model_.inflight_latest());
}

void Bbr3::check_startup_done() {
  if (state_ == State::startup && filled_pipe_) enter_drain();
}

void Bbr3::enter_drain() {
  state_ = State::drain;
  pacing_gain_ = K::kDrainPacingGain;
  cwnd_gain_ = K::kStartupCwndGain;
}

void Bbr3::check_drain_done(Timestamp now, std::uint64_t bytes_in_flight) {
  if (state_ == State::drain && bytes_in_flight <= inflight(model_.max_bw(), 1.0)) {
    enter_probe_bw(now);
  }
}

// BBRCheckProbeRTT: every 5 s without a lower RTT sample, cut inflight to
// half a BDP for 200 ms and one round so the queue drains and min_rtt is
// measured again.
void Bbr3::check_probe_rtt(Timestamp now, std::uint64_t bytes_in_flight, const RateSample& rs) {
  if (state_ != State::probe_rtt && model_.min_rtt_filter().probe_rtt_expired() && !idle_restart_) {
    enter_probe_rtt();
    save_cwnd();
    probe_rtt_done_stamp_set_ = false;
    ack_phase_ = AckPhase::probe_stopping;
    model_.start_round(sampler_.delivered());
  }
  if (state_ == State::probe_rtt) handle_probe_rtt(now, bytes_in_flight);
  if (rs.delivered > 0) idle_restart_ = false;
}

void Bbr3::enter_probe_rtt() {
  state_ = State::probe_rtt;
  pacing_gain_ = 1.0;
  cwnd_gain_ = K::kProbeRttCwndGain;
  ++probe_rtt_entries_;
}

void Bbr3::handle_probe_rtt(Timestamp now, std::uint64_t bytes_in_flight) {
  sampler_.on_app_limited(bytes_in_flight);  // ignore low-rate samples
  if (!probe_rtt_done_stamp_set_ && bytes_in_flight <= probe_rtt_cwnd()) {
    probe_rtt_done_stamp_set_ = true;
    probe_rtt_done_stamp_ = now + K::kProbeRttDuration;
    probe_rtt_round_done_ = false;
    model_.start_round(sampler_.delivered());
  } else if (probe_rtt_done_stamp_set_) {
    if (model_.round_start()) probe_rtt_round_done_ = true;
    if (probe_rtt_round_done_) check_probe_rtt_done(now);
  }
}

void Bbr3::check_probe_rtt_done(Timestamp now) {
  if (!probe_rtt_done_stamp_set_ || now <= probe_rtt_done_stamp_) return;
  model_.min_rtt_filter().schedule_next_probe_rtt(now);
  restore_cwnd();
  exit_probe_rtt(now);
}

void Bbr3::exit_probe_rtt(Timestamp now) {
  model_.reset_lower_bounds();
  probe_rtt_done_stamp_set_ = false;
  if (filled_pipe_) {
    start_probe_bw_down(now);
    start_probe_bw_cruise();
  } else {
    enter_startup();
  }
}

std::uint64_t Bbr3::probe_rtt_cwnd() const {
  const std::uint64_t cwnd =
      model_.bdp_multiple(model_.bw(), K::kProbeRttCwndGain, initial_window());
  return std::max(cwnd, min_pipe_cwnd());
}

// BBRHandleRestartFromIdle.
void Bbr3::handle_restart_from_idle(Timestamp now, std::uint64_t bytes_in_flight_before) {
  if (bytes_in_flight_before != 0 || !sampler_.app_limited()) return;
  idle_restart_ = true;
  model_.restart_ack_aggregation(now);
  if (in_probe_bw_state()) {
    set_pacing_rate_with_gain(1.0);
  } else if (state_ == State::probe_rtt) {
    check_probe_rtt_done(now);
  }
}

}  // namespace tquic::transport
