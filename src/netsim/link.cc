#include "netsim/link.h"

#include <algorithm>
#include <cstring>

namespace tquic::sim {
namespace {

constexpr std::uint64_t kTraceDeliver = 1;
constexpr std::uint64_t kTraceDrop = 2;
constexpr std::uint64_t kTraceCorrupt = 3;
constexpr std::uint64_t kNsPerSecond = 1'000'000'000ULL;

template <class T>
bool later(const T& a, const T& b) {  // heap order: earliest delivery on top
  if (a.deliver != b.deliver) return a.deliver > b.deliver;
  return a.order > b.order;
}

std::uint64_t ns_of(Timestamp t) { return static_cast<std::uint64_t>(to_ns(t)); }

}  // namespace

Link::Link(std::uint64_t seed, const LinkOptions& options)
    : rng_(seed), seed_(seed), store_(options.store) {
  heap_.reserve(64);
}

Status Link::set_config(const LinkConfig& config) {
  TQUIC_TRY(config.validate());
  config_ = config;
  std::sort(config_.drop_indices.begin(), config_.drop_indices.end());
  return ok_status();
}

DropReason Link::enqueue(Timestamp now, ByteSpan datagram, const PacketMeta& meta) {
  schedule_.apply_due(now, config_);
  drain_bottleneck(now);
  const std::uint64_t index = stats_.offered++;
  stats_.bytes_offered += datagram.size();
  const PacketMeta entering = rewrite_ecn(meta);
  DropReason reason = ingress_verdict(index, datagram.size());
  if (reason == DropReason::none) reason = admit(now, datagram, entering, index, false);
  if (reason != DropReason::none) {
    record_drop(reason, index, now);
    return reason;
  }
  if (rng_.chance(config_.duplicate)) {
    ++stats_.duplicated;
    const DropReason copy = admit(now, datagram, entering, index, true);
    if (copy != DropReason::none) record_drop(copy, index, now);
  }
  return DropReason::none;
}

DropReason Link::ingress_verdict(std::uint64_t index, std::size_t size) {
  if (config_.blackhole) return DropReason::blackhole;
  if (size > kMaxDatagramBytes || (config_.mtu != 0 && size > config_.mtu)) return DropReason::mtu;
  const auto& mask = config_.drop_indices;
  if (!mask.empty() && std::binary_search(mask.begin(), mask.end(), index)) return DropReason::mask;
  // Both loss models draw for every datagram that reaches them, so the
  // Gilbert-Elliott chain advances once per datagram whatever Bernoulli says.
  const bool lost = rng_.chance(config_.loss);
  const bool burst_lost = config_.burst_loss.enabled() && burst_step();
  if (lost) return DropReason::loss;
  if (burst_lost) return DropReason::burst_loss;
  return DropReason::none;
}

PacketMeta Link::rewrite_ecn(const PacketMeta& meta) {
  PacketMeta m = meta;
  const std::uint8_t ecn = m.ecn & 3;
  if (config_.ecn_rewrite == EcnRewrite::bleach && ecn != kNotEct) {
    m.ecn = kNotEct;
    ++stats_.ecn_bleached;
  } else if (config_.ecn_rewrite == EcnRewrite::mangle && ecn == kEct0) {
    m.ecn = kEct1;
    ++stats_.ecn_mangled;
  }
  return m;
}

// The step AQM: mark instead of drop above the threshold (RFC 3168 §5).
DropReason Link::ecn_threshold(PacketMeta& meta) {
  if (config_.ce_threshold_packets == 0 || config_.rate_bps == 0) return DropReason::none;
  if (bottleneck_.size() < config_.ce_threshold_packets) return DropReason::none;
  if ((meta.ecn & 3) == kNotEct) return DropReason::aqm;
  if ((meta.ecn & 3) != kEcnCe) ++stats_.ce_marked;
  meta.ecn = kEcnCe;
  return DropReason::none;
}

bool Link::burst_step() {
  const GilbertElliott& g = config_.burst_loss;
  if (burst_bad_) {
    if (rng_.chance(g.p_bad_to_good)) burst_bad_ = false;
  } else if (rng_.chance(g.p_good_to_bad)) {
    burst_bad_ = true;
  }
  return rng_.chance(burst_bad_ ? g.loss_in_bad : g.loss_in_good);
}

DropReason Link::admit(Timestamp now, ByteSpan datagram, const PacketMeta& meta,
                       std::uint64_t index, bool duplicate) {
  const std::size_t size = datagram.size();
  if (config_.rate_bps != 0 && config_.queue_limit_bytes != 0 &&
      bottleneck_bytes_ + size > config_.queue_limit_bytes) {
    return DropReason::queue_full;
  }
  PacketMeta queued = meta;
  if (const DropReason r = ecn_threshold(queued); r != DropReason::none) return r;
  const SlotRef slot = store_.acquire(size);
  if (!slot.valid()) return DropReason::no_buffer;
  const MutByteSpan bytes = store_.buffer(slot).first(size);
  if (size != 0) std::memcpy(bytes.data(), datagram.data(), size);
  if (size != 0 && rng_.chance(config_.corrupt)) corrupt(bytes, index);

  InFlight p;
  p.deliver = delivery_time(serialize(now, size));
  p.order = next_order_++;
  p.sent = now;
  p.index = index;
  p.meta = queued;
  p.slot = slot;
  p.size = static_cast<std::uint32_t>(size);
  p.duplicate = duplicate;
  heap_.push_back(p);
  std::push_heap(heap_.begin(), heap_.end(), later<InFlight>);
  return DropReason::none;
}

void Link::corrupt(MutByteSpan data, std::uint64_t index) {
  const std::uint64_t pos = rng_.below(data.size());
  const auto flip = static_cast<std::uint8_t>(1 + rng_.below(255));  // never 0: the byte changes
  data[pos] ^= flip;
  ++stats_.corrupted;
  trace(kTraceCorrupt, index, pos, flip);
}

Timestamp Link::serialize(Timestamp now, std::size_t size) {
  const std::uint64_t rate = config_.rate_bps;
  if (rate == 0) return now;
  if (rate != ser_rate_ || tx_busy_until_ < now) ser_remainder_ = 0;  // idle or new rate
  ser_rate_ = rate;
  const Timestamp start = std::max(now, tx_busy_until_);
  // size <= 65535 and remainder < rate <= 1e15: the sum fits in 64 bits.
  const std::uint64_t bit_ns = static_cast<std::uint64_t>(size) * 8 * kNsPerSecond + ser_remainder_;
  tx_busy_until_ = start + Duration(static_cast<Duration::rep>(bit_ns / rate));
  ser_remainder_ = bit_ns % rate;
  bottleneck_.push_back({tx_busy_until_, static_cast<std::uint32_t>(size)});
  bottleneck_bytes_ += size;
  stats_.max_queue_bytes = std::max<std::uint64_t>(stats_.max_queue_bytes, bottleneck_bytes_);
  stats_.max_queue_packets = std::max<std::uint64_t>(stats_.max_queue_packets, bottleneck_.size());
  return tx_busy_until_;
}

Timestamp Link::delivery_time(Timestamp tx_end) {
  Timestamp t = tx_end + config_.delay;
  if (config_.jitter.count() > 0) t += rng_.up_to(config_.jitter);
  if (rng_.chance(config_.reorder)) {
    ++stats_.reordered;
    return t + config_.reorder_delay;
  }
  if (config_.jitter_preserves_order && t < last_in_order_) t = last_in_order_;
  last_in_order_ = std::max(last_in_order_, t);
  return t;
}

void Link::drain_bottleneck(Timestamp now) {
  while (!bottleneck_.empty() && bottleneck_.front().tx_end <= now) {
    bottleneck_bytes_ -= bottleneck_.front().size;
    bottleneck_.pop_front();
  }
}

Timestamp Link::next_event_time() const { return heap_.empty() ? kTimeInfinite : heap_.front().deliver; }

std::size_t Link::take_due(Timestamp now, std::span<Delivery> out) {
  std::size_t n = 0;
  while (n < out.size() && !heap_.empty() && heap_.front().deliver <= now) {
    std::pop_heap(heap_.begin(), heap_.end(), later<InFlight>);
    const InFlight& p = heap_.back();
    Delivery& d = out[n++];
    d.data = store_.buffer(p.slot).first(p.size);
    d.meta = p.meta;
    d.sent = p.sent;
    d.deliver = p.deliver;
    d.index = p.index;
    d.duplicate = p.duplicate;
    d.slot = p.slot;
    ++stats_.delivered;
    stats_.bytes_delivered += p.size;
    trace(kTraceDeliver, p.index, ns_of(p.deliver), (std::uint64_t{p.size} << 1) | p.duplicate);
    heap_.pop_back();
  }
  return n;
}

void Link::record_drop(DropReason reason, std::uint64_t index, Timestamp now) {
  ++stats_.dropped[static_cast<std::size_t>(reason)];
  trace(kTraceDrop, static_cast<std::uint64_t>(reason), index, ns_of(now));
}

void Link::trace(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
  std::uint64_t h = stats_.trace_hash;
  h = trace_mix(h, a);
  h = trace_mix(h, b);
  h = trace_mix(h, c);
  stats_.trace_hash = trace_mix(h, d);
}

}  // namespace tquic::sim
