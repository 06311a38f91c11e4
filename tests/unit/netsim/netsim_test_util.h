// Shared helpers for the netsim tests: seeded traces and link drivers.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "netsim/link.h"

namespace tquic::sim::testing {

// Every failure message names the seed (DESIGN.md "Tests").
inline std::string seed_note(std::uint64_t seed) { return "seed=" + std::to_string(seed); }

inline Timestamp at_us(std::int64_t us) { return timestamp_from_ns(us * 1000); }
inline Timestamp at_ms(std::int64_t ms) { return timestamp_from_ns(ms * 1'000'000); }

// Payload i: its first 8 bytes carry `index` (little endian), the rest a
// fixed pattern.
inline void stamp_index(std::vector<std::uint8_t>& p, std::uint64_t index) {
  for (std::size_t i = 0; i < 8 && i < p.size(); ++i) p[i] = static_cast<std::uint8_t>(index >> (8 * i));
}
inline std::vector<std::uint8_t> payload(std::uint64_t index, std::size_t size) {
  std::vector<std::uint8_t> p(size);
  for (std::size_t i = 8; i < size; ++i) p[i] = static_cast<std::uint8_t>(i * 31 + 7);
  stamp_index(p, index);
  return p;
}

struct Delivered {
  std::uint64_t index;
  Timestamp sent;
  Timestamp deliver;
  std::vector<std::uint8_t> bytes;
  bool duplicate;
};

enum class Keep { metadata, bytes };

class Collector {
 public:
  Collector(std::vector<Delivered>& out, Keep keep) : out_(out), keep_(keep) {}
  void operator()(const Delivery& d) const {
    out_.push_back({d.index, d.sent, d.deliver, {}, d.duplicate});
    if (keep_ == Keep::bytes) out_.back().bytes.assign(d.data.begin(), d.data.end());
  }

 private:
  std::vector<Delivered>& out_;
  Keep keep_;
};

// Drains everything the link will ever deliver (the link must not be
// receiving more datagrams meanwhile).
inline std::vector<Delivered> drain_all(Link& link, Keep keep = Keep::bytes) {
  std::vector<Delivered> out;
  while (link.next_event_time() != kTimeInfinite) link.deliver_due(link.next_event_time(), Collector(out, keep));
  return out;
}

// Offers `count` datagrams of `size` bytes, one every `gap`, starting at 0,
// collecting deliveries as time passes (so the link sees a realistic clock).
inline std::vector<Delivered> run_constant(Link& link, std::uint64_t count, std::size_t size, Duration gap,
                                           Keep keep = Keep::bytes) {
  std::vector<Delivered> out;
  out.reserve(count);
  std::vector<std::uint8_t> p = payload(0, size);
  for (std::uint64_t i = 0; i < count; ++i) {
    const Timestamp now = kTimeZero + gap * static_cast<std::int64_t>(i);
    link.deliver_due(now, Collector(out, keep));
    stamp_index(p, i);
    link.enqueue(now, p, PacketMeta{});
  }
  for (auto& d : drain_all(link, keep)) out.push_back(std::move(d));
  return out;
}

}  // namespace tquic::sim::testing
