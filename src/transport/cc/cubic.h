// CUBIC (RFC 9438) with HyStart++ (RFC 9406) slow start.
//
//   W_cubic(t) = C * (t - K)^3 + W_max          C = 0.4, beta_cubic = 0.7
//   K = cbrt((W_max - cwnd_epoch) / C)
//   W_est grows by alpha_cubic per window (Reno-friendly region),
//   alpha_cubic = 3 * (1 - beta) / (1 + beta), 1 once W_est >= cwnd_prior.
//
// Windows are kept in bytes; the formulas' segment units are converted with
// max_datagram_size. Recovery periods follow RFC 9002 section 7.3.2.
#pragma once

#include "transport/cc/congestion_controller.h"
#include "transport/cc/hystart.h"
#include "transport/cc/recovery_period.h"

namespace tquic::transport {

class Cubic final : public CongestionController {
 public:
  static constexpr double kC = 0.4;
  static constexpr double kBeta = 0.7;
  static constexpr double kAlpha = 3.0 * (1.0 - kBeta) / (1.0 + kBeta);

  explicit Cubic(const CongestionControlConfig& config);

  bool in_slow_start() const override { return cwnd_ < static_cast<double>(ssthresh_); }
  CongestionStats stats() const override;

  // Introspection for tests and qlog.
  std::uint64_t ssthresh() const { return ssthresh_; }
  double w_max() const { return w_max_; }  // bytes
  double k_seconds() const { return k_; }
  double w_est() const { return w_est_; }  // bytes
  bool in_recovery() const { return in_recovery_; }
  bool in_css() const { return hystart_.in_css(); }
  bool epoch_started() const { return epoch_started_; }
  Timestamp epoch_start() const { return epoch_start_; }
  // W_cubic(t) in bytes, t measured from the start of the current epoch.
  double w_cubic(Duration t) const;

 private:
  void handle_packet_sent(const SentPacketEvent& ev) override;
  void handle_ack(const AckEvent& ev, const RateSample& rs) override;
  void handle_congestion_event(const LossEvent& ev, Timestamp largest_lost_time_sent,
                               std::uint64_t bytes_lost) override;
  void handle_ecn_ce(const EcnCeEvent& ev) override;
  void handle_spurious_congestion_event(Timestamp now) override;
  void handle_max_datagram_size_changed(std::uint64_t old_size) override;

  void slow_start(const AckEvent& ev, std::uint64_t acked_bytes);
  void run_hystart(const AckEvent& ev);
  void congestion_avoidance(Timestamp now, std::uint64_t acked_bytes);
  void start_epoch(Timestamp now);
  void enter_recovery(Timestamp now, Timestamp time_sent);
  void publish_window();

  // State saved at a congestion event so a spurious one can be undone.
  struct Saved {
    double cwnd = 0;
    std::uint64_t ssthresh = 0;
    double w_max = 0;
    double k = 0;
    double w_est = 0;
    double cwnd_prior = 0;
    double cwnd_epoch = 0;
    Timestamp epoch_start{};
    bool epoch_started = false;
  };
  Saved save() const;
  void restore(const Saved& s);

  double cwnd_ = 0;  // bytes, fractional growth kept
  std::uint64_t ssthresh_ = kInfiniteWindow;
  double w_max_ = 0;
  double k_ = 0;  // seconds
  double w_est_ = 0;
  double cwnd_prior_ = 0;  // cwnd before the last reduction
  double cwnd_epoch_ = 0;
  double alpha_ = kAlpha;
  Timestamp epoch_start_{};
  bool epoch_started_ = false;
  Timestamp last_active_time_{};
  bool any_acked_ = false;
  bool in_recovery_ = false;
  RecoveryPeriod recovery_;
  HyStartPlusPlus hystart_;
  Saved undo_{};
  bool undo_valid_ = false;
};

}  // namespace tquic::transport
