// Time-varying link behaviour: "at T, do X" entries applied to a
// LinkConfig as virtual (or relay) time passes, so tests can script outages,
// rate drops and loss episodes.
//
//   Schedule s;
//   s.blackhole(timestamp_from_ns(2'000'000'000), 500ms);  // dark 2.0s..2.5s
//   s.set_rate(timestamp_from_ns(5'000'000'000), 1'000'000);
//
// Entries due at the same time apply in insertion order. Overlapping
// blackhole windows nest: the link stays dark until the last one ends (and
// the end of the last window also clears a LinkConfig::blackhole set by
// hand or by set_config).
// Setup-time object (it allocates when entries are added, never when applied).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "netsim/link_config.h"

namespace tquic::sim {

enum class ScheduleOp : std::uint8_t {
  set_config,     // replace the whole LinkConfig
  blackhole_on,   // start a blackhole window
  blackhole_off,  // end one
  set_rate,       // rate_bps = value
  set_delay,      // delay = duration
  set_loss,       // loss = probability
  set_mtu,        // mtu = value
};

struct ScheduleEntry {
  Timestamp at{};
  ScheduleOp op = ScheduleOp::set_rate;
  std::uint64_t value = 0;       // set_rate, set_mtu; config index for set_config
  Duration duration{0};          // set_delay
  double probability = 0.0;      // set_loss
};

class Schedule {
 public:
  // Each returns an error (and adds nothing) if the value is out of range.
  Status set_config(Timestamp at, const LinkConfig& config);
  Status blackhole(Timestamp at, Duration length);  // dark during [at, at + length)
  void blackhole_on(Timestamp at);
  void blackhole_off(Timestamp at);
  Status set_rate(Timestamp at, std::uint64_t rate_bps);
  Status set_delay(Timestamp at, Duration delay);
  Status set_loss(Timestamp at, double loss);
  void set_mtu(Timestamp at, std::size_t mtu);

  // Applies, in order, every entry due at or before `now`; returns how many.
  std::size_t apply_due(Timestamp now, LinkConfig& config);

  Timestamp next_time() const;  // kTimeInfinite when nothing is pending
  std::size_t pending() const { return entries_.size() - next_; }
  const std::vector<ScheduleEntry>& entries() const { return entries_; }

 private:
  void insert(const ScheduleEntry& entry);
  void apply(const ScheduleEntry& entry, LinkConfig& config);

  std::vector<ScheduleEntry> entries_;  // sorted by `at`, stable
  std::vector<LinkConfig> configs_;     // payloads of set_config entries
  std::size_t next_ = 0;                // first entry not yet applied
  std::uint32_t open_blackholes_ = 0;
};

}  // namespace tquic::sim
