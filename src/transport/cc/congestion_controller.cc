#include "transport/cc/congestion_controller.h"

#include <algorithm>

#include "transport/cc/bbr3.h"
#include "transport/cc/cubic.h"
#include "transport/cc/new_reno.h"

namespace tquic::transport {
namespace {

// RFC 9000 section 14: every QUIC path carries 1200-byte datagrams.
constexpr std::uint64_t kMinMaxDatagramSize = 1200;

std::uint64_t saturate(unsigned __int128 v) {
  return v > UINT64_MAX ? UINT64_MAX : static_cast<std::uint64_t>(v);
}

}  // namespace

std::string_view congestion_control_algorithm_name(CongestionControlAlgorithm algorithm) {
  switch (algorithm) {
    case CongestionControlAlgorithm::new_reno:
      return "new_reno";
    case CongestionControlAlgorithm::cubic:
      return "cubic";
    case CongestionControlAlgorithm::bbr3:
      return "bbr3";
  }
  return "unknown";
}

Result<CongestionControlAlgorithm> parse_congestion_control_algorithm(std::string_view name) {
  if (name == "new_reno" || name == "newreno" || name == "reno") {
    return CongestionControlAlgorithm::new_reno;
  }
  if (name == "cubic") return CongestionControlAlgorithm::cubic;
  if (name == "bbr3" || name == "bbr") return CongestionControlAlgorithm::bbr3;
  return Error::local("unknown congestion control algorithm");
}

std::uint64_t bytes_in_duration(std::uint64_t rate, Duration d) {
  if (d <= Duration::zero()) return 0;
  return saturate(static_cast<unsigned __int128>(rate) * static_cast<std::uint64_t>(d.count()) /
                  1'000'000'000u);
}

std::uint64_t rate_of(std::uint64_t bytes, Duration d) {
  if (d <= Duration::zero()) return 0;
  return saturate(static_cast<unsigned __int128>(bytes) * 1'000'000'000u /
                  static_cast<std::uint64_t>(d.count()));
}

std::uint64_t CongestionController::initial_window_for(std::uint64_t max_datagram_size) {
  // min(10 * max_datagram_size, max(14720, 2 * max_datagram_size))
  return std::min<std::uint64_t>(10 * max_datagram_size,
                                 std::max<std::uint64_t>(14720, 2 * max_datagram_size));
}

CongestionController::CongestionController(CongestionControlAlgorithm algorithm,
                                           const CongestionControlConfig& config)
    : max_datagram_size_(std::max(config.max_datagram_size, kMinMaxDatagramSize)),
      smoothed_rtt_(config.initial_rtt > Duration::zero() ? config.initial_rtt : 333ms),
      config_(config),
      algorithm_(algorithm) {
  congestion_window_ = initial_window();
}

DeliveryRateSnapshot CongestionController::on_packet_sent(const SentPacketEvent& ev) {
  if (!ev.in_flight) return DeliveryRateSnapshot{};
  const DeliveryRateSnapshot snapshot =
      sampler_.on_packet_sent(ev.now, ev.bytes, ev.bytes_in_flight_before);
  handle_packet_sent(ev);
  return snapshot;
}

void CongestionController::on_ack(const AckEvent& ev) {
  if (ev.rtt.smoothed_rtt > Duration::zero()) {
    smoothed_rtt_ = ev.rtt.smoothed_rtt;
    has_rtt_sample_ = true;
  }
  sampler_.begin_ack();
  for (const CcPacket& p : ev.acked) {
    sampler_.on_packet_acked(ev.now, p.time_sent, p.bytes, p.delivery);
  }
  const RateSample& rs = sampler_.end_ack(ev.rtt.min_rtt);
  handle_ack(ev, rs);
}

void CongestionController::on_congestion_event(const LossEvent& ev) {
  std::uint64_t bytes_lost = 0;
  Timestamp largest_time_sent{};
  bool any = false;
  for (const CcPacket& p : ev.lost) {
    bytes_lost += p.bytes;
    largest_time_sent = any ? std::max(largest_time_sent, p.time_sent) : p.time_sent;
    any = true;
  }
  if (!any && !ev.persistent_congestion) return;
  sampler_.on_packets_lost(bytes_lost);
  if (any) ++congestion_events_;
  if (ev.persistent_congestion) ++persistent_congestion_events_;
  handle_congestion_event(ev, largest_time_sent, bytes_lost);
}

void CongestionController::on_ecn_ce(const EcnCeEvent& ev) {
  if (ev.ce_count_increase == 0) return;
  ++ecn_ce_events_;
  handle_ecn_ce(ev);
}

void CongestionController::on_app_limited(Timestamp /*now*/, std::uint64_t bytes_in_flight) {
  if (bytes_in_flight >= congestion_window_) return;  // window-limited, not app-limited
  sampler_.on_app_limited(bytes_in_flight);
}

void CongestionController::on_spurious_congestion_event(Timestamp now) {
  handle_spurious_congestion_event(now);
}

void CongestionController::set_max_datagram_size(std::uint64_t max_datagram_size) {
  const std::uint64_t size = std::max(max_datagram_size, kMinMaxDatagramSize);
  if (size == max_datagram_size_) return;
  const std::uint64_t old_size = max_datagram_size_;
  max_datagram_size_ = size;
  handle_max_datagram_size_changed(old_size);
}

CongestionStats CongestionController::base_stats(std::string_view state) const {
  CongestionStats s;
  s.algorithm = algorithm_;
  s.state = state;
  s.congestion_window = congestion_window_;
  s.pacing_rate = pacing_rate_;
  s.bandwidth_estimate = sampler_.last_sample().delivery_rate;
  s.delivered = sampler_.delivered();
  s.lost = sampler_.lost();
  s.congestion_events = congestion_events_;
  s.persistent_congestion_events = persistent_congestion_events_;
  s.ecn_ce_events = ecn_ce_events_;
  s.spurious_undos = spurious_undos_;
  return s;
}

void CongestionController::set_window_pacing_rate(bool slow_start) {
  // rate = N * congestion_window / smoothed_rtt
  const std::uint64_t scaled = slow_start ? congestion_window_ * 2 : congestion_window_ * 5 / 4;
  pacing_rate_ = std::max<std::uint64_t>(rate_of(scaled, smoothed_rtt_), 1);
}

std::unique_ptr<CongestionController> make_congestion_controller(
    CongestionControlAlgorithm algorithm, const CongestionControlConfig& config) {
  switch (algorithm) {
    case CongestionControlAlgorithm::new_reno:
      return std::make_unique<NewReno>(config);
    case CongestionControlAlgorithm::cubic:
      return std::make_unique<Cubic>(config);
    case CongestionControlAlgorithm::bbr3:
      return std::make_unique<Bbr3>(config);
  }
  return std::make_unique<NewReno>(config);
}

}  // namespace tquic::transport
