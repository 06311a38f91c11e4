#include "transport/recovery/delivery_rate.h"

#include <algorithm>

namespace tquic::transport {
namespace {

std::uint64_t rate_bytes_per_second(std::uint64_t bytes, Duration interval) {
  if (interval <= Duration::zero()) return 0;
  const auto scaled = static_cast<unsigned __int128>(bytes) * 1'000'000'000u;
  const auto rate = scaled / static_cast<unsigned __int128>(interval.count());
  return rate > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(rate);
}

}  // namespace

// Draft section 3.2 "Transmitting or retransmitting a data packet".
DeliveryRateSnapshot DeliveryRateSampler::on_packet_sent(Timestamp now, std::uint64_t bytes,
                                                         std::uint64_t bytes_in_flight_before) {
  if (bytes_in_flight_before == 0) {
    first_sent_time_ = now;
    delivered_time_ = now;
  }
  DeliveryRateSnapshot s;
  s.delivered = delivered_;
  s.delivered_time = delivered_time_;
  s.first_sent_time = first_sent_time_;
  s.lost = lost_;
  s.tx_in_flight = static_cast<std::uint32_t>(
      std::min<std::uint64_t>(bytes_in_flight_before + bytes, UINT32_MAX));
  s.is_app_limited = app_limited_until_ != 0;
  return s;
}

void DeliveryRateSampler::begin_ack() {
  sample_ = RateSample{};
  newest_time_sent_ = Timestamp{};
}

// Draft section 3.3 "Upon receiving an ACK": UpdateRateSample(P).
void DeliveryRateSampler::on_packet_acked(Timestamp now, Timestamp time_sent, std::uint64_t bytes,
                                          const DeliveryRateSnapshot& snapshot) {
  delivered_ += bytes;
  delivered_time_ = now;
  sample_.newly_acked += bytes;
  // Build the sample on the most recently sent packet (largest P.delivered,
  // then latest send time).
  const bool newer =
      !sample_.has_packet || snapshot.delivered > sample_.prior_delivered ||
      (snapshot.delivered == sample_.prior_delivered && time_sent > newest_time_sent_);
  if (!newer) return;
  sample_.has_packet = true;
  sample_.prior_delivered = snapshot.delivered;
  sample_.prior_time = snapshot.delivered_time;
  sample_.is_app_limited = snapshot.is_app_limited;
  sample_.send_elapsed = time_sent - snapshot.first_sent_time;
  sample_.ack_elapsed = delivered_time_ - snapshot.delivered_time;
  sample_.rtt = now - time_sent;
  sample_.tx_in_flight = snapshot.tx_in_flight;
  sample_.lost = lost_ - std::min(lost_, snapshot.lost);
  newest_time_sent_ = time_sent;
  first_sent_time_ = time_sent;
}

// Draft section 3.3: GenerateRateSample(rs).
const RateSample& DeliveryRateSampler::end_ack(Duration min_rtt) {
  if (app_limited_until_ != 0 && delivered_ > app_limited_until_) app_limited_until_ = 0;
  if (!sample_.has_packet) return sample_;
  sample_.delivered = delivered_ - sample_.prior_delivered;
  sample_.interval = std::max(sample_.send_elapsed, sample_.ack_elapsed);
  // An interval shorter than min_rtt means the ACKs were compressed: the
  // rate would be overestimated.
  if (sample_.interval <= Duration::zero() || sample_.interval < min_rtt) return sample_;
  sample_.delivery_rate = rate_bytes_per_second(sample_.delivered, sample_.interval);
  sample_.valid = true;
  return sample_;
}

// Draft section 3.4 "Detecting application-limited phases".
void DeliveryRateSampler::on_app_limited(std::uint64_t bytes_in_flight) {
  const std::uint64_t mark = delivered_ + bytes_in_flight;
  app_limited_until_ = mark != 0 ? mark : 1;
}

}  // namespace tquic::transport
