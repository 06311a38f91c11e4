// BBR version 3 (draft-ietf-ccwg-bbr): a model-based controller. The path
// model lives in bbr3_model.*, its filters in bbr3_filters.*; this class is
// the state machine and the control parameters (pacing rate, cwnd):
//   bbr3.cc             event glue, cwnd and pacing control, recovery
//   bbr3_startup.cc     Startup, Drain and ProbeRTT
//   bbr3_probe_bw.cc    the ProbeBW cycle (DOWN, CRUISE, REFILL, UP) and
//                       the inflight_hi / loss-too-high logic
// Delivery-rate samples come from the shared sampler in the base class.
#pragma once

#include <cstdint>
#include <string_view>

#include "transport/cc/bbr3_model.h"
#include "transport/cc/congestion_controller.h"
#include "transport/cc/recovery_period.h"

namespace tquic::transport {

class Bbr3 final : public CongestionController {
 public:
  enum class State : std::uint8_t {
    startup,
    drain,
    probe_bw_down,
    probe_bw_cruise,
    probe_bw_refill,
    probe_bw_up,
    probe_rtt,
  };
  static std::string_view state_name(State state);

  explicit Bbr3(const CongestionControlConfig& config);

  bool in_slow_start() const override { return state_ == State::startup; }
  CongestionStats stats() const override;

  State state() const { return state_; }
  const Bbr3Model& model() const { return model_; }
  bool full_bw_reached() const { return filled_pipe_; }
  double pacing_gain() const { return pacing_gain_; }
  double cwnd_gain() const { return cwnd_gain_; }
  std::uint64_t probe_rtt_rounds_entered() const { return probe_rtt_entries_; }

 private:
  enum class AckPhase : std::uint8_t {
    init,
    refilling,
    probe_starting,
    probe_feedback,
    probe_stopping
  };

  // CongestionController hooks (bbr3.cc).
  void handle_packet_sent(const SentPacketEvent& ev) override;
  void handle_ack(const AckEvent& ev, const RateSample& rs) override;
  void handle_congestion_event(const LossEvent& ev, Timestamp largest_lost_time_sent,
                               std::uint64_t bytes_lost) override;
  void handle_ecn_ce(const EcnCeEvent& ev) override;
  void handle_spurious_congestion_event(Timestamp now) override;
  void handle_max_datagram_size_changed(std::uint64_t old_size) override;

  // Control (bbr3.cc).
  void ensure_initialized(Timestamp now);
  void update_model_and_state(const AckEvent& ev, const RateSample& rs);
  void update_congestion_signals(const RateSample& rs);
  void update_control_parameters(const AckEvent& ev, const RateSample& rs);
  void set_pacing_rate_with_gain(double gain);
  void set_cwnd(const AckEvent& ev, const RateSample& rs);
  void bound_cwnd_for_model();
  void update_recovery_on_ack(const AckEvent& ev, const RateSample& rs);
  void save_cwnd();
  void restore_cwnd();
  std::uint64_t min_pipe_cwnd() const { return 4 * max_datagram_size_; }
  std::uint64_t inflight(std::uint64_t bw, double gain) const;  // BBRInflight
  std::uint64_t target_inflight() const;
  bool is_cwnd_limited() const { return cwnd_limited_this_round_ || cwnd_limited_last_round_; }
  std::uint64_t next_random();

  // Startup, Drain, ProbeRTT (bbr3_startup.cc).
  void enter_startup();
  void reset_full_bw();
  void check_full_bw_reached(const RateSample& rs);
  void check_startup_high_loss();
  void check_ecn_too_high();
  void check_startup_done();
  void enter_drain();
  void check_drain_done(Timestamp now, std::uint64_t bytes_in_flight);
  void check_probe_rtt(Timestamp now, std::uint64_t bytes_in_flight, const RateSample& rs);
  void enter_probe_rtt();
  void handle_probe_rtt(Timestamp now, std::uint64_t bytes_in_flight);
  void check_probe_rtt_done(Timestamp now);
  void exit_probe_rtt(Timestamp now);
  std::uint64_t probe_rtt_cwnd() const;
  void handle_restart_from_idle(Timestamp now, std::uint64_t bytes_in_flight_before);

  // ProbeBW (bbr3_probe_bw.cc).
  bool in_probe_bw_state() const;
  bool is_probing_bw() const;
  void enter_probe_bw(Timestamp now);
  void start_probe_bw_down(Timestamp now);
  void start_probe_bw_cruise();
  void start_probe_bw_refill();
  void start_probe_bw_up(const RateSample& rs);
  void update_probe_bw_cycle_phase(Timestamp now, std::uint64_t bytes_in_flight,
                                   const RateSample& rs);
  void adapt_upper_bounds(const RateSample& rs);
  void adapt_lower_bounds_from_congestion();
  bool is_inflight_too_high(std::uint64_t lost, std::uint64_t tx_in_flight) const;
  bool check_inflight_too_high(const RateSample& rs);
  void handle_inflight_too_high(bool is_app_limited, std::uint64_t tx_in_flight);
  void handle_lost_packet(const CcPacket& packet);
  void probe_inflight_hi_upward(const RateSample& rs);
  void raise_inflight_hi_slope();
  bool check_time_to_probe_bw(Timestamp now);
  bool check_time_to_cruise(std::uint64_t bytes_in_flight) const;
  bool is_time_to_go_down(const RateSample& rs);
  bool is_reno_coexistence_probe_time() const;
  void pick_probe_wait();

  Bbr3Model model_;
  State state_ = State::startup;
  double pacing_gain_ = Bbr3Constants::kStartupPacingGain;
  double cwnd_gain_ = Bbr3Constants::kStartupCwndGain;
  bool initialized_ = false;
  Timestamp now_{};               // time of the event being processed
  bool pacing_from_rtt_ = false;  // pacing rate set from the first RTT sample

  // Startup (BBRCheckFullBWReached).
  bool filled_pipe_ = false;  // BBR.full_bw_reached
  bool full_bw_now_ = false;
  std::uint64_t full_bw_ = 0;
  std::uint32_t full_bw_count_ = 0;

  // ProbeBW cycle.
  AckPhase ack_phase_ = AckPhase::init;
  Timestamp cycle_stamp_{};
  Duration bw_probe_wait_{};
  std::uint64_t rounds_since_bw_probe_ = 0;
  bool bw_probe_samples_ = false;
  std::uint32_t bw_probe_up_rounds_ = 0;
  std::uint64_t bw_probe_up_acks_ = 0;
  std::uint64_t probe_up_cnt_ = kInfiniteWindow;  // packets acked per packet of growth
  bool cwnd_limited_this_round_ = false;
  bool cwnd_limited_last_round_ = false;

  // ProbeRTT.
  bool probe_rtt_done_stamp_set_ = false;
  Timestamp probe_rtt_done_stamp_{};
  bool probe_rtt_round_done_ = false;
  bool idle_restart_ = false;
  std::uint64_t probe_rtt_entries_ = 0;

  // Loss recovery (RFC 9002 recovery period; BBR packet conservation).
  RecoveryPeriod recovery_;
  bool in_recovery_ = false;
  bool packet_conservation_ = false;
  std::uint64_t conservation_end_delivered_ = 0;
  std::uint64_t prior_cwnd_ = 0;
  std::uint64_t max_inflight_ = 0;

  std::uint64_t rng_state_;
};

}  // namespace tquic::transport
