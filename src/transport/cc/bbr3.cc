#include "transport/cc/bbr3.h"

#include <algorithm>

namespace tquic::transport {
namespace {

using K = Bbr3Constants;

std::uint64_t scale(std::uint64_t v, double gain) {
  return static_cast<std::uint64_t>(static_cast<double>(v) * gain);
}

}  // namespace

std::string_view Bbr3::state_name(State state) {
  switch (state) {
    case State::startup:
      return "startup";
    case State::drain:
      return "drain";
    case State::probe_bw_down:
      return "probe_bw_down";
    case State::probe_bw_cruise:
      return "probe_bw_cruise";
    case State::probe_bw_refill:
      return "probe_bw_refill";
    case State::probe_bw_up:
      return "probe_bw_up";
    case State::probe_rtt:
      return "probe_rtt";
  }
  return "unknown";
}

Bbr3::Bbr3(const CongestionControlConfig& config)
    : CongestionController(CongestionControlAlgorithm::bbr3, config),
      rng_state_(config.random_seed != 0 ? config.random_seed : 0x9e3779b97f4a7c15ull) {
  // BBRInitPacingRate with the configured initial RTT until a sample exists.
  pacing_rate_ = std::max<std::uint64_t>(
      scale(rate_of(congestion_window_, smoothed_rtt_), K::kStartupPacingGain), 1);
  enter_startup();
}

// SplitMix64: deterministic per seed (draft: random probe wait times).
std::uint64_t Bbr3::next_random() {
  std::uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void Bbr3::ensure_initialized(Timestamp now) {
  now_ = std::max(now_, now);
  if (initialized_) return;
  initialized_ = true;
  model_.init(now);
  cycle_stamp_ = now;
}

void Bbr3::handle_packet_sent(const SentPacketEvent& ev) {
  ensure_initialized(ev.now);
  handle_restart_from_idle(ev.now, ev.bytes_in_flight_before);
  if (ev.bytes_in_flight_before + ev.bytes >= congestion_window_) cwnd_limited_this_round_ = true;
}

// BBRUpdateOnACK: model and state first, then the control parameters.
void Bbr3::handle_ack(const AckEvent& ev, const RateSample& rs) {
  ensure_initialized(ev.now);
  if (!rs.has_packet) return;
  if (!pacing_from_rtt_ && has_rtt_sample_ && !filled_pipe_) {
    // As TCP does after the handshake: the first RTT sample sets the
    // nominal rate cwnd / srtt (BBRInitPacingRate).
    pacing_from_rtt_ = true;
    pacing_rate_ = std::max(
        pacing_rate_, scale(rate_of(congestion_window_, smoothed_rtt_), K::kStartupPacingGain));
  }
  update_recovery_on_ack(ev, rs);
  update_model_and_state(ev, rs);
  update_control_parameters(ev, rs);
}

void Bbr3::update_model_and_state(const AckEvent& ev, const RateSample& rs) {
  const std::uint64_t bif = ev.bytes_in_flight;
  model_.update_latest_delivery_signals(rs, sampler_.delivered());
  update_congestion_signals(rs);
  model_.update_ack_aggregation(ev.now, rs, congestion_window_);
  check_full_bw_reached(rs);
  check_startup_done();
  check_drain_done(ev.now, bif);
  update_probe_bw_cycle_phase(ev.now, bif, rs);
  model_.min_rtt_filter().update(ev.now, rs.rtt, rs.rtt > Duration::zero());
  check_probe_rtt(ev.now, bif, rs);
  model_.advance_latest_delivery_signals(rs);
  model_.bound_bw_for_model();
}

// BBRUpdateCongestionSignals: rounds, max_bw, and once per loss round the
// lower bounds and the Startup loss check.
void Bbr3::update_congestion_signals(const RateSample& rs) {
  model_.update_round(rs, sampler_.delivered());
  if (model_.round_start()) {
    ++rounds_since_bw_probe_;
    cwnd_limited_last_round_ = cwnd_limited_this_round_;
    cwnd_limited_this_round_ = false;
  }
  model_.update_max_bw(rs);
  if (!model_.loss_round_start()) return;
  adapt_lower_bounds_from_congestion();
  check_startup_high_loss();
  check_ecn_too_high();
  model_.end_loss_round(sampler_.delivered());
}

void Bbr3::update_control_parameters(const AckEvent& ev, const RateSample& rs) {
  set_pacing_rate_with_gain(pacing_gain_);
  model_.update_send_quantum(pacing_rate_, max_datagram_size_);
  set_cwnd(ev, rs);
}

// BBRSetPacingRateWithGain: in Startup the rate only rises.
void Bbr3::set_pacing_rate_with_gain(double gain) {
  const std::uint64_t rate = scale(model_.bw(), gain * (1.0 - K::kPacingMargin));
  if (rate == 0) return;
  if (filled_pipe_ || rate > pacing_rate_) pacing_rate_ = rate;
}

std::uint64_t Bbr3::inflight(std::uint64_t bw, double gain) const {
  const std::uint64_t v = model_.bdp_multiple(bw, gain, initial_window());
  return model_.quantization_budget(v, min_pipe_cwnd(), state_ == State::probe_bw_up,
                                    max_datagram_size_);
}

std::uint64_t Bbr3::target_inflight() const {
  return std::min(model_.bdp_multiple(model_.bw(), 1.0, initial_window()), congestion_window_);
}

// BBRSetCwnd with BBRUpdateMaxInflight and BBRModulateCwndForRecovery.
void Bbr3::set_cwnd(const AckEvent& ev, const RateSample& rs) {
  model_.set_bdp(model_.bdp_multiple(model_.bw(), 1.0, initial_window()));
  const std::uint64_t want =
      model_.bdp_multiple(model_.bw(), cwnd_gain_, initial_window()) + model_.extra_acked();
  max_inflight_ = model_.quantization_budget(want, min_pipe_cwnd(), state_ == State::probe_bw_up,
                                             max_datagram_size_);
  std::uint64_t cwnd = congestion_window_;
  if (packet_conservation_) {
    cwnd = std::max(cwnd, ev.bytes_in_flight + rs.newly_acked);
  } else {
    if (filled_pipe_) {
      cwnd = std::min(cwnd + rs.newly_acked, max_inflight_);
    } else if (cwnd < max_inflight_ || sampler_.delivered() < initial_window()) {
      cwnd += rs.newly_acked;
    }
    cwnd = std::max(cwnd, min_pipe_cwnd());
  }
  if (state_ == State::probe_rtt) cwnd = std::min(cwnd, probe_rtt_cwnd());
  congestion_window_ = cwnd;
  bound_cwnd_for_model();
}

void Bbr3::bound_cwnd_for_model() {
  std::uint64_t cap = kInfiniteWindow;
  if (in_probe_bw_state() && state_ != State::probe_bw_cruise) {
    cap = model_.inflight_hi();
  } else if (state_ == State::probe_rtt || state_ == State::probe_bw_cruise) {
    cap = model_.inflight_with_headroom(min_pipe_cwnd(), max_datagram_size_);
  }
  cap = std::min(cap, model_.inflight_lo());
  cap = std::max(cap, min_pipe_cwnd());
  congestion_window_ = std::min(congestion_window_, cap);
}

// Recovery ends when a packet sent after it began is acknowledged;
// packet conservation lasts one round.
void Bbr3::update_recovery_on_ack(const AckEvent& ev, const RateSample& rs) {
  if (packet_conservation_ && rs.prior_delivered >= conservation_end_delivered_) {
    packet_conservation_ = false;
  }
  if (!in_recovery_) return;
  for (const CcPacket& p : ev.acked) {
    if (recovery_.covers(p.time_sent)) continue;
    in_recovery_ = false;
    packet_conservation_ = false;
    restore_cwnd();
    return;
  }
}

void Bbr3::save_cwnd() {
  if (!in_recovery_ && state_ != State::probe_rtt) {
    prior_cwnd_ = congestion_window_;
  } else {
    prior_cwnd_ = std::max(prior_cwnd_, congestion_window_);
  }
}

void Bbr3::restore_cwnd() { congestion_window_ = std::max(congestion_window_, prior_cwnd_); }

void Bbr3::handle_congestion_event(const LossEvent& ev, Timestamp largest_lost_time_sent,
                                   std::uint64_t bytes_lost) {
  ensure_initialized(ev.now);
  if (!ev.lost.empty()) model_.note_loss(bytes_lost);
  for (const CcPacket& p : ev.lost) handle_lost_packet(p);
  if (!ev.lost.empty() && !recovery_.covers(largest_lost_time_sent)) {
    // BBROnEnterFastRecovery: save the window, conserve packets for a round.
    save_cwnd();
    recovery_.enter(ev.now);
    in_recovery_ = true;
    packet_conservation_ = true;
    conservation_end_delivered_ = sampler_.delivered() + ev.bytes_in_flight;
    congestion_window_ = std::max(ev.bytes_in_flight + max_datagram_size_, min_pipe_cwnd());
  } else {
    // BBRModulateCwndForRecovery: newly lost bytes leave the window.
    congestion_window_ = congestion_window_ > bytes_lost + min_pipe_cwnd()
                             ? congestion_window_ - bytes_lost
                             : min_pipe_cwnd();
  }
  if (ev.persistent_congestion) {  // RFC 9002 section 7.6.2: like an RTO
    save_cwnd();
    congestion_window_ = min_pipe_cwnd();
    recovery_.reset();
    in_recovery_ = false;
    packet_conservation_ = false;
  }
  bound_cwnd_for_model();
}

// Classic ECN-CE (RFC 3168) as a loss-like signal inside the model, not a
// window cut: every marked packet counts max_datagram_size bytes for the
// round. Any mark makes the round congested for the short-term model
// (bw_lo / inflight_lo, once per round outside probing); a round with more
// than kEcnThresh of its bytes marked ends Startup and bounds inflight_hi
// while probing, as a loss rate above kLossThresh does (check_ecn_too_high).
void Bbr3::handle_ecn_ce(const EcnCeEvent& ev) {
  ensure_initialized(ev.now);
  model_.note_ecn_ce(ev.ce_count_increase * max_datagram_size_);
  if (state_ == State::startup) check_ecn_too_high();
}

void Bbr3::handle_spurious_congestion_event(Timestamp /*now*/) {
  if (!in_recovery_) return;
  in_recovery_ = false;
  packet_conservation_ = false;
  recovery_.reset();
  restore_cwnd();
  ++spurious_undos_;
}

void Bbr3::handle_max_datagram_size_changed(std::uint64_t /*old_size*/) {
  if (sampler_.delivered() == 0) congestion_window_ = initial_window();
  congestion_window_ = std::max(congestion_window_, min_pipe_cwnd());
}

CongestionStats Bbr3::stats() const {
  CongestionStats s = base_stats(state_name(state_));
  s.bandwidth_estimate = model_.max_bw();
  s.min_rtt = model_.min_rtt_filter().has_min_rtt() ? model_.min_rtt() : Duration::zero();
  return s;
}

}  // namespace tquic::transport
