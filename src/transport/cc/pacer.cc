#include "transport/cc/pacer.h"

#include <algorithm>

namespace tquic::transport {
namespace {

constexpr std::int64_t kScale = 1'000'000'000;  // credit unit: bytes * 1e9
// Bounds that keep every credit computation far from int64 overflow.
constexpr std::uint64_t kMaxDatagram = 65535;
constexpr std::uint32_t kMaxBurstPackets = 1024;

std::uint64_t clamp_datagram(std::uint64_t size) {
  return std::clamp<std::uint64_t>(size, 1, kMaxDatagram);
}
std::uint32_t clamp_burst(std::uint32_t packets) {
  return std::clamp<std::uint32_t>(packets, 1, kMaxBurstPackets);
}

}  // namespace

Pacer::Pacer(std::uint64_t max_datagram_size, std::uint32_t burst_packets)
    : max_datagram_size_(clamp_datagram(max_datagram_size)),
      burst_packets_(clamp_burst(burst_packets)),
      burst_bytes_(max_datagram_size_ * burst_packets_),
      credit_(capacity()) {}

// The burst quantum follows the rate, as Linux sizes TSO bursts: what the
// rate gives in kBurstTime, at least the initial window's 10 datagrams
// (RFC 9002 §7.7) and at most burst_packets_ (one GSO train). A slow path
// then never sees a 64 KB train at once; a fast one gets whole trains.
void Pacer::update_burst() {
  const std::uint64_t most = max_datagram_size_ * burst_packets_;
  const std::uint64_t least = max_datagram_size_ * std::min(kMinBurstPackets, burst_packets_);
  const std::uint64_t by_rate = rate_ / (1'000'000'000 / kBurstTimeNs);
  burst_bytes_ = rate_ == 0 ? most : std::clamp(by_rate, least, most);
  credit_ = std::min(credit_, capacity());
}

// One nanosecond of credit above the burst keeps the rounding surplus of a
// send time rounded up to the next nanosecond, so the schedule cannot drift.
std::int64_t Pacer::capacity() const {
  return static_cast<std::int64_t>(burst_bytes_) * kScale + static_cast<std::int64_t>(rate_);
}

std::int64_t Pacer::credit_at(Timestamp now) const {
  const std::int64_t cap = capacity();
  if (!started_ || rate_ == 0) return rate_ == 0 ? cap : credit_;
  if (now <= last_) return credit_;
  const std::int64_t elapsed_ns = (now - last_).count();
  const std::int64_t missing = cap - credit_;
  if (missing <= 0) return credit_;
  // Compare before multiplying so rate * elapsed can never overflow.
  const auto rate = static_cast<std::int64_t>(rate_);
  if (elapsed_ns >= missing / rate + 1) return cap;
  return credit_ + rate * elapsed_ns;  // <= missing + rate: fits
}

void Pacer::refill(Timestamp now) {
  if (!started_) {
    started_ = true;
    last_ = now;
    return;
  }
  credit_ = std::min(credit_at(now), capacity());
  last_ = std::max(last_, now);
}

void Pacer::set_rate(Timestamp now, std::uint64_t bytes_per_second) {
  refill(now);
  // Cap so that rate * elapsed fits comfortably (1 PB/s is far beyond any path).
  rate_ = std::min<std::uint64_t>(bytes_per_second, 1'000'000'000'000'000ull);
  update_burst();
  if (rate_ == 0) credit_ = capacity();
}

void Pacer::set_max_datagram_size(Timestamp now, std::uint64_t max_datagram_size) {
  refill(now);
  max_datagram_size_ = clamp_datagram(max_datagram_size);
  update_burst();
}

void Pacer::set_burst_packets(Timestamp now, std::uint32_t burst_packets) {
  refill(now);
  burst_packets_ = clamp_burst(burst_packets);
  update_burst();
}

Timestamp Pacer::next_send_time(Timestamp now, std::uint64_t bytes) const {
  if (rate_ == 0) return now;
  const std::int64_t need = static_cast<std::int64_t>(std::min(bytes, burst_bytes_)) * kScale;
  const std::int64_t credit = credit_at(now);
  if (credit >= need) return now;
  const auto rate = static_cast<std::int64_t>(rate_);
  const std::int64_t wait_ns = (need - credit + rate - 1) / rate;  // round up
  return std::max(now, last_) + Duration(wait_ns);
}

std::uint64_t Pacer::sendable_bytes(Timestamp now) const {
  const std::int64_t credit = credit_at(now);
  return credit <= 0 ? 0 : static_cast<std::uint64_t>(credit / kScale);
}

void Pacer::on_sent(Timestamp now, std::uint64_t bytes) {
  refill(now);
  if (rate_ == 0) return;
  // Debt beyond one burst is forgiven: packets sent past the pacer (PTO
  // probes) must not stall the path for long.
  const auto spend = static_cast<std::int64_t>(std::min<std::uint64_t>(bytes, 1u << 30)) * kScale;
  credit_ = std::max(credit_ - spend, -static_cast<std::int64_t>(burst_bytes_) * kScale);
}

}  // namespace tquic::transport
