// Sent-packet bookkeeping and ACK processing (transport/recovery:
// SentPacketMap, LossDetection) against the obvious alternative, a
// std::map<packet number, record>, doing the same work in the same run.
//
//   ack/<R>ranges/tquic     one flight of 1024 packets recorded with
//                           LossDetection::on_packet_sent, then one ACK with R
//                           ranges (R = 1, 16, 256; R-1 single-packet holes)
//                           through on_ack_received: RTT sample, acked and
//                           lost packets reported to a sink (every hole is
//                           below the packet threshold, so R-1 are declared
//                           lost), window advanced. Repeats with the next
//                           1024 packet numbers.
//   ack/<R>ranges/std_map   the same on a std::map: insert 1024 records, erase
//                           the acknowledged ones range by range, then scan
//                           the rest below the largest acknowledged with the
//                           same packet/time thresholds and erase the lost.
//   ack_only/<R>ranges/...  the same iterations, but only the ACK call is
//                           timed (thread CPU time around it, UseManualTime)
//   ack_only/timer_overhead an empty region timed the same way; the summary
//                           subtracts it from the ack_only figures
//   sent_map/slide/<W>/...        W packets in flight; per item: record the
//                                 next packet, acknowledge the oldest (in-order
//                                 ACK steady state)
//   sent_map/lookup/<W>/...       W in flight; per item: find a pseudo-random
//                                 packet number in the window
//   sent_map/ack_random/<W>/...   per item: record one of W packets, then
//                                 acknowledge all W in shuffled order
//                                 (reordered ACKs), leaving the map empty
//   W = 1000 and 10000; "tquic" is SentPacketMap (set_state + advance to
//   erase), "std_map" is std::map<std::uint64_t, SentPacket>.
//
// Every benchmark checks its outcome (acked/lost counts, map sizes, lookup
// hits), so a broken path fails instead of looking fast. After the runs a
// summary prints ns per ACK, per packet and per item, and the time ratio
// tquic / std::map.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "bench_summary.h"
#include "transport/recovery/loss_detection.h"
#include "transport/recovery/sent_packet_map.h"

namespace tquic::transport {
namespace {

constexpr std::size_t kFlight = 1024;
constexpr std::size_t kRangeCounts[] = {1, 16, 256};
constexpr std::size_t kWindows[] = {1000, 10000};
constexpr std::size_t kLookupsPerIteration = 256;
constexpr std::size_t kSlidePerIteration = 16;
constexpr Duration kSendSpacing = 1us;
constexpr Duration kAckAfter = 30ms;  // ACK arrives this long after the last packet
constexpr auto kApp = PacketNumberSpace::application_data;

SentPacket make_packet(std::uint64_t pn, Timestamp t) {
  SentPacket p;
  p.packet_number = pn;
  p.time_sent = t;
  p.frames_ref = static_cast<std::uint32_t>(pn);
  p.sent_bytes = 1200;
  p.ack_eliciting = true;
  p.in_flight = true;
  return p;
}

// ---------------------------------------------------------- ACK pattern ----

// The flight [0, kFlight) cut into R equal segments; the first packet of
// every segment but the lowest is missing. Descending, relative to the
// flight's first packet number.
std::vector<wire::AckRange> relative_ranges(std::size_t r) {
  const std::size_t seg = kFlight / r;
  std::vector<wire::AckRange> out;
  for (std::size_t k = r; k-- > 0;) out.push_back({k * seg + (k > 0 ? 1 : 0), (k + 1) * seg - 1});
  return out;
}

struct Expect {
  std::uint64_t acked;
  std::uint64_t lost;
};
Expect expected(std::size_t r) { return {kFlight - (r - 1), r - 1}; }

void shift(const std::vector<wire::AckRange>& rel, std::uint64_t base,
           std::vector<wire::AckRange>& out) {
  for (std::size_t i = 0; i < rel.size(); ++i) out[i] = {rel[i].smallest + base, rel[i].largest + base};
}

struct CountingSink {
  std::uint64_t acked = 0;
  std::uint64_t lost = 0;
  std::uint64_t frames = 0;  // stands for requeueing / releasing frame records
  void on_packet_acked(PacketNumberSpace, const SentPacket& p) {
    ++acked;
    frames += p.frames_ref;
  }
  void on_packet_lost(PacketNumberSpace, const SentPacket& p) {
    ++lost;
    frames += p.frames_ref;
  }
  void on_packet_discarded(PacketNumberSpace, const SentPacket&) {}
};

void bm_ack_tquic(benchmark::State& state, std::size_t r, bool ack_only) {
  LossDetectionConfig config;
  config.handshake_confirmed = true;
  config.initial_sent_capacity = 2 * kFlight;
  LossDetection ld(config);
  const auto rel = relative_ranges(r);
  std::vector<wire::AckRange> ranges(rel.size());
  const Expect want = expected(r);
  CountingSink sink;
  bench::ThreadCpuTimer timer;
  std::uint64_t base = 0;
  Timestamp t = timestamp_from_ns(1'000'000'000);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kFlight; ++i, t += kSendSpacing) {
      if (!ld.on_packet_sent(make_packet(base + i, t)).ok()) state.SkipWithError("on_packet_sent failed");
    }
    shift(rel, base, ranges);
    const AckFrameInfo ack{ranges, 0us, 0x02, 0};
    if (ack_only) timer.start();
    auto out = ld.on_ack_received(kApp, ack, t + kAckAfter, sink);
    if (ack_only) state.SetIterationTime(timer.stop_seconds());
    if (!out || out->packets_acked != want.acked || out->loss.packets_lost != want.lost)
      state.SkipWithError("ACK outcome differs from the expected acked/lost counts");
    benchmark::DoNotOptimize(out);
    base += kFlight;
    t += kAckAfter;
  }
  if (ld.sent_packets(kApp).window_size() != 0) state.SkipWithError("window not empty after the ACK");
  benchmark::DoNotOptimize(sink.frames);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kFlight));
}

// The std::map version of OnPacketSent / OnAckReceived / DetectAndRemoveLost
// with the same thresholds (RFC 9002 §6.1) and the same sink calls.
class MapRecovery {
 public:
  void on_packet_sent(const SentPacket& p) {
    sent_.emplace_hint(sent_.end(), p.packet_number, p);
    bytes_in_flight_ += p.sent_bytes;
  }

  Expect on_ack(std::span<const wire::AckRange> ranges, Timestamp now, CountingSink& sink) {
    Expect got{0, 0};
    Timestamp largest_sent{};
    for (const wire::AckRange& r : ranges) {
      for (auto it = sent_.lower_bound(r.smallest); it != sent_.end() && it->first <= r.largest;) {
        if (it->first == ranges.front().largest) largest_sent = it->second.time_sent;
        remove(it->second);
        sink.on_packet_acked(kApp, it->second);
        ++got.acked;
        it = sent_.erase(it);
      }
    }
    if (largest_sent != Timestamp{}) latest_rtt_ = now - largest_sent;
    const std::uint64_t largest = ranges.front().largest;
    const Timestamp lost_send_time = now - (latest_rtt_ + latest_rtt_ / 8);
    for (auto it = sent_.begin(); it != sent_.end() && it->first < largest;) {
      if (it->second.time_sent > lost_send_time && largest - it->first < kPacketThreshold) {
        ++it;
        continue;
      }
      remove(it->second);
      sink.on_packet_lost(kApp, it->second);
      ++got.lost;
      it = sent_.erase(it);
    }
    return got;
  }
  std::size_t size() const { return sent_.size(); }

 private:
  void remove(const SentPacket& p) { bytes_in_flight_ -= std::min<std::uint64_t>(bytes_in_flight_, p.sent_bytes); }

  std::map<std::uint64_t, SentPacket> sent_;
  std::uint64_t bytes_in_flight_ = 0;
  Duration latest_rtt_ = 333ms;
};

void bm_ack_std_map(benchmark::State& state, std::size_t r, bool ack_only) {
  MapRecovery rec;
  const auto rel = relative_ranges(r);
  std::vector<wire::AckRange> ranges(rel.size());
  const Expect want = expected(r);
  CountingSink sink;
  bench::ThreadCpuTimer timer;
  std::uint64_t base = 0;
  Timestamp t = timestamp_from_ns(1'000'000'000);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kFlight; ++i, t += kSendSpacing) rec.on_packet_sent(make_packet(base + i, t));
    shift(rel, base, ranges);
    if (ack_only) timer.start();
    const Expect got = rec.on_ack(ranges, t + kAckAfter, sink);
    if (ack_only) state.SetIterationTime(timer.stop_seconds());
    if (got.acked != want.acked || got.lost != want.lost)
      state.SkipWithError("ACK outcome differs from the expected acked/lost counts");
    base += kFlight;
    t += kAckAfter;
  }
  if (rec.size() != 0) state.SkipWithError("map not empty after the ACK");
  benchmark::DoNotOptimize(sink.frames);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kFlight));
}

// What ack_only pays for timing an empty region.
void bm_timer_overhead(benchmark::State& state) {
  bench::ThreadCpuTimer timer;
  for (auto _ : state) {
    timer.start();
    state.SetIterationTime(timer.stop_seconds());
  }
}

// ------------------------------------------------------- sent-packet map ----

// The two containers behind one small interface: record, acknowledge (the
// tquic map keeps a tombstone and drops it with advance()), find.
struct RingMap {
  SentPacketMap m{2 * 16384};
  bool insert(const SentPacket& p) { return m.insert(p).ok(); }
  void ack(std::uint64_t pn) {
    m.set_state(pn, SentPacketState::acked);
    m.advance();
  }
  const SentPacket* find(std::uint64_t pn) const { return m.find(pn); }
  std::size_t size() const { return m.outstanding_count(); }
};

struct StdMap {
  std::map<std::uint64_t, SentPacket> m;
  bool insert(const SentPacket& p) {
    m.emplace_hint(m.end(), p.packet_number, p);
    return true;
  }
  void ack(std::uint64_t pn) { m.erase(pn); }
  const SentPacket* find(std::uint64_t pn) const {
    auto it = m.find(pn);
    return it == m.end() ? nullptr : &it->second;
  }
  std::size_t size() const { return m.size(); }
};

// Deterministic pseudo-random offsets in [0, w) (xorshift64).
std::vector<std::uint64_t> offsets(std::size_t n, std::size_t w) {
  std::vector<std::uint64_t> out(n);
  std::uint64_t x = 0x9e3779b97f4a7c15ull;
  for (auto& o : out) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    o = x % w;
  }
  return out;
}

template <class M>
void bm_slide(benchmark::State& state, std::size_t w) {
  M map;
  std::uint64_t next = 0;
  for (; next < w; ++next) (void)map.insert(make_packet(next, kTimeZero));
  bool ok = true;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kSlidePerIteration; ++i, ++next) {
      ok &= map.insert(make_packet(next, kTimeZero));
      map.ack(next - w);
    }
  }
  if (!ok || map.size() != w || !map.find(next - 1) || map.find(next - w - 1))
    state.SkipWithError("window content wrong after sliding");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kSlidePerIteration));
}

template <class M>
void bm_lookup(benchmark::State& state, std::size_t w) {
  M map;
  const std::uint64_t base = 5000;  // a window that does not start at 0
  for (std::uint64_t pn = base; pn < base + w; ++pn) (void)map.insert(make_packet(pn, kTimeZero));
  const auto offs = offsets(kLookupsPerIteration, w);
  std::uint64_t hits = 0;
  for (auto _ : state) {
    for (std::uint64_t off : offs) {
      const SentPacket* p = map.find(base + off);
      hits += p && p->packet_number == base + off;
    }
    benchmark::DoNotOptimize(hits);
  }
  if (hits != state.iterations() * kLookupsPerIteration) state.SkipWithError("lookup missed a packet");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kLookupsPerIteration));
}

// A permutation of [0, w): the order in which ACKs acknowledge packets.
std::vector<std::uint64_t> shuffled(std::size_t w) {
  std::vector<std::uint64_t> order(w);
  for (std::size_t i = 0; i < w; ++i) order[i] = i;
  const auto r = offsets(w, w);
  for (std::size_t i = w; i-- > 1;) std::swap(order[i], order[r[i] % (i + 1)]);
  return order;
}

template <class M>
void bm_ack_random(benchmark::State& state, std::size_t w) {
  M map;
  const auto order = shuffled(w);
  std::uint64_t base = 0;
  bool ok = true;
  for (auto _ : state) {
    for (std::size_t i = 0; i < w; ++i) ok &= map.insert(make_packet(base + i, kTimeZero));
    for (std::uint64_t off : order) map.ack(base + off);
    ok &= map.size() == 0;
    base += w;
  }
  if (!ok) state.SkipWithError("map not empty after acknowledging every packet");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * w));
}

// ------------------------------------------------------------- register ----

std::string ack_name(std::size_t r, const char* impl, bool ack_only = false) {
  return (ack_only ? "ack_only/" : "ack/") + std::to_string(r) + "ranges/" + impl;
}
std::string map_name(const char* op, std::size_t w, const char* impl) {
  return std::string("sent_map/") + op + "/" + std::to_string(w) + "/" + impl;
}

void register_all() {
  for (bool only : {false, true}) {
    for (std::size_t r : kRangeCounts) {
      auto* a = benchmark::RegisterBenchmark(ack_name(r, "tquic", only).c_str(), bm_ack_tquic, r, only);
      auto* b = benchmark::RegisterBenchmark(ack_name(r, "std_map", only).c_str(), bm_ack_std_map, r, only);
      a->Unit(benchmark::kMicrosecond);
      b->Unit(benchmark::kMicrosecond);
      if (only) a->UseManualTime(), b->UseManualTime();
    }
  }
  benchmark::RegisterBenchmark("ack_only/timer_overhead", bm_timer_overhead)->UseManualTime();
  for (std::size_t w : kWindows) {
    benchmark::RegisterBenchmark(map_name("slide", w, "tquic").c_str(), bm_slide<RingMap>, w);
    benchmark::RegisterBenchmark(map_name("slide", w, "std_map").c_str(), bm_slide<StdMap>, w);
    benchmark::RegisterBenchmark(map_name("lookup", w, "tquic").c_str(), bm_lookup<RingMap>, w);
    benchmark::RegisterBenchmark(map_name("lookup", w, "std_map").c_str(), bm_lookup<StdMap>, w);
    benchmark::RegisterBenchmark(map_name("ack_random", w, "tquic").c_str(), bm_ack_random<RingMap>, w)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(map_name("ack_random", w, "std_map").c_str(), bm_ack_random<StdMap>, w)
        ->Unit(benchmark::kMicrosecond);
  }
}

void print_ratio(std::ostream& out, const bench::Results& res, const std::string& label,
                 const std::string& tquic, const std::string& std_map, double items) {
  if (!res.has(tquic) || !res.has(std_map)) return;
  const double a = res.ns(tquic) / items;
  const double b = res.ns(std_map) / items;
  out << bench::format("%-26s tquic %8.2f ns  std::map %8.2f ns  ratio %.2f (%.1fx faster)\n",
                       label.c_str(), a, b, a / b, b / a);
}

void print_summary(std::ostream& out, const bench::Results& res) {
  out << "\nSummary (CPU time; ratio = tquic time / std::map time, below 1 is faster)\n";
  out << "ACK processing, 1024-packet flight + one ACK, per packet (send + ack/loss):\n";
  for (std::size_t r : kRangeCounts) {
    const std::string t = ack_name(r, "tquic");
    print_ratio(out, res, "  " + std::to_string(r) + " ranges", t, ack_name(r, "std_map"), kFlight);
    if (res.has(t))
      out << bench::format("  %-24s tquic %8.2f us per flight+ACK = %.2f M packets/s\n", "", res.ns(t) / 1e3,
                           kFlight * 1e3 / res.ns(t));
  }
  const double overhead = res.ns("ack_only/timer_overhead");
  out << bench::format("ACK call alone (thread CPU time, minus %.0f ns timer overhead), per ACK and per packet:\n",
                       overhead);
  for (std::size_t r : kRangeCounts) {
    const std::string t = ack_name(r, "tquic", true);
    const std::string m = ack_name(r, "std_map", true);
    if (!res.has(t) || !res.has(m)) continue;
    const double a = res.ns(t) - overhead;
    const double b = res.ns(m) - overhead;
    out << bench::format("  %-3zu ranges  tquic %7.2f us (%5.2f ns/packet)  std::map %7.2f us (%5.2f ns/packet)  "
                         "ratio %.2f (%.1fx faster)\n",
                         r, a / 1e3, a / kFlight, b / 1e3, b / kFlight, a / b, b / a);
  }
  out << "Recording sent packets, per packet (flight+ACK minus ACK alone):\n";
  for (std::size_t r : kRangeCounts) {
    const std::string t = ack_name(r, "tquic", true);
    const std::string m = ack_name(r, "std_map", true);
    if (!res.has(t) || !res.has(m) || !res.has(ack_name(r, "tquic")) || !res.has(ack_name(r, "std_map"))) continue;
    const double a = (res.ns(ack_name(r, "tquic")) - (res.ns(t) - overhead)) / kFlight;
    const double b = (res.ns(ack_name(r, "std_map")) - (res.ns(m) - overhead)) / kFlight;
    out << bench::format("  (%3zu-range run)  tquic on_packet_sent %5.2f ns  std::map insert %5.2f ns  ratio %.2f\n",
                         r, a, b, a / b);
  }
  out << "Sent-packet map, per item:\n";
  for (std::size_t w : kWindows) {
    const std::string ws = std::to_string(w);
    print_ratio(out, res, "  slide " + ws, map_name("slide", w, "tquic"), map_name("slide", w, "std_map"),
                kSlidePerIteration);
    print_ratio(out, res, "  lookup " + ws, map_name("lookup", w, "tquic"), map_name("lookup", w, "std_map"),
                kLookupsPerIteration);
    print_ratio(out, res, "  insert+ack_random " + ws, map_name("ack_random", w, "tquic"),
                map_name("ack_random", w, "std_map"), static_cast<double>(w));
  }
}

}  // namespace
}  // namespace tquic::transport

int main(int argc, char** argv) {
  return tquic::bench::run(argc, argv, tquic::transport::register_all, tquic::transport::print_summary);
}
