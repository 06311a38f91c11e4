#include "netsim/schedule.h"

#include <algorithm>

namespace tquic::sim {

Status Schedule::set_config(Timestamp at, const LinkConfig& config) {
  TQUIC_TRY(config.validate());
  configs_.push_back(config);
  std::sort(configs_.back().drop_indices.begin(), configs_.back().drop_indices.end());
  insert({at, ScheduleOp::set_config, configs_.size() - 1, Duration(0), 0.0});
  return ok_status();
}

Status Schedule::blackhole(Timestamp at, Duration length) {
  if (length.count() <= 0 || length > kMaxLinkDelay) {
    return Error::local("blackhole length must be between 0 and 24h");
  }
  blackhole_on(at);
  blackhole_off(at + length);
  return ok_status();
}

void Schedule::blackhole_on(Timestamp at) { insert({at, ScheduleOp::blackhole_on, 0, Duration(0), 0.0}); }

void Schedule::blackhole_off(Timestamp at) { insert({at, ScheduleOp::blackhole_off, 0, Duration(0), 0.0}); }

Status Schedule::set_rate(Timestamp at, std::uint64_t rate_bps) {
  if (rate_bps > kMaxRateBps) return Error::local("rate must be at most 1 Pbit/s");
  insert({at, ScheduleOp::set_rate, rate_bps, Duration(0), 0.0});
  return ok_status();
}

Status Schedule::set_delay(Timestamp at, Duration delay) {
  if (delay.count() < 0 || delay > kMaxLinkDelay) return Error::local("delay must be between 0 and 24h");
  insert({at, ScheduleOp::set_delay, 0, delay, 0.0});
  return ok_status();
}

Status Schedule::set_loss(Timestamp at, double loss) {
  if (!(loss >= 0.0 && loss <= 1.0)) return Error::local("loss must be between 0 and 1");
  insert({at, ScheduleOp::set_loss, 0, Duration(0), loss});
  return ok_status();
}

void Schedule::set_mtu(Timestamp at, std::size_t mtu) { insert({at, ScheduleOp::set_mtu, mtu, Duration(0), 0.0}); }

void Schedule::insert(const ScheduleEntry& entry) {
  auto pos = std::upper_bound(entries_.begin(), entries_.end(), entry.at,
                              [](Timestamp t, const ScheduleEntry& e) { return t < e.at; });
  // An entry whose time already passed still applies, on the next call.
  const auto first_pending = entries_.begin() + static_cast<std::ptrdiff_t>(next_);
  if (pos < first_pending) pos = first_pending;
  entries_.insert(pos, entry);
}

std::size_t Schedule::apply_due(Timestamp now, LinkConfig& config) {
  std::size_t applied = 0;
  while (next_ < entries_.size() && entries_[next_].at <= now) {
    apply(entries_[next_], config);
    ++next_;
    ++applied;
  }
  return applied;
}

void Schedule::apply(const ScheduleEntry& entry, LinkConfig& config) {
  switch (entry.op) {
    case ScheduleOp::set_config:
      config = configs_[entry.value];
      break;
    case ScheduleOp::blackhole_on:
      ++open_blackholes_;
      break;
    case ScheduleOp::blackhole_off:
      if (open_blackholes_ > 0) --open_blackholes_;
      if (open_blackholes_ == 0) config.blackhole = false;
      break;
    case ScheduleOp::set_rate:
      config.rate_bps = entry.value;
      break;
    case ScheduleOp::set_delay:
      config.delay = entry.duration;
      break;
    case ScheduleOp::set_loss:
      config.loss = entry.probability;
      break;
    case ScheduleOp::set_mtu:
      config.mtu = static_cast<std::size_t>(entry.value);
      break;
  }
  if (open_blackholes_ > 0) config.blackhole = true;
}

Timestamp Schedule::next_time() const {
  return next_ < entries_.size() ? entries_[next_].at : kTimeInfinite;
}

}  // namespace tquic::sim
