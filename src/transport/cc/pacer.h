// Pacer (RFC 9002 section 7.7): a leaky bucket in virtual time. Credit
// fills at the congestion controller's pacing rate up to a burst quantum
// and each sent packet spends its size. The quantum is 1 ms at the pacing
// rate, between 10 datagrams and burst_packets (set that to a GSO train,
// so fast paths get whole trains and slow ones never a 64 KB burst). Credit is kept in exact integer
// byte-nanoseconds-per-second units, so rounding never accumulates: after
// a million packets the schedule is still within a nanosecond of ideal.
// Never reads a clock; one pacer per path. ACK-only packets should not be
// paced (do not call on_sent for them).
#pragma once

#include <cstdint>

#include "base/time.h"

namespace tquic::transport {

class Pacer {
 public:
  static constexpr std::uint32_t kDefaultBurstPackets = 10;
  // The burst quantum is what the rate gives in kBurstTimeNs, between
  // kMinBurstPackets and burst_packets datagrams.
  static constexpr std::uint64_t kBurstTimeNs = 1'000'000;
  static constexpr std::uint32_t kMinBurstPackets = 10;

  explicit Pacer(std::uint64_t max_datagram_size = 1200,
                 std::uint32_t burst_packets = kDefaultBurstPackets);

  // bytes per second from CongestionController::pacing_rate(); 0 = unpaced.
  void set_rate(Timestamp now, std::uint64_t bytes_per_second);
  void set_max_datagram_size(Timestamp now, std::uint64_t max_datagram_size);
  void set_burst_packets(Timestamp now, std::uint32_t burst_packets);

  // Earliest time `bytes` may be sent: `now` if it may go now. A request
  // larger than the burst quantum waits for a full bucket.
  Timestamp next_send_time(Timestamp now, std::uint64_t bytes) const;
  // Bytes that may be sent at `now` without waiting (sizes a GSO train).
  std::uint64_t sendable_bytes(Timestamp now) const;
  void on_sent(Timestamp now, std::uint64_t bytes);

  std::uint64_t rate() const { return rate_; }
  std::uint64_t burst_bytes() const { return burst_bytes_; }

 private:
  std::int64_t credit_at(Timestamp now) const;  // scaled by 1e9
  void refill(Timestamp now);
  std::int64_t capacity() const;
  void update_burst();

  std::uint64_t rate_ = 0;
  std::uint64_t max_datagram_size_;
  std::uint32_t burst_packets_;
  std::uint64_t burst_bytes_;
  std::int64_t credit_;  // bytes * 1e9; may go negative (debt) down to -capacity
  Timestamp last_{};
  bool started_ = false;
};

}  // namespace tquic::transport
