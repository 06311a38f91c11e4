// Per-path congestion controller interface (RFC 9002 section 7) and factory.
//
// One controller per path (draft-ietf-quic-multipath "Congestion Control":
// separate state per path; a path never sends more than its own controller
// allows). The connection drives it with one call per event:
//
//   snapshot = cc.on_packet_sent({now, pn, bytes, bytes_in_flight_before});
//       -> store `snapshot` with the sent packet (delivery-rate state)
//   cc.on_ack({now, acked_packets, rtt, bytes_in_flight});
//   cc.on_congestion_event({now, lost_packets, persistent, bytes_in_flight});
//   cc.on_ecn_ce(...), cc.on_app_limited(now, bytes_in_flight)
//   pacer.set_rate(now, cc.pacing_rate())   (after every ACK/loss event)
//
// Each public event method is non-virtual: it updates the shared
// delivery-rate sampler and then makes exactly one virtual call. Queries
// (congestion_window, pacing_rate, can_send) read plain fields. The
// controller never tracks bytes_in_flight itself (the sent-packet map owns
// it) and never reads a clock.
//
// Coupled multipath congestion control (LIA, RFC 6356; OLIA) can be added
// without changing this interface: create a `CoupledGroup` object owned by
// the connection that holds, per PathId, a pointer-free view {cwnd,
// smoothed_rtt} of each member; give each coupled controller (a subclass
// of NewReno/Cubic overriding only its congestion-avoidance increase) a
// non-owning reference to the group at construction (an extra field in
// CongestionControlConfig). On each ACK in congestion avoidance the path
// publishes its cwnd/rtt into its group slot and asks the group for the
// linked increase min(alpha * acked * mds / cwnd_total, acked * mds /
// cwnd_i). One thread owns the connection, so no locks are needed; the
// decrease on loss stays per path.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>

#include "base/result.h"
#include "base/time.h"
#include "transport/cc/congestion_events.h"
#include "transport/recovery/delivery_rate.h"

namespace tquic::transport {

enum class CongestionControlAlgorithm : std::uint8_t { new_reno, cubic, bbr3 };

std::string_view congestion_control_algorithm_name(CongestionControlAlgorithm algorithm);
// Accepts "new_reno"/"newreno"/"reno", "cubic", "bbr3"/"bbr".
Result<CongestionControlAlgorithm> parse_congestion_control_algorithm(std::string_view name);

inline constexpr std::uint64_t kInfiniteWindow = std::numeric_limits<std::uint64_t>::max();

struct CongestionControlConfig {
  std::uint64_t max_datagram_size = 1200;  // from the path (PMTU), >= 1200
  Duration initial_rtt = 333ms;            // RFC 9002 kInitialRtt, until a sample
  bool hystart = true;                     // Cubic: HyStart++ (RFC 9406)
  bool fast_convergence = true;            // Cubic: RFC 9438 section 4.7
  std::uint64_t random_seed = 1;           // BBR probe-time randomisation
};

// Snapshot for `tquic show` and qlog (recovery:metrics_updated).
struct CongestionStats {
  CongestionControlAlgorithm algorithm = CongestionControlAlgorithm::new_reno;
  std::string_view state;  // static string: "slow_start", "probe_bw_cruise", ...
  std::uint64_t congestion_window = 0;
  std::uint64_t ssthresh = kInfiniteWindow;
  std::uint64_t pacing_rate = 0;         // bytes per second
  std::uint64_t bandwidth_estimate = 0;  // bytes per second (BBR model or last sample)
  Duration min_rtt{};                    // BBR's filtered min_rtt, else zero
  std::uint64_t delivered = 0;
  std::uint64_t lost = 0;
  std::uint64_t congestion_events = 0;
  std::uint64_t persistent_congestion_events = 0;
  std::uint64_t ecn_ce_events = 0;
  std::uint64_t spurious_undos = 0;
};

class CongestionController {
 public:
  virtual ~CongestionController() = default;
  CongestionController(const CongestionController&) = delete;
  CongestionController& operator=(const CongestionController&) = delete;

  // --- events -------------------------------------------------------------
  DeliveryRateSnapshot on_packet_sent(const SentPacketEvent& ev);
  void on_ack(const AckEvent& ev);
  void on_congestion_event(const LossEvent& ev);
  void on_ecn_ce(const EcnCeEvent& ev);
  // Nothing to send although the window had room (RFC 9002 section 7.8).
  void on_app_limited(Timestamp now, std::uint64_t bytes_in_flight);
  // The packets of the last congestion event turned out not to be lost
  // (acknowledged later): undo that reduction (RFC 9438 section 4.9).
  void on_spurious_congestion_event(Timestamp now);
  // PMTU changed (RFC 9002 section 7.2).
  void set_max_datagram_size(std::uint64_t max_datagram_size);

  // --- queries ------------------------------------------------------------
  std::uint64_t congestion_window() const { return congestion_window_; }
  bool can_send(std::uint64_t bytes_in_flight) const {
    return bytes_in_flight < congestion_window_;
  }
  std::uint64_t available_window(std::uint64_t bytes_in_flight) const {
    return bytes_in_flight < congestion_window_ ? congestion_window_ - bytes_in_flight : 0;
  }
  std::uint64_t pacing_rate() const { return pacing_rate_; }  // bytes per second
  std::uint64_t max_datagram_size() const { return max_datagram_size_; }
  CongestionControlAlgorithm algorithm() const { return algorithm_; }
  const DeliveryRateSampler& delivery_rate() const { return sampler_; }
  virtual bool in_slow_start() const = 0;
  virtual CongestionStats stats() const = 0;

  // RFC 9002 section 7.2.
  static std::uint64_t initial_window_for(std::uint64_t max_datagram_size);

 protected:
  CongestionController(CongestionControlAlgorithm algorithm, const CongestionControlConfig& config);

  // One of these is called per public event, after the sampler is updated.
  virtual void handle_packet_sent(const SentPacketEvent& ev) = 0;
  virtual void handle_ack(const AckEvent& ev, const RateSample& rs) = 0;
  virtual void handle_congestion_event(const LossEvent& ev, Timestamp largest_lost_time_sent,
                                       std::uint64_t bytes_lost) = 0;
  virtual void handle_ecn_ce(const EcnCeEvent& ev) = 0;
  virtual void handle_spurious_congestion_event(Timestamp now) = 0;
  virtual void handle_max_datagram_size_changed(std::uint64_t old_size) = 0;

  // Fills the fields every controller shares.
  CongestionStats base_stats(std::string_view state) const;
  // RFC 9002 section 7.7 for window-based controllers: N * cwnd / srtt, with
  // N = 2 in slow start (so pacing never caps the doubling; the same ratio
  // Linux uses) and N = 1.25 otherwise.
  void set_window_pacing_rate(bool slow_start);
  std::uint64_t minimum_window() const { return 2 * max_datagram_size_; }
  std::uint64_t initial_window() const { return initial_window_for(max_datagram_size_); }

  std::uint64_t congestion_window_ = 0;
  std::uint64_t pacing_rate_ = 0;
  std::uint64_t max_datagram_size_ = 1200;
  Duration smoothed_rtt_{};  // latest from AckEvent; config.initial_rtt before
  bool has_rtt_sample_ = false;
  std::uint64_t congestion_events_ = 0;
  std::uint64_t persistent_congestion_events_ = 0;
  std::uint64_t ecn_ce_events_ = 0;
  std::uint64_t spurious_undos_ = 0;
  DeliveryRateSampler sampler_;
  CongestionControlConfig config_;

 private:
  CongestionControlAlgorithm algorithm_;
};

// Called once per path at path creation (not on the hot path).
std::unique_ptr<CongestionController> make_congestion_controller(
    CongestionControlAlgorithm algorithm, const CongestionControlConfig& config);

// Bytes that `rate` (bytes/s) carries in `d`, and the rate of `bytes` over `d`.
std::uint64_t bytes_in_duration(std::uint64_t rate, Duration d);
std::uint64_t rate_of(std::uint64_t bytes, Duration d);

}  // namespace tquic::transport
