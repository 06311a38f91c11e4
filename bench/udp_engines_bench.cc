// Loopback throughput of the two UDP engines (io/mmsg_engine.h and
// io/uring/uring_engine.h) with and without GSO/GRO, to decide the default
// of --engine auto. Needs the bench target to link tquic_io.
//
//   loopback/<engine>/<gso|nogso>  one thread sends 128 datagrams of 1200 B
//                                  to a second socket and receives them all,
//                                  per iteration: the CPU cost of both sides.
//     nogso: 128 single datagrams, receiver GRO off
//     gso:   8 trains of 16 segments (19200 B), receiver GRO on
//   Each iteration first builds its payload (a memcpy standing for AEAD
//   sealing): into the caller's buffer for send(), or straight into engine
//   memory for reserve_tx()/commit_tx().
//     mmsg            MmsgEngine::send (sendmmsg/recvmmsg)
//     uring           UringEngine::send, default config: copies into slots;
//                     trains >= 16 KiB go zero-copy until the kernel has
//                     reported 32 copies in a row (always, on loopback)
//     uring_direct    UringEngine::reserve_tx/commit_tx: built in place, no engine copy
//     uring_zc_always zero-copy never switched off (zc_copied_limit = 0): its
//                     cost where the kernel copies anyway
//
// Counters: datagrams/s and Gbit/s of UDP payload. After the runs a summary
// prints each io_uring variant's ratio to mmsg. Loopback never really sends
// zero-copy (the kernel copies into the receiver), so uring_zc_always shows
// the bookkeeping cost, not the NIC gain. Run on demand (scripts/bench); on a
// noisy VM only ratios within one run mean anything.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "io/engine_select.h"

namespace tquic::io {
namespace {

constexpr std::size_t kDatagram = 1200;
constexpr std::size_t kPerIteration = 128;
constexpr std::size_t kTrainSegments = 16;

enum Variant : int { kMmsg = 0, kUring = 1, kUringDirect = 2, kUringZcAlways = 3 };
const char* variant_name(int v) {
  switch (v) {
    case kMmsg: return "mmsg";
    case kUring: return "uring";
    case kUringDirect: return "uring_direct";
    default: return "uring_zc_always";
  }
}

struct Loop {
  UdpSocket a, b;
  UdpEngine tx, rx;
  bool direct = false;
  std::vector<std::uint8_t> source;   // what each iteration "seals"
  std::vector<std::uint8_t> payload;  // the caller's send buffer (send() variants)
  std::vector<TxDatagram> batch;
  std::string error;

  bool open(int variant, bool gso) {
    SocketOptions opts;
    opts.gro = gso;
    const NetAddress lo = NetAddress::ipv4({127, 0, 0, 1}, 0);
    if (!UdpSocket::open(lo, opts, a, error) || !UdpSocket::open(lo, opts, b, error)) return false;
    if (gso && !a.gso_supported()) return (error = "no GSO on this kernel"), false;
    EngineConfig config;
    if (variant == kUringZcAlways) config.uring.zc_copied_limit = 0;
    direct = variant == kUringDirect;
    const EngineKind kind = variant == kMmsg ? EngineKind::mmsg : EngineKind::uring;
    if (!UdpEngine::open(a, kind, config, tx, error) || !UdpEngine::open(b, kind, config, rx, error)) return false;
    source.resize(kDatagram * kPerIteration);
    for (std::size_t i = 0; i < source.size(); ++i) source[i] = static_cast<std::uint8_t>(i * 7);
    payload.resize(source.size());
    const std::size_t unit = gso ? kDatagram * kTrainSegments : kDatagram;
    for (std::size_t off = 0; off < payload.size(); off += unit)
      batch.push_back(TxDatagram{ByteSpan(payload).subspan(off, unit), static_cast<std::uint16_t>(gso ? kDatagram : 0),
                                 b.local_address(), {}, Ecn::not_ect});
    return true;
  }

  // Builds each datagram in engine memory and commits it; returns how many
  // of `left` went out before the engine ran out of slots.
  std::size_t send_direct(std::span<const TxDatagram> left) {
    UringEngine& u = *tx.uring();
    std::size_t done = 0;
    for (const TxDatagram& d : left) {
      auto space = u.reserve_tx(d.data.size());
      if (!space) break;
      const std::size_t off = static_cast<std::size_t>(d.data.data() - payload.data());
      std::memcpy(space->data(), source.data() + off, d.data.size());
      if (!u.commit_tx(d.data.size(), d)) break;
      ++done;
    }
    (void)u.flush();
    return done;
  }

  // Sends the batch and receives every segment of it; false on loss or error.
  bool round() {
    if (!direct) std::memcpy(payload.data(), source.data(), source.size());
    std::span<const TxDatagram> left(batch);
    std::size_t received = 0;
    for (int turn = 0; turn < 10000 && (received < kPerIteration || !left.empty()); ++turn) {
      if (!left.empty() && direct) {
        left = left.subspan(send_direct(left));
      } else if (!left.empty()) {
        auto p = tx.send(left);
        if (!p) return (error = p.error().reason), false;
        left = left.subspan(p->datagrams);
      }
      if (turn > 0 && received < kPerIteration && !rx.wait(1ms)) return (error = "wait failed"), false;
      auto r = rx.receive();
      if (!r) return (error = r.error().reason), false;
      for (const RxDatagram& d : *r) received += d.segment_count();
      if (turn > 2000) return (error = "datagrams lost"), false;
    }
    return received == kPerIteration;
  }
};

void BM_Loopback(benchmark::State& state) {
  const int variant = static_cast<int>(state.range(0));
  const bool gso = state.range(1) != 0;
  Loop loop;
  if (!loop.open(variant, gso)) {
    state.SkipWithError(loop.error.c_str());
    return;
  }
  for (auto _ : state) {
    if (!loop.round()) {
      state.SkipWithError(loop.error.c_str());
      return;
    }
  }
  const double datagrams = static_cast<double>(state.iterations() * kPerIteration);
  state.counters["dgrams/s"] = benchmark::Counter(datagrams, benchmark::Counter::kIsRate);
  state.counters["Gbit/s"] = benchmark::Counter(datagrams * kDatagram * 8 / 1e9, benchmark::Counter::kIsRate);
  state.SetLabel(std::string(variant_name(variant)) + (gso ? "/gso" : "/nogso"));
}
BENCHMARK(BM_Loopback)
    ->ArgNames({"engine", "gso"})
    ->Args({kMmsg, 0})
    ->Args({kUring, 0})
    ->Args({kUringDirect, 0})
    ->Args({kMmsg, 1})
    ->Args({kUring, 1})
    ->Args({kUringDirect, 1})
    ->Args({kUringZcAlways, 1})
    ->MinTime(0.5)
    ->UseRealTime();

// Prints datagrams/s per variant and the io_uring/mmsg ratios after the runs.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      auto it = r.counters.find("dgrams/s");
      if (!r.error_occurred && it != r.counters.end()) rates_[r.report_label] = it->second.value;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nsummary (datagrams/s, ratio to mmsg with the same GSO setting)\n");
    for (const char* g : {"/nogso", "/gso"}) {
      const auto base = rates_.find(std::string("mmsg") + g);
      for (const char* v : {"mmsg", "uring", "uring_direct", "uring_zc_always"}) {
        const auto it = rates_.find(std::string(v) + g);
        if (it == rates_.end()) continue;
        std::printf("  %-18s %12.0f dgrams/s %7.2f Gbit/s", (std::string(v) + g).c_str(), it->second,
                    it->second * kDatagram * 8 / 1e9);
        if (base != rates_.end() && base->second > 0) std::printf("   x%.2f", it->second / base->second);
        std::printf("\n");
      }
    }
  }

 private:
  std::map<std::string, double> rates_;  // cold: filled once per benchmark
};

}  // namespace
}  // namespace tquic::io

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  tquic::io::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
