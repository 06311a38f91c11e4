#include "transport/cc/bbr3_model.h"

#include <algorithm>

namespace tquic::transport {
namespace {

using K = Bbr3Constants;

std::uint64_t scale(std::uint64_t v, double gain) {
  if (v == kInfiniteWindow) return v;
  const double r = static_cast<double>(v) * gain;
  return r >= 1.8e19 ? kInfiniteWindow : static_cast<std::uint64_t>(r);
}

}  // namespace

void Bbr3Model::init(Timestamp now) {
  min_rtt_.init(now);
  extra_acked_interval_start_ = now;
}

void Bbr3Model::update_round(const RateSample& rs, std::uint64_t delivered) {
  round_start_ = false;
  if (!rs.has_packet || rs.prior_delivered < next_round_delivered_) return;
  start_round(delivered);
  ++round_count_;
  round_start_ = true;
}

void Bbr3Model::update_max_bw(const RateSample& rs) {
  if (!rs.valid) return;
  if (rs.delivery_rate >= max_bw() || !rs.is_app_limited) max_bw_filter_.update(rs.delivery_rate);
}

void Bbr3Model::bound_bw_for_model() { bw_ = std::min(max_bw(), bw_lo_); }

void Bbr3Model::update_latest_delivery_signals(const RateSample& rs, std::uint64_t delivered) {
  loss_round_start_ = false;
  if (!rs.has_packet) return;
  if (rs.valid) bw_latest_ = std::max(bw_latest_, rs.delivery_rate);
  inflight_latest_ = std::max(inflight_latest_, rs.delivered);
  if (rs.prior_delivered >= loss_round_delivered_) {
    loss_round_delivered_ = delivered;
    loss_round_start_ = true;
  }
}

void Bbr3Model::advance_latest_delivery_signals(const RateSample& rs) {
  if (!loss_round_start_) return;
  bw_latest_ = rs.valid ? rs.delivery_rate : 0;
  inflight_latest_ = rs.delivered;
}

void Bbr3Model::reset_congestion_signals() {
  loss_in_round_ = false;
  ecn_in_round_ = false;
  ce_in_round_ = 0;
  loss_events_in_round_ = 0;
  lost_in_round_ = 0;
  bw_latest_ = 0;
  inflight_latest_ = 0;
}

void Bbr3Model::note_loss(std::uint64_t bytes_lost) {
  loss_in_round_ = true;
  ++loss_events_in_round_;
  lost_in_round_ += bytes_lost;
}

bool Bbr3Model::loss_rate_in_round_too_high(std::uint64_t delivered) const {
  const std::uint64_t delivered_in_round = delivered - delivered_at_loss_round_start_;
  const double sent = static_cast<double>(delivered_in_round + lost_in_round_);
  return static_cast<double>(lost_in_round_) > K::kLossThresh * sent;
}

bool Bbr3Model::ecn_rate_in_round_too_high(std::uint64_t delivered) const {
  const std::uint64_t delivered_in_round = delivered - delivered_at_loss_round_start_;
  return ce_in_round_ > 0 && static_cast<double>(ce_in_round_) > K::kEcnThresh * static_cast<double>(delivered_in_round);
}

void Bbr3Model::end_loss_round(std::uint64_t delivered) {
  loss_in_round_ = false;
  ecn_in_round_ = false;
  ce_in_round_ = 0;
  loss_events_in_round_ = 0;
  lost_in_round_ = 0;
  delivered_at_loss_round_start_ = delivered;
}

void Bbr3Model::reset_lower_bounds() {
  bw_lo_ = kInfiniteWindow;
  inflight_lo_ = kInfiniteWindow;
}

void Bbr3Model::init_lower_bounds(std::uint64_t cwnd) {
  if (bw_lo_ == kInfiniteWindow) bw_lo_ = max_bw();
  if (inflight_lo_ == kInfiniteWindow) inflight_lo_ = cwnd;
}

// BBRLossLowerBounds: multiplicative decrease, floored by the latest round.
void Bbr3Model::loss_lower_bounds() {
  bw_lo_ = std::max(bw_latest_, scale(bw_lo_, K::kBeta));
  inflight_lo_ = std::max(inflight_latest_, scale(inflight_lo_, K::kBeta));
}

// BBRUpdateACKAggregation: how much more was acknowledged than the model's
// bandwidth explains, max over 10 rounds.
void Bbr3Model::update_ack_aggregation(Timestamp now, const RateSample& rs, std::uint64_t cwnd) {
  if (bw_ == 0 || rs.newly_acked == 0) return;
  std::uint64_t expected = bytes_in_duration(bw_, now - extra_acked_interval_start_);
  if (extra_acked_delivered_ <= expected) {
    extra_acked_delivered_ = 0;
    extra_acked_interval_start_ = now;
    expected = 0;
  }
  extra_acked_delivered_ += rs.newly_acked;
  const std::uint64_t extra = std::min(extra_acked_delivered_ - expected, cwnd);
  extra_acked_filter_.update(extra, round_count_);
}

// BBRSetSendQuantum.
void Bbr3Model::update_send_quantum(std::uint64_t pacing_rate, std::uint64_t mds) {
  if (pacing_rate < 150'000) {  // 1.2 Mbit/s
    send_quantum_ = mds;
  } else if (pacing_rate < 3'000'000) {  // 24 Mbit/s
    send_quantum_ = 2 * mds;
  } else {
    send_quantum_ = std::min<std::uint64_t>(bytes_in_duration(pacing_rate, 1ms), 64 * 1024);
  }
}

std::uint64_t Bbr3Model::bdp_multiple(std::uint64_t bw, double gain,
                                      std::uint64_t initial_window) const {
  if (!min_rtt_.has_min_rtt()) return initial_window;
  return scale(bytes_in_duration(bw, min_rtt()), gain);
}

std::uint64_t Bbr3Model::quantization_budget(std::uint64_t inflight, std::uint64_t min_pipe_cwnd,
                                             bool probe_up, std::uint64_t mds) const {
  inflight = std::max(inflight, 3 * send_quantum_);  // offload budget
  inflight = std::max(inflight, min_pipe_cwnd);
  if (probe_up) inflight += 2 * mds;
  return inflight;
}

std::uint64_t Bbr3Model::inflight_with_headroom(std::uint64_t min_pipe_cwnd,
                                                std::uint64_t mds) const {
  if (inflight_hi_ == kInfiniteWindow) return kInfiniteWindow;
  const std::uint64_t headroom = std::max(mds, scale(inflight_hi_, K::kHeadroom));
  if (inflight_hi_ <= headroom) return min_pipe_cwnd;
  return std::max(inflight_hi_ - headroom, min_pipe_cwnd);
}

}  // namespace tquic::transport
