// BBR v3 ProbeBW (draft-ietf-ccwg-bbr section 4.3.3): the cycle
// DOWN -> CRUISE -> REFILL -> UP -> DOWN, the wall-clock / Reno-coexistence
// probe timing, and the loss-driven inflight_hi upper bound.
#include <algorithm>

#include "transport/cc/bbr3.h"

namespace tquic::transport {
namespace {

using K = Bbr3Constants;

}  // namespace

bool Bbr3::in_probe_bw_state() const {
  return state_ == State::probe_bw_down || state_ == State::probe_bw_cruise ||
         state_ == State::probe_bw_refill || state_ == State::probe_bw_up;
}

bool Bbr3::is_probing_bw() const {
  return state_ == State::startup || state_ == State::probe_bw_refill ||
         state_ == State::probe_bw_up;
}

void Bbr3::enter_probe_bw(Timestamp now) {
  cwnd_gain_ = K::kDefaultCwndGain;
  start_probe_bw_down(now);
}

void Bbr3::start_probe_bw_down(Timestamp now) {
  model_.reset_congestion_signals();
  probe_up_cnt_ = kInfiniteWindow;
  pick_probe_wait();
  cycle_stamp_ = now;
  ack_phase_ = AckPhase::probe_stopping;
  model_.start_round(sampler_.delivered());
  state_ = State::probe_bw_down;
  pacing_gain_ = K::kProbeDownPacingGain;
  cwnd_gain_ = K::kDefaultCwndGain;
}

void Bbr3::start_probe_bw_cruise() {
  state_ = State::probe_bw_cruise;
  pacing_gain_ = 1.0;
  cwnd_gain_ = K::kDefaultCwndGain;
}

void Bbr3::start_probe_bw_refill() {
  model_.reset_lower_bounds();
  bw_probe_up_rounds_ = 0;
  bw_probe_up_acks_ = 0;
  ack_phase_ = AckPhase::refilling;
  model_.start_round(sampler_.delivered());
  state_ = State::probe_bw_refill;
  pacing_gain_ = 1.0;
  cwnd_gain_ = K::kDefaultCwndGain;
}

void Bbr3::start_probe_bw_up(const RateSample& rs) {
  ack_phase_ = AckPhase::probe_starting;
  model_.start_round(sampler_.delivered());
  reset_full_bw();
  full_bw_ = rs.valid ? rs.delivery_rate : 0;
  state_ = State::probe_bw_up;
  pacing_gain_ = K::kProbeUpPacingGain;
  cwnd_gain_ = K::kProbeUpCwndGain;
  raise_inflight_hi_slope();
}

// BBRUpdateProbeBWCyclePhase.
void Bbr3::update_probe_bw_cycle_phase(Timestamp now, std::uint64_t bytes_in_flight,
                                       const RateSample& rs) {
  if (!filled_pipe_) return;
  adapt_upper_bounds(rs);
  if (!in_probe_bw_state()) return;
  switch (state_) {
    case State::probe_bw_down:
      if (check_time_to_probe_bw(now)) return;
      if (check_time_to_cruise(bytes_in_flight)) start_probe_bw_cruise();
      break;
    case State::probe_bw_cruise:
      check_time_to_probe_bw(now);
      break;
    case State::probe_bw_refill:
      // After one round of refilling the pipe, probe upward.
      if (model_.round_start()) {
        bw_probe_samples_ = true;
        start_probe_bw_up(rs);
      }
      break;
    case State::probe_bw_up:
      if (is_time_to_go_down(rs)) start_probe_bw_down(now);
      break;
    default:
      break;
  }
}

// BBRAdaptUpperBounds.
void Bbr3::adapt_upper_bounds(const RateSample& rs) {
  if (ack_phase_ == AckPhase::probe_starting && model_.round_start()) {
    ack_phase_ = AckPhase::probe_feedback;  // samples now reflect the probe
  }
  if (ack_phase_ == AckPhase::probe_stopping && model_.round_start()) {
    // The probe's samples are in: a new cycle of the max_bw filter begins.
    if (in_probe_bw_state() && !rs.is_app_limited) model_.advance_max_bw_filter();
    ack_phase_ = AckPhase::init;
  }
  if (check_inflight_too_high(rs)) return;
  if (model_.inflight_hi() == kInfiniteWindow) return;
  if (rs.tx_in_flight > model_.inflight_hi()) model_.set_inflight_hi(rs.tx_in_flight);
  if (state_ == State::probe_bw_up) probe_inflight_hi_upward(rs);
}

// BBRAdaptLowerBoundsFromCongestion: once per loss round, outside probing.
// Deviation from the draft, which reacts to any loss in the round: with
// bw_lo := max(bw_latest, beta * bw_lo) and bw_latest bounded by the pacing
// rate times (1 - loss rate), every lossy round ratchets bw_lo down, so a
// link with ~2% random loss drives the draft's BBR far below capacity. Only
// rounds whose loss is significant (congestion_in_round) count here.
void Bbr3::adapt_lower_bounds_from_congestion() {
  if (is_probing_bw() || !model_.congestion_in_round(sampler_.delivered())) return;
  model_.init_lower_bounds(congestion_window_);
  model_.loss_lower_bounds();
}

// IsInflightTooHigh: more than 2% of the data in flight was lost. As for
// the lower bounds, the loss must be significant: at least
// kStartupFullLossCount datagrams, so one or two random losses in a flight
// do not cap inflight_hi.
bool Bbr3::is_inflight_too_high(std::uint64_t lost, std::uint64_t tx_in_flight) const {
  return lost >= K::kStartupFullLossCount * max_datagram_size_ &&
         static_cast<double>(lost) > static_cast<double>(tx_in_flight) * K::kLossThresh;
}

bool Bbr3::check_inflight_too_high(const RateSample& rs) {
  if (!is_inflight_too_high(rs.lost, rs.tx_in_flight)) return false;
  if (bw_probe_samples_) handle_inflight_too_high(rs.is_app_limited, rs.tx_in_flight);
  return true;
}

void Bbr3::handle_inflight_too_high(bool is_app_limited, std::uint64_t tx_in_flight) {
  bw_probe_samples_ = false;  // react once per probe
  if (!is_app_limited) {
    const auto floor =
        static_cast<std::uint64_t>(static_cast<double>(target_inflight()) * K::kBeta);
    model_.set_inflight_hi(std::max(tx_in_flight, floor));
  }
  if (state_ == State::probe_bw_up) start_probe_bw_down(now_);
}

// BBRHandleLostPacket with BBRInflightHiFromLostPacket: estimate the
// inflight at which the loss rate crossed the threshold.
void Bbr3::handle_lost_packet(const CcPacket& packet) {
  if (!bw_probe_samples_) return;
  const DeliveryRateSnapshot& d = packet.delivery;
  const std::uint64_t lost = sampler_.lost() - std::min(sampler_.lost(), d.lost);
  const std::uint64_t tx_in_flight = d.tx_in_flight;
  if (!is_inflight_too_high(lost, tx_in_flight)) return;
  const std::uint64_t inflight_prev = tx_in_flight - std::min(tx_in_flight, packet.bytes);
  const std::uint64_t lost_prev = lost - std::min(lost, packet.bytes);
  const double lost_prefix =
      (K::kLossThresh * static_cast<double>(inflight_prev) - static_cast<double>(lost_prev)) /
      (1.0 - K::kLossThresh);
  const double estimate = static_cast<double>(inflight_prev) + std::max(lost_prefix, 0.0);
  handle_inflight_too_high(d.is_app_limited, static_cast<std::uint64_t>(estimate));
}

// BBRProbeInflightHiUpward: grow inflight_hi exponentially per round while
// the window is the limit.
void Bbr3::probe_inflight_hi_upward(const RateSample& rs) {
  if (!is_cwnd_limited() || congestion_window_ < model_.inflight_hi()) return;
  bw_probe_up_acks_ += rs.newly_acked;
  const std::uint64_t step =
      probe_up_cnt_ == kInfiniteWindow ? kInfiniteWindow : probe_up_cnt_ * max_datagram_size_;
  if (bw_probe_up_acks_ >= step) {
    const std::uint64_t delta = bw_probe_up_acks_ / step;
    bw_probe_up_acks_ -= delta * step;
    model_.set_inflight_hi(model_.inflight_hi() + delta * max_datagram_size_);
  }
  if (model_.round_start()) raise_inflight_hi_slope();
}

void Bbr3::raise_inflight_hi_slope() {
  const std::uint64_t growth_this_round = std::uint64_t{1} << bw_probe_up_rounds_;  // packets
  bw_probe_up_rounds_ = std::min<std::uint32_t>(bw_probe_up_rounds_ + 1, 30);
  const std::uint64_t cwnd_packets = congestion_window_ / max_datagram_size_;
  probe_up_cnt_ = std::max<std::uint64_t>(cwnd_packets / growth_this_round, 1);
}

// BBRCheckTimeToProbeBW.
bool Bbr3::check_time_to_probe_bw(Timestamp now) {
  if (now > cycle_stamp_ + bw_probe_wait_ || is_reno_coexistence_probe_time()) {
    start_probe_bw_refill();
    return true;
  }
  return false;
}

// BBRCheckTimeToCruise: the queue from the last probe has drained.
bool Bbr3::check_time_to_cruise(std::uint64_t bytes_in_flight) const {
  if (bytes_in_flight > model_.inflight_with_headroom(min_pipe_cwnd(), max_datagram_size_)) {
    return false;
  }
  return bytes_in_flight <= inflight(model_.max_bw(), 1.0);
}

// BBRIsTimeToGoDown: leave UP once bandwidth stopped growing, unless it is
// inflight_hi (not the path) that limits it.
bool Bbr3::is_time_to_go_down(const RateSample& rs) {
  if (is_cwnd_limited() && congestion_window_ >= model_.inflight_hi()) {
    reset_full_bw();
    full_bw_ = rs.valid ? rs.delivery_rate : 0;
    return false;
  }
  return full_bw_now_;
}

// BBRIsRenoCoexistenceProbeTime: probe at least as often as Reno would
// grow its window by a BDP (one round per packet, at most 63 rounds).
bool Bbr3::is_reno_coexistence_probe_time() const {
  const std::uint64_t reno_rounds = target_inflight() / max_datagram_size_;
  return rounds_since_bw_probe_ >= std::min<std::uint64_t>(reno_rounds, 63);
}

// BBRPickProbeWait: 0-1 rounds and 2-3 s, randomised so flows desynchronise.
void Bbr3::pick_probe_wait() {
  rounds_since_bw_probe_ = next_random() % 2;
  const std::uint64_t jitter_ns = next_random() % 1'000'000'000ull;
  bw_probe_wait_ = 2s + Duration(static_cast<std::int64_t>(jitter_ns));
}

}  // namespace tquic::transport
