// NewReno congestion control exactly as RFC 9002 section 7 and Appendix B:
// slow start, recovery period (one reduction per round trip), congestion
// avoidance with +1 max_datagram_size per window acknowledged (counted in
// bytes, RFC 3465), persistent congestion to the minimum window.
#pragma once

#include "transport/cc/congestion_controller.h"
#include "transport/cc/recovery_period.h"

namespace tquic::transport {

class NewReno final : public CongestionController {
 public:
  explicit NewReno(const CongestionControlConfig& config);

  bool in_slow_start() const override { return congestion_window_ < ssthresh_; }
  CongestionStats stats() const override;
  std::uint64_t ssthresh() const { return ssthresh_; }
  bool in_recovery() const { return in_recovery_; }

 private:
  void handle_packet_sent(const SentPacketEvent& ev) override;
  void handle_ack(const AckEvent& ev, const RateSample& rs) override;
  void handle_congestion_event(const LossEvent& ev, Timestamp largest_lost_time_sent,
                               std::uint64_t bytes_lost) override;
  void handle_ecn_ce(const EcnCeEvent& ev) override;
  void handle_spurious_congestion_event(Timestamp now) override;
  void handle_max_datagram_size_changed(std::uint64_t old_size) override;

  void on_packet_acked(const CcPacket& p);
  void enter_recovery(Timestamp now, Timestamp time_sent);  // OnCongestionEvent

  std::uint64_t ssthresh_ = kInfiniteWindow;
  std::uint64_t bytes_acked_in_avoidance_ = 0;  // RFC 3465 byte counting
  RecoveryPeriod recovery_;
  bool in_recovery_ = false;  // for stats: no packet sent after recovery start acked yet
  bool any_acked_ = false;
  struct Undo {
    bool valid = false;
    std::uint64_t congestion_window = 0;
    std::uint64_t ssthresh = 0;
  } undo_;
};

}  // namespace tquic::transport
