// Stream data handling (transport/stream): receive reassembly with reading
// by view, and the send buffer's write + frame extraction, against the ideal
// of copying every byte exactly once (memcpy).
//
// One iteration moves 64 frames of 1200 bytes (76800 bytes) of one stream;
// offsets keep growing across iterations, chunks come from a ChunkPool
// reserved up front.
//   recv/in_order        RecvBuffer::on_data for frames 0, 1, 2, ..., then the
//                        reader drains it with peek()/consume() (views, no copy)
//   recv/reordered       frames in the order 0, 2, 1, 3, 5, 4, ... (every 2nd
//                        and 3rd of each group of three swapped)
//   recv/duplicates      in order, and after every odd frame the previous
//                        frame arrives again (96 frames for 64 new ones)
//   recv/in_order_stream RecvStream (flow control, state machine) in order,
//                        sending MAX_STREAM_DATA updates when it asks to
//   send/write_extract   SendBuffer::append of 4 writes of 19200 bytes, then
//                        per packet: max_stream_data_that_fits(1200 bytes),
//                        next_range, STREAM frame header written, bytes()
//                        views (what AEAD seals from), on_sent; then every
//                        frame acknowledged in order (chunks go back to the pool)
//   memcpy/76800         baseline: 64 memcpy of 1200 bytes into a 76800-byte
//                        buffer, the "copy once"
//
// Each pattern is checked once before timing (the bytes read back, or the
// frames extracted, equal the bytes written) and each timed iteration checks
// byte counts and that every consumed chunk went back to the pool, so a broken path
// fails instead of looking fast. After the runs a summary prints ns per
// 1200-byte frame, Gbit/s and the ratio to memcpy.
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <vector>

#include "bench_summary.h"
#include "transport/stream/recv_buffer.h"
#include "transport/stream/recv_stream.h"
#include "transport/stream/send_buffer.h"
#include "wire/frame_encoder.h"

namespace tquic::transport {
namespace {

constexpr std::size_t kFrame = 1200;
constexpr std::size_t kFrames = 64;
constexpr std::size_t kBytes = kFrame * kFrames;
constexpr std::size_t kWrites = 4;
constexpr std::uint64_t kWindow = std::uint64_t{1} << 20;
constexpr std::size_t kPoolChunks = 2 * kWindow / kStreamChunkSize;
constexpr std::size_t kPacketSpace = 1200;  // bytes for the STREAM frame in each packet
constexpr std::uint64_t kStreamId = 4;

const std::vector<std::uint8_t>& source() {
  static const std::vector<std::uint8_t> v = [] {
    std::vector<std::uint8_t> s(kBytes);
    for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::uint8_t>(i * 31 + (i >> 9));
    return s;
  }();
  return v;
}

// ------------------------------------------------------------- receive ----

enum class Pattern { in_order, reordered, duplicates };

const char* pattern_name(Pattern p) {
  switch (p) {
    case Pattern::in_order: return "in_order";
    case Pattern::reordered: return "reordered";
    case Pattern::duplicates: return "duplicates";
  }
  return "?";
}

// Frame indexes in arrival order.
std::vector<std::size_t> arrival_order(Pattern p) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < kFrames; ++i) {
    if (p == Pattern::reordered && i % 3 == 1 && i + 1 < kFrames) {
      order.push_back(i + 1);
      order.push_back(i);
      ++i;
      continue;
    }
    order.push_back(i);
    if (p == Pattern::duplicates && i % 2 == 1) order.push_back(i - 1);
  }
  return order;
}

// Delivers one iteration's frames starting at stream offset `base`.
template <class Deliver>
bool deliver_all(const std::vector<std::size_t>& order, std::uint64_t base, Deliver&& deliver) {
  const ByteSpan src(source());
  for (std::size_t i : order) {
    if (!deliver(base + i * kFrame, src.subspan(i * kFrame, kFrame))) return false;
  }
  return true;
}

// Drains everything readable by view; `sink` sees each span. Returns bytes read.
template <class Reader, class Sink>
std::uint64_t drain(Reader& r, Sink&& sink) {
  std::uint64_t total = 0;
  while (r.readable() > 0) {
    const ByteSpan s = r.peek();
    sink(s);
    total += r.consume(s.size());
  }
  return total;
}

// After the reader drained everything, only the chunk holding the read
// offset stays (it waits for the bytes after it) unless that offset is a
// chunk boundary.
std::size_t chunks_left(std::uint64_t read_offset) { return chunk_offset(read_offset) != 0 ? 1 : 0; }

// One untimed pass: what the reader sees equals the source.
bool recv_round_trip(Pattern p) {
  ChunkPool pool(64);
  RecvBuffer buf(pool, kWindow);
  std::vector<std::uint8_t> got;
  const bool ok = deliver_all(arrival_order(p), 0, [&](std::uint64_t off, ByteSpan d) {
    return buf.on_data(off, d, false).ok();
  });
  drain(buf, [&](ByteSpan s) { got.insert(got.end(), s.begin(), s.end()); });
  return ok && got == source() && buf.chunks_held() == chunks_left(buf.read_offset()) &&
         pool.stats().in_use == buf.chunks_held();
}

void bm_recv(benchmark::State& state, Pattern p) {
  if (!recv_round_trip(p)) return state.SkipWithError("reassembly returned wrong bytes");
  ChunkPool pool(64);
  pool.reserve(kPoolChunks);
  RecvBuffer buf(pool, kWindow);
  const auto order = arrival_order(p);
  std::uint64_t base = 0;
  for (auto _ : state) {
    const bool ok = deliver_all(order, base, [&](std::uint64_t off, ByteSpan d) {
      return buf.on_data(off, d, false).ok();
    });
    const std::uint64_t read = drain(buf, [](ByteSpan s) { benchmark::DoNotOptimize(s.data()); });
    if (!ok || read != kBytes || buf.chunks_held() != chunks_left(buf.read_offset()))
      state.SkipWithError("reassembly failed");
    base += kBytes;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kFrames));
}

// RecvStream adds stream-level flow control and the receive state machine;
// the reader grants credit back with MAX_STREAM_DATA when the stream asks.
void bm_recv_stream(benchmark::State& state) {
  ChunkPool pool(64);
  pool.reserve(kPoolChunks);
  RecvStream stream(pool, kWindow, kWindow);
  const auto order = arrival_order(Pattern::in_order);
  std::uint64_t base = 0;
  std::uint64_t updates = 0;
  Timestamp now = timestamp_from_ns(1'000'000'000);
  for (auto _ : state) {
    const bool ok = deliver_all(order, base, [&](std::uint64_t off, ByteSpan d) {
      return stream.on_stream_frame(off, d, false).ok();
    });
    const std::uint64_t read = drain(stream, [](ByteSpan s) { benchmark::DoNotOptimize(s.data()); });
    if (stream.should_send_max_stream_data()) {
      benchmark::DoNotOptimize(stream.make_max_stream_data(25ms, now));
      ++updates;
    }
    if (!ok || read != kBytes || stream.buffer().chunks_held() != chunks_left(stream.buffer().read_offset()))
      state.SkipWithError("stream receive failed");
    base += kBytes;
    now += 1ms;
  }
  if (state.iterations() > 16 && updates == 0) state.SkipWithError("flow control never granted credit");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kFrames));
}

// ---------------------------------------------------------------- send ----

struct SentFrame {
  std::uint64_t offset;
  std::uint64_t length;
};

// Appends one iteration's bytes, then cuts them into STREAM frames the way the
// packet builder does. `on_frame` sees each frame's header bytes and payload.
template <class OnFrame>
bool write_and_extract(SendBuffer& sb, std::vector<SentFrame>& sent, OnFrame&& on_frame) {
  const ByteSpan src(source());
  const std::size_t piece = kBytes / kWrites;
  for (std::size_t w = 0; w < kWrites; ++w) {
    if (sb.append(src.subspan(w * piece, piece)) != piece) return false;
  }
  std::uint8_t packet[kPacketSpace];
  sent.clear();
  for (;;) {
    const std::uint64_t off = sb.max_sent_offset();
    const std::size_t room = wire::max_stream_data_that_fits(kPacketSpace, kStreamId, off, true);
    const auto range = sb.next_range(room, ~std::uint64_t{0});
    if (!range) break;
    ByteWriter w(MutByteSpan(packet, kPacketSpace));
    if (!wire::write_stream_frame_header(w, kStreamId, range->offset, range->length, range->fin, true)) return false;
    const SendSpans spans = sb.bytes(range->offset, range->length);
    if (spans.size() != range->length || !sb.on_sent(range->offset, range->length, range->fin).ok()) return false;
    on_frame(w.data(), spans);
    sent.push_back({range->offset, range->length});
  }
  return true;
}

bool ack_all(SendBuffer& sb, const std::vector<SentFrame>& sent) {
  for (const SentFrame& f : sent) sb.on_acked(f.offset, f.length, false);
  return sb.chunks_held() == 0 && sb.acked_prefix() == sb.write_offset();
}

// One untimed pass: the frames' payloads, concatenated, equal the source.
bool send_round_trip() {
  ChunkPool pool(64);
  SendBuffer sb(pool, kWindow);
  std::vector<SentFrame> sent;
  std::vector<std::uint8_t> got;
  const bool ok = write_and_extract(sb, sent, [&](ByteSpan, const SendSpans& s) {
    got.insert(got.end(), s.first.begin(), s.first.end());
    got.insert(got.end(), s.second.begin(), s.second.end());
  });
  return ok && got == source() && ack_all(sb, sent) && pool.stats().in_use == 0;
}

void bm_send(benchmark::State& state) {
  if (!send_round_trip()) return state.SkipWithError("extracted frames carry wrong bytes");
  ChunkPool pool(64);
  pool.reserve(kPoolChunks);
  SendBuffer sb(pool, kWindow);
  std::vector<SentFrame> sent;
  sent.reserve(2 * kFrames);
  std::size_t frames = 0;
  for (auto _ : state) {
    const bool ok = write_and_extract(sb, sent, [](ByteSpan header, const SendSpans& s) {
      benchmark::DoNotOptimize(header.data());
      benchmark::DoNotOptimize(s.first.data());
      benchmark::DoNotOptimize(s.second.data());
    });
    frames += sent.size();
    if (!ok || !ack_all(sb, sent)) state.SkipWithError("send buffer write/extract failed");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(frames));
  state.counters["frames_per_iteration"] =
      state.iterations() ? static_cast<double>(frames) / static_cast<double>(state.iterations()) : 0.0;
}

// ------------------------------------------------------------- baseline ----

void bm_memcpy(benchmark::State& state) {
  const std::vector<std::uint8_t>& src = source();
  std::vector<std::uint8_t> dst(kBytes);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kFrames; ++i) std::memcpy(dst.data() + i * kFrame, src.data() + i * kFrame, kFrame);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  if (dst != src) state.SkipWithError("memcpy baseline copied wrong bytes");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kBytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kFrames));
}

constexpr Pattern kPatterns[] = {Pattern::in_order, Pattern::reordered, Pattern::duplicates};

void register_all() {
  for (Pattern p : kPatterns)
    benchmark::RegisterBenchmark((std::string("recv/") + pattern_name(p)).c_str(), bm_recv, p)
        ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("recv/in_order_stream", bm_recv_stream)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("send/write_extract", bm_send)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("memcpy/76800", bm_memcpy)->Unit(benchmark::kMicrosecond);
}

void print_row(std::ostream& out, const bench::Results& res, const std::string& name) {
  if (!res.has(name)) return;
  const double ns = res.ns(name);
  out << bench::format("%-22s %7.1f ns per 1200 B %7.2f Gbit/s  x%.2f memcpy\n", name.c_str(), ns / kFrames,
                       kBytes * 8 / ns, res.ratio(name, "memcpy/76800"));
}

void print_summary(std::ostream& out, const bench::Results& res) {
  out << "\nSummary (CPU time; 64 frames of 1200 bytes per iteration; ratio = time / memcpy of the same bytes)\n";
  for (Pattern p : kPatterns) print_row(out, res, std::string("recv/") + pattern_name(p));
  print_row(out, res, "recv/in_order_stream");
  print_row(out, res, "send/write_extract");
  print_row(out, res, "memcpy/76800");
}

}  // namespace
}  // namespace tquic::transport

int main(int argc, char** argv) {
  return tquic::bench::run(argc, argv, tquic::transport::register_all, tquic::transport::print_summary);
}
