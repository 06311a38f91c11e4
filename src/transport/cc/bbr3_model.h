// The BBR v3 network path model (draft-ietf-ccwg-bbr section 4.5): max_bw
// and min_rtt estimates, the short-term lower bounds (bw_lo, inflight_lo),
// the long-term upper bound (inflight_hi), ACK-aggregation (extra_acked),
// packet-timed round counting and the derived BDP/inflight targets. Pure
// arithmetic; the state machine (bbr3.*) decides when each part changes.
// Units: bytes, bytes per second, nanoseconds.
#pragma once

#include <cstdint>

#include "base/time.h"
#include "transport/cc/bbr3_filters.h"
#include "transport/cc/congestion_controller.h"
#include "transport/recovery/delivery_rate.h"

namespace tquic::transport {

struct Bbr3Constants {
  static constexpr double kStartupPacingGain = 2.77;  // 4 * ln(2)
  static constexpr double kStartupCwndGain = 2.0;
  static constexpr double kDrainPacingGain = 0.35;
  static constexpr double kDefaultCwndGain = 2.0;
  static constexpr double kProbeUpCwndGain = 2.25;
  static constexpr double kProbeDownPacingGain = 0.90;
  static constexpr double kProbeUpPacingGain = 1.25;
  static constexpr double kProbeRttCwndGain = 0.5;
  static constexpr double kPacingMargin = 0.01;  // pace 1% below the estimate
  static constexpr double kLossThresh = 0.02;
  static constexpr double kBeta = 0.7;
  static constexpr double kHeadroom = 0.15;
  static constexpr double kFullBwThresh = 1.25;
  static constexpr std::uint32_t kFullBwCount = 3;
  static constexpr std::uint32_t kStartupFullLossCount = 6;
  // Largest tolerated fraction of CE-marked bytes per round (the Linux
  // BBRv3 bbr_ecn_thresh); above it inflight is "too high", as for loss.
  static constexpr double kEcnThresh = 0.5;
  static constexpr std::uint64_t kExtraAckedFilterLen = 10;  // rounds
  static constexpr Duration kProbeRttDuration = 200ms;
};

class Bbr3Model {
 public:
  Bbr3Model() : extra_acked_filter_(Bbr3Constants::kExtraAckedFilterLen) {}

  void init(Timestamp now);

  // --- rounds (BBRUpdateRound / BBRStartRound) ------------------------------
  void update_round(const RateSample& rs, std::uint64_t delivered);
  void start_round(std::uint64_t delivered) { next_round_delivered_ = delivered; }
  bool round_start() const { return round_start_; }
  std::uint64_t round_count() const { return round_count_; }

  // --- bandwidth --------------------------------------------------------------
  void update_max_bw(const RateSample& rs);
  void advance_max_bw_filter() { max_bw_filter_.advance(); }
  std::uint64_t max_bw() const { return max_bw_filter_.get(); }
  std::uint64_t bw() const { return bw_; }  // min(max_bw, bw_lo)
  std::uint64_t bw_lo() const { return bw_lo_; }
  void bound_bw_for_model();

  // --- min_rtt ---------------------------------------------------------------
  MinRttFilter& min_rtt_filter() { return min_rtt_; }
  const MinRttFilter& min_rtt_filter() const { return min_rtt_; }
  Duration min_rtt() const { return min_rtt_.min_rtt(); }

  // --- latest delivery / loss signals (BBRUpdateLatestDeliverySignals) --------
  void update_latest_delivery_signals(const RateSample& rs, std::uint64_t delivered);
  void advance_latest_delivery_signals(const RateSample& rs);
  void reset_congestion_signals();
  void note_loss(std::uint64_t bytes_lost);
  void note_ecn_ce(std::uint64_t ce_bytes) {
    ecn_in_round_ = true;
    ce_in_round_ += ce_bytes;
  }
  // More than kEcnThresh of the bytes delivered in this loss round were
  // CE-marked.
  bool ecn_rate_in_round_too_high(std::uint64_t delivered) const;
  std::uint64_t ce_in_round() const { return ce_in_round_; }
  bool loss_round_start() const { return loss_round_start_; }
  bool loss_in_round() const { return loss_in_round_; }
  std::uint32_t loss_events_in_round() const { return loss_events_in_round_; }
  bool loss_rate_in_round_too_high(std::uint64_t delivered) const;
  // The round showed congestion: ECN-CE, or loss that is both above
  // kLossThresh and backed by kStartupFullLossCount loss events. Sparse
  // random loss (a lossy link, not a full queue) does not qualify.
  bool congestion_in_round(std::uint64_t delivered) const {
    return ecn_in_round_ || (loss_events_in_round_ >= Bbr3Constants::kStartupFullLossCount &&
                             loss_rate_in_round_too_high(delivered));
  }
  void end_loss_round(std::uint64_t delivered);
  std::uint64_t inflight_latest() const { return inflight_latest_; }

  // --- bounds ---------------------------------------------------------------
  void reset_lower_bounds();
  void init_lower_bounds(std::uint64_t cwnd);
  void loss_lower_bounds();
  std::uint64_t inflight_lo() const { return inflight_lo_; }
  std::uint64_t inflight_hi() const { return inflight_hi_; }
  void set_inflight_hi(std::uint64_t v) { inflight_hi_ = v; }

  // --- ACK aggregation and quantisation ----------------------------------------
  void update_ack_aggregation(Timestamp now, const RateSample& rs, std::uint64_t cwnd);
  std::uint64_t extra_acked() const { return extra_acked_filter_.get(); }
  void update_send_quantum(std::uint64_t pacing_rate, std::uint64_t mds);
  std::uint64_t send_quantum() const { return send_quantum_; }
  void restart_ack_aggregation(Timestamp now) { extra_acked_interval_start_ = now; }

  // --- derived targets ------------------------------------------------------
  // BBRBDPMultiple: gain * bw * min_rtt (initial window without min_rtt).
  std::uint64_t bdp_multiple(std::uint64_t bw, double gain, std::uint64_t initial_window) const;
  // BBRQuantizationBudget.
  std::uint64_t quantization_budget(std::uint64_t inflight, std::uint64_t min_pipe_cwnd,
                                    bool probe_up, std::uint64_t mds) const;
  std::uint64_t inflight_with_headroom(std::uint64_t min_pipe_cwnd, std::uint64_t mds) const;
  std::uint64_t bdp() const { return bdp_; }
  void set_bdp(std::uint64_t bdp) { bdp_ = bdp; }

 private:
  MaxBwFilter max_bw_filter_;
  std::uint64_t bw_ = 0;
  std::uint64_t bw_lo_ = kInfiniteWindow;
  std::uint64_t bw_latest_ = 0;
  std::uint64_t inflight_latest_ = 0;
  std::uint64_t inflight_lo_ = kInfiniteWindow;
  std::uint64_t inflight_hi_ = kInfiniteWindow;
  std::uint64_t bdp_ = 0;
  MinRttFilter min_rtt_;

  std::uint64_t round_count_ = 0;
  std::uint64_t next_round_delivered_ = 0;
  bool round_start_ = false;

  std::uint64_t loss_round_delivered_ = 0;
  bool loss_round_start_ = false;
  bool loss_in_round_ = false;
  bool ecn_in_round_ = false;
  std::uint64_t ce_in_round_ = 0;  // bytes reported CE-marked in this loss round
  std::uint32_t loss_events_in_round_ = 0;
  std::uint64_t lost_in_round_ = 0;
  std::uint64_t delivered_at_loss_round_start_ = 0;

  WindowedMaxFilter extra_acked_filter_;
  Timestamp extra_acked_interval_start_{};
  std::uint64_t extra_acked_delivered_ = 0;
  std::uint64_t send_quantum_ = 0;
};

}  // namespace tquic::transport
