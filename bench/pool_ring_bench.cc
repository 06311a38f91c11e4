// The two memory/concurrency primitives of the hot path (HOTPATH.md rules 1
// and 5) against what they replace, measured in the same run.
//
//   pool/<size>/pool         tquic::Pool<T>: acquire 64 objects (one field
//                            written in each), then release them all
//   pool/<size>/new_delete   the same with new / delete
//     size: 64 B (a frame record) and 4096 B (a stream chunk)
//   ring/spsc/batch_<B>      tquic::SpscRing<Item> (capacity 1024) between the
//                            benchmark thread (producer: pushes one batch of B
//                            items per iteration, yielding while the ring is
//                            full) and a consumer thread (pops up to B at a
//                            time, yields while empty, checks the sequence)
//   ring/mutex_deque/batch_<B>  the same over std::mutex + std::deque with
//                            the same capacity (one lock per batch push/pop)
//     B = 1, 16, 64; Item = 16 bytes (sequence number, length, slot), as a
//     datagram descriptor handed between shards. These runs report real
//     time and the CPU time of both threads (MeasureProcessCPUTime).
//   ring_local/spsc/batch_<B>, ring_local/mutex_deque/batch_<B>
//                            one thread pushes a batch and pops it again:
//                            the cost of the structure itself, without the
//                            scheduler or cache-line transfers (CPU time)
//
// The pool runs check the values read back and that every object went back
// (in_use returns to 0); the ring runs check that the consumer saw every
// item exactly once and in order. After the runs a summary prints
// objects/s and items/s with the time ratio to the baseline.
//
// The machine is a 2-core VM shared with other work: a handover between two
// threads there measures the scheduler as much as the ring, so only the
// ratio within one run is meaningful.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "base/pool.h"
#include "base/spsc_ring.h"
#include "bench_summary.h"

namespace tquic {
namespace {

constexpr std::size_t kObjects = 64;
constexpr std::size_t kRingCapacity = 1024;
constexpr std::size_t kBatches[] = {1, 16, 64};

// Objects with a user-provided constructor, so neither path zero-fills them.
template <std::size_t N>
struct Object {
  Object() {}  // NOLINT(modernize-use-equals-default)
  std::uint64_t words[N / 8];
};
using Small = Object<64>;
using Chunk = Object<4096>;

// ---------------------------------------------------------------- pools ----

template <class T>
struct PoolAlloc {
  Pool<T> pool{kObjects};
  PoolAlloc() { pool.reserve(kObjects); }
  T* get() { return pool.acquire(); }
  void put(T* p) { pool.release(p); }
  bool all_returned() const { return pool.stats().in_use == 0; }
};

template <class T>
struct HeapAlloc {
  std::size_t live = 0;
  T* get() {
    ++live;
    return new T();
  }
  void put(T* p) {
    --live;
    delete p;
  }
  bool all_returned() const { return live == 0; }
};

template <class A>
void bm_pool(benchmark::State& state) {
  A alloc;
  decltype(alloc.get()) objs[kObjects];
  std::uint64_t sum = 0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kObjects; ++i) {
      objs[i] = alloc.get();
      if (!objs[i]) return state.SkipWithError("allocation failed");
      objs[i]->words[0] = i;
      benchmark::DoNotOptimize(objs[i]);
    }
    benchmark::ClobberMemory();
    for (std::size_t i = kObjects; i-- > 0;) {
      sum += objs[i]->words[0];
      alloc.put(objs[i]);
    }
  }
  const std::uint64_t per_round = kObjects * (kObjects - 1) / 2;
  if (sum != per_round * static_cast<std::uint64_t>(state.iterations()) || !alloc.all_returned())
    state.SkipWithError("objects lost or corrupted");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kObjects));
}

// ---------------------------------------------------------------- rings ----

struct Item {
  std::uint64_t seq = 0;
  std::uint32_t length = 0;
  std::uint32_t slot = 0;
};

// std::mutex + std::deque with the ring's interface and capacity.
class LockedQueue {
 public:
  std::size_t push(std::span<const Item> items) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::size_t n = std::min(items.size(), kRingCapacity - q_.size());
    q_.insert(q_.end(), items.begin(), items.begin() + static_cast<std::ptrdiff_t>(n));
    return n;
  }
  std::size_t pop(std::span<Item> out) {
    std::lock_guard<std::mutex> lock(mu_);
    const std::size_t n = std::min(out.size(), q_.size());
    for (std::size_t i = 0; i < n; ++i) {
      out[i] = q_.front();
      q_.pop_front();
    }
    return n;
  }

 private:
  std::mutex mu_;
  std::deque<Item> q_;
};

struct RingQueue {
  SpscRing<Item> ring{kRingCapacity};
  std::size_t push(std::span<const Item> items) { return ring.push(items); }
  std::size_t pop(std::span<Item> out) { return ring.pop(out); }
};

// Pops until `stop` is set and the queue is drained; counts items and
// sequence errors.
template <class Q>
struct Consumer {
  Q& q;
  std::size_t batch;
  std::atomic<bool>& stop;
  std::uint64_t received = 0;
  std::uint64_t errors = 0;

  void run() {
    std::vector<Item> buf(batch);
    for (;;) {
      const bool stopping = stop.load(std::memory_order_acquire);
      const std::size_t n = q.pop(buf);
      for (std::size_t i = 0; i < n; ++i) errors += buf[i].seq != received++;
      if (n == 0) {
        if (stopping) return;
        std::this_thread::yield();
      }
    }
  }
};

template <class Q>
void bm_ring(benchmark::State& state, std::size_t batch) {
  Q q;
  std::atomic<bool> stop{false};
  Consumer<Q> consumer{q, batch, stop};
  std::thread thread([&] { consumer.run(); });
  std::vector<Item> items(batch);
  std::uint64_t seq = 0;
  for (auto _ : state) {
    for (Item& it : items) it = Item{seq++, 1200, static_cast<std::uint32_t>(seq)};
    std::span<const Item> left(items);
    while (!left.empty()) {
      const std::size_t n = q.push(left);
      left = left.subspan(n);
      if (n == 0) std::this_thread::yield();
    }
  }
  stop.store(true, std::memory_order_release);
  thread.join();
  if (consumer.received != seq || consumer.errors != 0) state.SkipWithError("items lost, duplicated or reordered");
  state.SetItemsProcessed(static_cast<std::int64_t>(seq));
}

template <class Q>
void bm_ring_local(benchmark::State& state, std::size_t batch) {
  Q q;
  std::vector<Item> in(batch);
  std::vector<Item> out(batch);
  std::uint64_t seq = 0;
  std::uint64_t errors = 0;
  for (auto _ : state) {
    for (Item& it : in) it = Item{seq++, 1200, 0};
    const std::size_t pushed = q.push(in);
    const std::size_t popped = q.pop(out);
    errors += pushed != batch || popped != batch || out[batch - 1].seq != seq - 1;
    benchmark::DoNotOptimize(out.data());
  }
  if (errors != 0) state.SkipWithError("items lost or reordered");
  state.SetItemsProcessed(static_cast<std::int64_t>(seq));
}

// ------------------------------------------------------------- register ----

std::string ring_name(const char* impl, std::size_t batch, bool local = false) {
  return std::string(local ? "ring_local/" : "ring/") + impl + "/batch_" + std::to_string(batch);
}

void register_all() {
  benchmark::RegisterBenchmark("pool/64B/pool", bm_pool<PoolAlloc<Small>>);
  benchmark::RegisterBenchmark("pool/64B/new_delete", bm_pool<HeapAlloc<Small>>);
  benchmark::RegisterBenchmark("pool/4096B/pool", bm_pool<PoolAlloc<Chunk>>);
  benchmark::RegisterBenchmark("pool/4096B/new_delete", bm_pool<HeapAlloc<Chunk>>);
  for (std::size_t b : kBatches) {
    benchmark::RegisterBenchmark(ring_name("spsc", b).c_str(), bm_ring<RingQueue>, b)
        ->UseRealTime()
        ->MeasureProcessCPUTime();
    benchmark::RegisterBenchmark(ring_name("mutex_deque", b).c_str(), bm_ring<LockedQueue>, b)
        ->UseRealTime()
        ->MeasureProcessCPUTime();
  }
  for (std::size_t b : kBatches) {
    benchmark::RegisterBenchmark(ring_name("spsc", b, true).c_str(), bm_ring_local<RingQueue>, b);
    benchmark::RegisterBenchmark(ring_name("mutex_deque", b, true).c_str(), bm_ring_local<LockedQueue>, b);
  }
}

void print_summary(std::ostream& out, const bench::Results& res) {
  out << "\nSummary (ratio = tquic time / baseline time, below 1 is faster)\n";
  for (const char* size : {"64B", "4096B"}) {
    const std::string p = std::string("pool/") + size + "/pool";
    const std::string h = std::string("pool/") + size + "/new_delete";
    if (!res.has(p) || !res.has(h)) continue;
    const double a = res.ns(p) / kObjects;
    const double b = res.ns(h) / kObjects;
    out << bench::format("pool %-6s acquire+release: Pool %6.2f ns (%6.1f M/s)  new/delete %6.2f ns (%6.1f M/s)  "
                         "ratio %.2f (%.1fx faster)\n",
                         size, a, 1e3 / a, b, 1e3 / b, a / b, b / a);
  }
  for (std::size_t batch : kBatches) {
    const std::string s = ring_name("spsc", batch);
    const std::string m = ring_name("mutex_deque", batch);
    if (!res.has(s) || !res.has(m)) continue;
    const double n = static_cast<double>(batch);
    const double a = res.ns(s) / n;
    const double b = res.ns(m) / n;
    out << bench::format("two threads, batch %-3zu per item: SpscRing %7.2f ns real (%6.1f M items/s), %7.2f ns CPU  "
                         "mutex+deque %7.2f ns real (%6.1f M items/s), %7.2f ns CPU  real-time ratio %.2f\n",
                         batch, a, 1e3 / a, res.cpu_ns(s) / n, b, 1e3 / b, res.cpu_ns(m) / n, a / b);
  }
  for (std::size_t batch : kBatches) {
    const std::string s = ring_name("spsc", batch, true);
    const std::string m = ring_name("mutex_deque", batch, true);
    if (!res.has(s) || !res.has(m)) continue;
    const double a = res.ns(s) / static_cast<double>(batch);
    const double b = res.ns(m) / static_cast<double>(batch);
    out << bench::format("one thread, batch %-3zu push+pop per item: SpscRing %6.2f ns  mutex+deque %6.2f ns  "
                         "ratio %.2f (%.1fx faster)\n",
                         batch, a, b, a / b, b / a);
  }
}

}  // namespace
}  // namespace tquic

int main(int argc, char** argv) {
  return tquic::bench::run(argc, argv, tquic::register_all, tquic::print_summary);
}
