// One direction of an emulated link: the model shared by the deterministic
// simulator (virtual time) and tquic-relay (real time).
//
// enqueue() decides at offer time, in this order (link_config.h):
//   0. the ECN rewrite (bleach / mangle) of meta.ecn;
//   1. blackhole, MTU, exact drop list, Bernoulli loss, Gilbert-Elliott loss;
//   2. bottleneck tail drop: the queue holds the bytes of every admitted
//      copy until its last bit is serialised; a copy that would push it
//      above queue_limit_bytes is dropped (only when rate_bps > 0); then the
//      ECN threshold: at ce_threshold_packets or more queued copies, an ECT
//      copy is marked CE and a Not-ECT one dropped;
//   3. the bytes are copied into the link's PacketStore (the only copy);
//      corruption changes one random byte of that copy;
//   4. serialisation: copies leave the bottleneck back to back at rate_bps
//      (exact: the sum of N serialisation times is floor(total_bits*1e9/rate)
//      ns, no per-packet rounding drift);
//   5. delivery time = end of serialisation + delay + U[0, jitter]
//      (+ reorder_delay with probability `reorder`); with
//      jitter_preserves_order a non-reordered copy never overtakes.
// A duplicate is decided after the original was admitted and goes through
// steps 2-5 itself. Scheduled changes (schedule()) apply at the next
// enqueue() at or after their time; queued copies keep their times.
//
// Deliveries come out in (delivery time, offer order) order through
// take_due()/release() (zero-copy batches, as the relay's sendmmsg wants) or
// deliver_due(sink). Nothing allocates per datagram once the store, heap and
// ring reached their high-water marks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "netsim/address.h"
#include "netsim/link_config.h"
#include "netsim/link_stats.h"
#include "netsim/packet_store.h"
#include "netsim/ring.h"
#include "netsim/rng.h"
#include "netsim/schedule.h"

namespace tquic::sim {

// What travels with a datagram; the link never looks inside.
struct PacketMeta {
  Address src;
  Address dst;
  std::uint64_t tag = 0;  // caller's context (path id, client id...)
  std::uint8_t ecn = 0;
};

// A copy leaving the link. `data` stays valid until Link::release().
struct Delivery {
  MutByteSpan data;
  PacketMeta meta;
  Timestamp sent{};           // when it was offered
  Timestamp deliver{};        // when it leaves the link
  std::uint64_t index = 0;    // offer index (a duplicate shares its original's)
  bool duplicate = false;
  SlotRef slot;
};

struct LinkOptions {
  PacketStoreLimits store{};
};

class Link {
 public:
  // A perfect link (LinkConfig{}) until set_config().
  explicit Link(std::uint64_t seed, const LinkOptions& options = {});
  Link(const Link&) = delete;
  Link& operator=(const Link&) = delete;
  Link(Link&&) = default;
  Link& operator=(Link&&) = default;
  ~Link() = default;

  // Validated; applies to datagrams offered from now on.
  Status set_config(const LinkConfig& config);
  const LinkConfig& config() const { return config_; }
  Schedule& schedule() { return schedule_; }

  // Offers one datagram at `now` (now must not go backwards). Returns
  // DropReason::none if the original was queued, else why it was dropped.
  DropReason enqueue(Timestamp now, ByteSpan datagram, const PacketMeta& meta);

  // Earliest delivery time of a queued copy; kTimeInfinite when empty.
  Timestamp next_event_time() const;

  // Moves up to out.size() copies due at `now` into `out`; each one's bytes
  // stay owned by the caller until release(). Returns how many.
  std::size_t take_due(Timestamp now, std::span<Delivery> out);
  void release(const Delivery& delivery) { store_.release(delivery.slot); }
  // The whole slot under a delivery (capacity >= data.size()), for mutators.
  MutByteSpan slot_buffer(const Delivery& delivery) { return store_.buffer(delivery.slot); }

  // take_due + sink(Delivery&) + release, one copy at a time.
  template <class Sink>
  std::size_t deliver_due(Timestamp now, Sink&& sink) {
    std::size_t n = 0;
    Delivery d;
    while (take_due(now, std::span<Delivery>(&d, 1)) == 1) {
      sink(d);
      release(d);
      ++n;
    }
    return n;
  }

  const LinkStats& stats() const { return stats_; }
  std::size_t queued() const { return heap_.size(); }  // copies not yet taken
  std::size_t queue_bytes() const { return bottleneck_bytes_; }  // as of the last enqueue
  std::uint64_t seed() const { return seed_; }
  const PacketStoreStats& store_stats() const { return store_.stats(); }

 private:
  struct InFlight {
    Timestamp deliver;
    std::uint64_t order;  // tie-break: offer order
    Timestamp sent;
    std::uint64_t index;
    PacketMeta meta;
    SlotRef slot;
    std::uint32_t size;
    bool duplicate;
  };
  struct Serialising {
    Timestamp tx_end;
    std::uint32_t size;
  };

  DropReason ingress_verdict(std::uint64_t index, std::size_t size);
  PacketMeta rewrite_ecn(const PacketMeta& meta);
  DropReason ecn_threshold(PacketMeta& meta);
  bool burst_step();
  DropReason admit(Timestamp now, ByteSpan datagram, const PacketMeta& meta, std::uint64_t index,
                   bool duplicate);
  void corrupt(MutByteSpan data, std::uint64_t index);
  Timestamp serialize(Timestamp now, std::size_t size);
  Timestamp delivery_time(Timestamp tx_end);
  void drain_bottleneck(Timestamp now);
  void record_drop(DropReason reason, std::uint64_t index, Timestamp now);
  void trace(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d);

  LinkConfig config_;
  Schedule schedule_;
  Rng rng_;
  std::uint64_t seed_;
  PacketStore store_;
  std::vector<InFlight> heap_;       // min-heap on (deliver, order)
  Ring<Serialising> bottleneck_;     // admitted copies not fully serialised, FIFO
  std::size_t bottleneck_bytes_ = 0;
  Timestamp tx_busy_until_{};        // end of the last serialisation
  std::uint64_t ser_rate_ = 0;       // rate the remainder below refers to
  std::uint64_t ser_remainder_ = 0;  // leftover bit-ns (< rate) carried to the next copy
  Timestamp last_in_order_{};        // latest non-reordered delivery time
  std::uint64_t next_order_ = 0;
  bool burst_bad_ = false;           // Gilbert-Elliott state
  LinkStats stats_;
};

}  // namespace tquic::sim
