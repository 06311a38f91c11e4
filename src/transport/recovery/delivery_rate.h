// Delivery-rate estimation (draft-cheng-iccrg-delivery-rate-estimation):
// a snapshot of the connection's delivery state is taken when a packet is
// sent and stored with that packet; when packets are acknowledged, the
// snapshot of the most recently sent one yields a rate sample
//   delivery_rate = (delivered_now - delivered_then) / max(send_elapsed, ack_elapsed).
// One sampler per path. Pure arithmetic: the caller supplies every timestamp.
// BBR (cc/bbr3.*) consumes the samples; the loss-based controllers use only
// the app-limited flag. Nothing here allocates.
#pragma once

#include <cstdint>

#include "base/time.h"

namespace tquic::transport {

// Stored with every in-flight sent packet (the "P." fields of the draft).
struct DeliveryRateSnapshot {
  std::uint64_t delivered = 0;     // P.delivered: C.delivered when sent
  Timestamp delivered_time{};      // P.delivered_time
  Timestamp first_sent_time{};     // P.first_sent_time
  std::uint64_t lost = 0;          // C.lost when sent (BBR inflight_hi, loss rate)
  std::uint32_t tx_in_flight = 0;  // bytes in flight including this packet (saturating)
  bool is_app_limited = false;     // P.is_app_limited
};
static_assert(sizeof(DeliveryRateSnapshot) <= 40, "stored with every sent packet: keep it small");

// The "rs." fields of the draft, plus the BBR extensions (lost, tx_in_flight).
struct RateSample {
  bool valid = false;               // false: no usable rate in this sample
  std::uint64_t delivery_rate = 0;  // bytes per second
  bool is_app_limited = false;
  Duration interval{};          // max(send_elapsed, ack_elapsed)
  std::uint64_t delivered = 0;  // bytes delivered over `interval`
  std::uint64_t prior_delivered = 0;
  Timestamp prior_time{};
  Duration send_elapsed{};
  Duration ack_elapsed{};
  Duration rtt{};                  // RTT of the most recently sent acked packet
  std::uint64_t tx_in_flight = 0;  // in flight when that packet was sent
  std::uint64_t lost = 0;          // bytes lost between its send and now
  std::uint64_t newly_acked = 0;   // bytes acknowledged by this ACK
  bool has_packet = false;         // at least one acked packet contributed
};

class DeliveryRateSampler {
 public:
  // Call for every in-flight packet sent; store the result with the packet.
  DeliveryRateSnapshot on_packet_sent(Timestamp now, std::uint64_t bytes,
                                      std::uint64_t bytes_in_flight_before);

  // Per ACK: begin_ack(), on_packet_acked() for each newly acknowledged
  // in-flight packet (any order), then end_ack() produces the sample.
  void begin_ack();
  void on_packet_acked(Timestamp now, Timestamp time_sent, std::uint64_t bytes,
                       const DeliveryRateSnapshot& snapshot);
  // min_rtt: path minimum RTT (zero if unknown). Samples whose interval is
  // shorter than min_rtt are implausible (ACK compression) and marked invalid.
  const RateSample& end_ack(Duration min_rtt);

  void on_packets_lost(std::uint64_t bytes) { lost_ += bytes; }

  // The sender had nothing to send although the window allowed it: samples
  // taken until the current flight is delivered are app-limited.
  void on_app_limited(std::uint64_t bytes_in_flight);

  std::uint64_t delivered() const { return delivered_; }
  std::uint64_t lost() const { return lost_; }
  bool app_limited() const { return app_limited_until_ != 0; }
  const RateSample& last_sample() const { return sample_; }

 private:
  std::uint64_t delivered_ = 0;          // C.delivered
  Timestamp delivered_time_{};           // C.delivered_time
  Timestamp first_sent_time_{};          // C.first_sent_time
  std::uint64_t lost_ = 0;               // C.lost
  std::uint64_t app_limited_until_ = 0;  // C.app_limited (0: not app-limited)
  Timestamp newest_time_sent_{};         // of the packet the sample is built on
  RateSample sample_{};
};

}  // namespace tquic::transport
