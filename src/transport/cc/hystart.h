// HyStart++ (RFC 9406): leaves slow start on a sustained RTT increase,
// before the queue overflows, through a Conservative Slow Start (CSS)
// phase that grows the window at a quarter of the slow-start rate. Rounds
// are packet-number rounds: a round ends when a packet sent after the
// round began is acknowledged.
#pragma once

#include <cstdint>

#include "base/time.h"

namespace tquic::transport {

class HyStartPlusPlus {
 public:
  enum class Action : std::uint8_t { none, enter_css, leave_css, exit_slow_start };

  void on_packet_sent(std::uint64_t packet_number);
  // Once per ACK while in slow start. `largest_acked` is the largest newly
  // acknowledged packet number; `rtt` is used only when `new_sample`.
  Action on_ack(std::uint64_t largest_acked, Duration rtt, bool new_sample);

  // Divide the slow-start increase by this (RFC 9406 CSS_GROWTH_DIVISOR).
  std::uint64_t growth_divisor() const { return in_css_ ? 4 : 1; }
  bool in_css() const { return in_css_; }
  // RFC 9406 section 4.3: only the initial slow start uses HyStart++.
  void disable() {
    enabled_ = false;
    in_css_ = false;
  }
  bool enabled() const { return enabled_; }

 private:
  void start_round();

  bool enabled_ = true;
  bool in_css_ = false;
  bool round_started_ = false;
  std::uint64_t largest_sent_ = 0;
  std::uint64_t window_end_ = 0;
  Duration last_round_min_rtt_ = Duration::max();
  Duration current_round_min_rtt_ = Duration::max();
  Duration css_baseline_min_rtt_ = Duration::max();
  std::uint32_t rtt_sample_count_ = 0;
  std::uint32_t css_rounds_ = 0;
};

}  // namespace tquic::transport
