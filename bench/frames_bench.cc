// Frame encode and decode cost (wire/frame_encoder.h, wire/frame_decoder.h,
// wire/ack_frame.h): what every sent and received packet pays per frame.
//
//   encode/<frame>     one frame written into a packet buffer: encode_frame(),
//                      or encode_ack_frame() for ACKs (the send path's call)
//   decode/<frame>     decode_frame() of the same bytes (payloads stay views)
//   memcpy/<frame>     baseline: memcpy of the frame's encoded bytes
//   decode/payload     a whole 1200-byte 1-RTT payload of mixed frames (ACK
//                      with 8 ranges, MAX_DATA, MAX_STREAM_DATA, NEW_CONNECTION_ID,
//                      RETIRE_CONNECTION_ID, PING, CRYPTO, 3 STREAM, PADDING)
//   memcpy/payload     baseline: memcpy of those 1200 bytes
//
// Frames: stream (4-byte offset, 1000 data bytes, FIN, Length), ack_1 /
// ack_8 / ack_32 (ranges with gaps), crypto (600 bytes), max_stream_data,
// new_connection_id (8-byte CID). Every encoding is checked once against a
// decode round trip before timing, and every timed decode checks that it
// produced the expected frame kind, so a broken path fails instead of
// looking fast. After the runs a summary prints ns/frame, frames/s and the
// ratio to memcpy of the same bytes.
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <vector>

#include "bench_summary.h"
#include "wire/ack_frame.h"
#include "wire/frame_decoder.h"
#include "wire/frame_encoder.h"

namespace tquic::wire {
namespace {

constexpr std::size_t kPayloadSize = 1200;

// A frame to measure: either a Frame for encode_frame(), or ACK ranges for
// encode_ack_frame(). `bytes` is its reference encoding.
struct Case {
  std::string name;
  Frame frame;
  std::vector<AckRange> ack_ranges;  // non-empty: an ACK built by encode_ack_frame
  std::vector<std::uint8_t> bytes;
};

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(seed + i * 13);
  return v;
}

// `count` ranges of 10 packets each, 2 missing between neighbours, largest
// acknowledged 100000 (descending, as ACK frames carry them).
std::vector<AckRange> ack_ranges(std::size_t count) {
  std::vector<AckRange> out;
  std::uint64_t largest = 100000;
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back({largest - 9, largest});
    largest -= 12;
  }
  return out;
}

bool encode_case(ByteWriter& w, const Case& c) {
  if (c.ack_ranges.empty()) return encode_frame(w, c.frame);
  const AckFrameSpec spec{.ranges = c.ack_ranges, .ack_delay = 1000};
  auto n = encode_ack_frame(w, spec);
  return n && *n == c.ack_ranges.size();
}

// Payload bytes that frames view must outlive the cases.
const std::vector<std::uint8_t>& stream_data() {
  static const auto v = pattern(1000, 1);
  return v;
}
const std::vector<std::uint8_t>& crypto_data() {
  static const auto v = pattern(600, 2);
  return v;
}

NewConnectionIdFrame new_cid_frame() {
  NewConnectionIdFrame f;
  f.sequence_number = 7;
  f.retire_prior_to = 3;
  const auto cid = pattern(8, 3);
  (void)ConnectionId::from_bytes(cid, f.connection_id);
  for (std::size_t i = 0; i < f.stateless_reset_token.size(); ++i)
    f.stateless_reset_token[i] = static_cast<std::uint8_t>(0xa0 + i);
  return f;
}

std::vector<Case> make_cases() {
  std::vector<Case> cases;
  cases.push_back({"stream", StreamFrame{4, 123456, ByteSpan(stream_data()), true, true}, {}, {}});
  for (std::size_t n : {1, 8, 32})
    cases.push_back({"ack_" + std::to_string(n), AckFrame{}, ack_ranges(n), {}});
  cases.push_back({"crypto", CryptoFrame{5000, ByteSpan(crypto_data())}, {}, {}});
  cases.push_back({"max_stream_data", MaxStreamDataFrame{8, std::uint64_t{1} << 30}, {}, {}});
  cases.push_back({"new_connection_id", new_cid_frame(), {}, {}});
  for (Case& c : cases) {
    std::vector<std::uint8_t> buf(2048);
    ByteWriter w(buf);
    if (encode_case(w, c)) c.bytes.assign(buf.begin(), buf.begin() + static_cast<long>(w.written()));
  }
  return cases;
}

const std::vector<Case>& cases() {
  static const std::vector<Case> c = make_cases();
  return c;
}

// The round trip that every measured frame must pass: the reference bytes
// decode to one frame of the intended kind (equal to the input, for frames
// that are not built from ranges) using every byte.
bool round_trips(const Case& c) {
  if (c.bytes.empty()) return false;
  ByteReader r(c.bytes);
  auto f = decode_frame(r);
  if (!f || !r.empty()) return false;
  if (c.ack_ranges.empty()) return *f == c.frame;
  const auto* ack = std::get_if<AckFrame>(&*f);
  if (!ack || ack->ranges().size() != c.ack_ranges.size()) return false;
  std::size_t i = 0;
  for (AckRange range : ack->ranges())
    if (!(range == c.ack_ranges[i++])) return false;
  return true;
}

void bm_encode(benchmark::State& state, const Case* c) {
  if (!round_trips(*c)) return state.SkipWithError("reference encoding does not round-trip");
  std::vector<std::uint8_t> buf(kPayloadSize);
  for (auto _ : state) {
    ByteWriter w(buf);
    if (!encode_case(w, *c)) state.SkipWithError("encode failed");
    benchmark::DoNotOptimize(buf.data());
    benchmark::ClobberMemory();
  }
  if (std::memcmp(buf.data(), c->bytes.data(), c->bytes.size()) != 0)
    state.SkipWithError("timed encoding differs from the reference");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void bm_decode(benchmark::State& state, const Case* c) {
  if (!round_trips(*c)) return state.SkipWithError("reference encoding does not round-trip");
  const std::size_t kind = c->ack_ranges.empty() ? c->frame.index() : Frame(AckFrame{}).index();
  for (auto _ : state) {
    ByteReader r(c->bytes);
    auto f = decode_frame(r);
    if (!f || f->index() != kind) state.SkipWithError("decode failed");
    benchmark::DoNotOptimize(f);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void bm_memcpy(benchmark::State& state, std::size_t n) {
  std::vector<std::uint8_t> src = pattern(n, 9);
  std::vector<std::uint8_t> dst(n);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), n);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  if (dst != src) state.SkipWithError("memcpy baseline copied wrong bytes");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

// ---------------------------------------------------------------- payload --

struct Payload {
  std::vector<std::uint8_t> bytes;
  std::size_t frames = 0;  // frames decode_frame() returns (PADDING run = 1)
};

bool append(ByteWriter& w, const Frame& f, std::size_t& frames) {
  ++frames;
  return encode_frame(w, f);
}

Payload make_payload() {
  static const auto data = pattern(600, 5);
  Payload p;
  p.bytes.assign(kPayloadSize, 0);
  ByteWriter w(p.bytes);
  const auto ranges = ack_ranges(8);
  bool ok = encode_ack_frame(w, AckFrameSpec{.ranges = ranges, .ack_delay = 100}).ok();
  ++p.frames;
  ok = ok && append(w, MaxDataFrame{std::uint64_t{1} << 32}, p.frames);
  ok = ok && append(w, MaxStreamDataFrame{4, std::uint64_t{1} << 24}, p.frames);
  ok = ok && append(w, new_cid_frame(), p.frames);
  ok = ok && append(w, RetireConnectionIdFrame{2}, p.frames);
  ok = ok && append(w, PingFrame{}, p.frames);
  ok = ok && append(w, CryptoFrame{700, ByteSpan(data).first(100)}, p.frames);
  for (std::uint64_t id : {0, 4, 8})
    ok = ok && append(w, StreamFrame{id, 4096 * id, ByteSpan(data).subspan(id * 10, 250), false, true},
                      p.frames);
  if (!ok || w.remaining() == 0) return {};
  ++p.frames;  // the zero bytes left form one PADDING frame
  return p;
}

void bm_decode_payload(benchmark::State& state) {
  const Payload p = make_payload();
  if (p.bytes.empty()) return state.SkipWithError("payload does not fit 1200 bytes");
  for (auto _ : state) {
    ByteReader r(p.bytes);
    std::size_t frames = 0;
    while (!r.empty()) {
      auto f = decode_frame(r);
      if (!f) break;
      benchmark::DoNotOptimize(f);
      ++frames;
    }
    if (frames != p.frames || !r.empty()) state.SkipWithError("payload decode failed");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * p.frames));
  state.counters["frames_per_payload"] = static_cast<double>(p.frames);
}

void register_all() {
  for (const Case& c : cases()) {
    benchmark::RegisterBenchmark(("encode/" + c.name).c_str(), bm_encode, &c);
    benchmark::RegisterBenchmark(("decode/" + c.name).c_str(), bm_decode, &c);
    benchmark::RegisterBenchmark(("memcpy/" + c.name).c_str(), bm_memcpy, c.bytes.size());
  }
  benchmark::RegisterBenchmark("decode/payload", bm_decode_payload);
  benchmark::RegisterBenchmark("memcpy/payload", bm_memcpy, kPayloadSize);
}

void print_row(std::ostream& out, const bench::Results& res, const std::string& what,
               const std::string& frame, std::size_t frames, std::size_t bytes) {
  const double ns = res.ns(what + "/" + frame) / static_cast<double>(frames);
  const double base = res.ns("memcpy/" + frame);
  if (ns <= 0) return;
  out << bench::format("%-8s %-18s %6zu B %9.1f ns/frame %8.2f Mframes/s  memcpy %6.1f ns  x%.1f\n",
                       what.c_str(), frame.c_str(), bytes, ns, 1e3 / ns, base,
                       base > 0 ? res.ns(what + "/" + frame) / base : 0.0);
}

void print_summary(std::ostream& out, const bench::Results& res) {
  out << "\nSummary (CPU time per frame; ratio = time / memcpy of the same bytes)\n";
  for (const Case& c : cases()) {
    print_row(out, res, "encode", c.name, 1, c.bytes.size());
    print_row(out, res, "decode", c.name, 1, c.bytes.size());
  }
  const Payload p = make_payload();
  print_row(out, res, "decode", "payload", p.frames, p.bytes.size());
  if (res.has("decode/payload"))
    out << bench::format("decode  whole 1200-byte payload (%zu frames): %.1f ns = %.2f M payloads/s\n",
                         p.frames, res.ns("decode/payload"), 1e3 / res.ns("decode/payload"));
}

}  // namespace
}  // namespace tquic::wire

int main(int argc, char** argv) {
  return tquic::bench::run(argc, argv, tquic::wire::register_all, tquic::wire::print_summary);
}
