// Round-trip time estimation for one network path (RFC 9002 §5).
//
// One RttEstimator per path: RTT is a property of the path, not of a packet
// number space (RFC 9002 §6). Under multipath the sample for a path comes from
// (PATH_)ACKs of packets sent on that path, whichever path carried the ACK
// (draft-ietf-quic-multipath §"Computing Path RTT"); min_rtt restarts when the
// path carrying those ACKs changes or is abandoned.
//
// The estimator never reads a clock: sample times are passed in.
#pragma once

#include <cstdint>

#include "base/time.h"

namespace tquic::transport {

// kGranularity, RFC 9002 §6.1.2 / Appendix A.2.
inline constexpr Duration kGranularity = 1ms;

// One RTT sample as produced by ACK processing (RFC 9002 §5.1).
struct RttSample {
  Duration latest_rtt{};            // ack_time - time_sent of the largest acknowledged
  Duration ack_delay{};             // decoded ACK Delay (zero for the Initial space)
  Duration max_ack_delay{};         // the peer's max_ack_delay
  bool handshake_confirmed = false; // RFC 9001 §4.1.2
  Timestamp now{};                  // when the ACK was received
  std::uint64_t ack_path_id = 0;    // path the ACK arrived on (multipath)
};

class RttEstimator {
 public:
  // kInitialRtt, RFC 9002 §6.2.2.
  static constexpr Duration kDefaultInitialRtt = 333ms;

  explicit RttEstimator(Duration initial_rtt = kDefaultInitialRtt);

  // Feeds one RTT sample (RFC 9002 §5.2, §5.3, Appendix A.7 UpdateRtt).
  void on_sample(const RttSample& sample);

  // Forgets every sample and restarts from initial_rtt (new path or
  // migration, RFC 9000 §9.4).
  void reset();

  // Changes kInitialRtt (resumed connection, PATH_CHALLENGE/RESPONSE delay,
  // Retry delay: RFC 9002 §6.2.2, §6.3). Takes effect on smoothed_rtt and
  // rttvar only while no sample has been taken.
  void set_initial_rtt(Duration initial_rtt);

  // RFC 9002 §5.2: after persistent congestion, min_rtt := latest_rtt.
  void on_persistent_congestion();

  // Multipath: the path that carried the ACKs producing min_rtt went away;
  // the next sample restarts the min_rtt computation.
  void on_ack_path_abandoned(std::uint64_t ack_path_id);

  bool has_sample() const { return has_sample_; }
  // first_rtt_sample of RFC 9002 Appendix A.3; meaningful when has_sample().
  Timestamp first_rtt_sample() const { return first_rtt_sample_; }
  Duration initial_rtt() const { return initial_rtt_; }
  Duration latest_rtt() const { return latest_rtt_; }
  Duration smoothed_rtt() const { return smoothed_rtt_; }
  Duration rttvar() const { return rttvar_; }
  Duration min_rtt() const { return min_rtt_; }

  // smoothed_rtt + max(4 * rttvar, kGranularity): the PTO period without
  // max_ack_delay and backoff (RFC 9002 §6.2.1).
  Duration pto_base() const;

 private:
  void first_sample(const RttSample& sample);
  void update_min_rtt(const RttSample& sample);

  Duration initial_rtt_;
  Duration latest_rtt_{};
  Duration smoothed_rtt_;
  Duration rttvar_;
  Duration min_rtt_{};
  Timestamp first_rtt_sample_{};
  std::uint64_t min_rtt_ack_path_ = 0;
  bool has_sample_ = false;
  bool restart_min_rtt_ = false;
};

}  // namespace tquic::transport
