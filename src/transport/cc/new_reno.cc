#include "transport/cc/new_reno.h"

#include <algorithm>

namespace tquic::transport {

NewReno::NewReno(const CongestionControlConfig& config)
    : CongestionController(CongestionControlAlgorithm::new_reno, config) {
  set_window_pacing_rate(true);
}

void NewReno::handle_packet_sent(const SentPacketEvent& /*ev*/) {}

void NewReno::handle_ack(const AckEvent& ev, const RateSample& /*rs*/) {
  for (const CcPacket& p : ev.acked) on_packet_acked(p);
  set_window_pacing_rate(in_slow_start());
}

// RFC 9002 section B.5 OnPacketAcked.
void NewReno::on_packet_acked(const CcPacket& p) {
  any_acked_ = true;
  if (recovery_.covers(p.time_sent)) return;  // no growth during recovery
  in_recovery_ = false;                       // a packet sent after it was acked
  if (p.delivery.is_app_limited) return;      // window was not fully used (7.8)
  if (congestion_window_ < ssthresh_) {
    congestion_window_ += p.bytes;  // slow start
    return;
  }
  // Congestion avoidance: one max_datagram_size per congestion window acked.
  bytes_acked_in_avoidance_ += p.bytes;
  if (bytes_acked_in_avoidance_ >= congestion_window_) {
    bytes_acked_in_avoidance_ -= congestion_window_;
    congestion_window_ += max_datagram_size_;
  }
}

// RFC 9002 section B.6 OnCongestionEvent.
void NewReno::enter_recovery(Timestamp now, Timestamp time_sent) {
  if (recovery_.covers(time_sent)) return;  // one reduction per round trip
  undo_ = Undo{true, congestion_window_, ssthresh_};
  recovery_.enter(now);
  in_recovery_ = true;
  ssthresh_ = congestion_window_ / 2;  // kLossReductionFactor = 0.5
  congestion_window_ = std::max(ssthresh_, minimum_window());
  bytes_acked_in_avoidance_ = 0;
}

// RFC 9002 section B.8 OnPacketsLost.
void NewReno::handle_congestion_event(const LossEvent& ev, Timestamp largest_lost_time_sent,
                                      std::uint64_t /*bytes_lost*/) {
  if (!ev.lost.empty()) enter_recovery(ev.now, largest_lost_time_sent);
  if (ev.persistent_congestion) {
    congestion_window_ = minimum_window();
    recovery_.reset();
    in_recovery_ = false;
    undo_.valid = false;
  }
  set_window_pacing_rate(in_slow_start());
}

// RFC 9002 section B.7 ProcessECN.
void NewReno::handle_ecn_ce(const EcnCeEvent& ev) {
  enter_recovery(ev.now, ev.largest_acked_time_sent);
  undo_.valid = false;  // a CE mark is never spurious
  set_window_pacing_rate(in_slow_start());
}

void NewReno::handle_spurious_congestion_event(Timestamp /*now*/) {
  if (!undo_.valid) return;
  congestion_window_ = std::max(congestion_window_, undo_.congestion_window);
  ssthresh_ = undo_.ssthresh;
  recovery_.reset();
  in_recovery_ = false;
  undo_.valid = false;
  ++spurious_undos_;
  set_window_pacing_rate(in_slow_start());
}

// RFC 9002 section 7.2: before any acknowledgment the window is still the
// initial window and follows the new size; afterwards only the minimum applies.
void NewReno::handle_max_datagram_size_changed(std::uint64_t /*old_size*/) {
  if (!any_acked_) congestion_window_ = initial_window();
  congestion_window_ = std::max(congestion_window_, minimum_window());
  set_window_pacing_rate(in_slow_start());
}

CongestionStats NewReno::stats() const {
  const std::string_view state = in_recovery_      ? "recovery"
                                 : in_slow_start() ? "slow_start"
                                                   : "congestion_avoidance";
  CongestionStats s = base_stats(state);
  s.ssthresh = ssthresh_;
  return s;
}

}  // namespace tquic::transport
