// ACK range fuzzer, two modes chosen by the first input byte:
//  - build: derive valid descending ranges, an ACK delay, optional ECN
//    counts and path ID, a space limit and a max_ranges cap from the input;
//    encode_ack_frame() must write the longest prefix of the ranges that
//    fits (never more than the space or the cap, exactly ack_frame_size()
//    bytes), and decode_frame() must give back exactly that prefix;
//  - raw: treat the input as Largest Acknowledged, First ACK Range, ACK
//    Range Count and encoded pairs; read_ack_ranges() must accept exactly
//    the inputs whose ranges stay >= 0, and the iterator must only ever
//    yield well-formed descending ranges, validated or not.
// Uses only static buffers: nothing is allocated per input.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "wire/ack_frame.h"
#include "wire/frame_decoder.h"
#include "wire/frames.h"
#include "wire/varint.h"

namespace tquic::wire {
namespace {

constexpr std::size_t kMaxRanges = 512;
constexpr std::size_t kMaxSpace = 8192;
std::array<AckRange, kMaxRanges> g_ranges;
std::array<std::uint8_t, kMaxSpace> g_out;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// A value whose size class (1, 2, 4 or 8 varint bytes) the input picks.
std::uint64_t varint_value(FuzzedDataProvider& p) {
  static constexpr std::uint64_t kClassMax[] = {63, 16383, (std::uint64_t{1} << 30) - 1,
                                                kVarintMax};
  const std::uint64_t max = kClassMax[p.ConsumeIntegral<std::uint8_t>() % 4];
  return p.ConsumeIntegralInRange<std::uint64_t>(0, max);
}

std::size_t build_ranges(FuzzedDataProvider& p) {
  std::uint64_t largest = varint_value(p);
  std::size_t n = 0;
  const std::size_t wanted = p.ConsumeIntegralInRange<std::size_t>(1, kMaxRanges);
  while (n < wanted) {
    const std::uint64_t length = std::min(varint_value(p), largest);
    g_ranges[n++] = AckRange{largest - length, largest};
    const std::uint64_t smallest = largest - length;
    const std::uint64_t gap = varint_value(p);
    if (smallest < gap + 2 || p.remaining_bytes() == 0) break;
    largest = smallest - gap - 2;
  }
  return n;
}

void check_decoded_prefix(ByteSpan encoded, const AckFrameSpec& spec, std::size_t count) {
  ByteReader r(encoded);
  auto f = decode_frame(r);
  check(f.ok() && r.empty());
  const AckFields* a = nullptr;
  if (const auto* path_ack = std::get_if<PathAckFrame>(&*f)) {
    check(spec.path_id && path_ack->path_id == *spec.path_id);
    a = path_ack;
  } else {
    check(!spec.path_id);
    a = &std::get<AckFrame>(*f);
  }
  check(a->ack_delay == spec.ack_delay && a->ecn_counts == spec.ecn_counts);
  std::size_t i = 0;
  for (AckRange got : a->ranges()) {
    check(i < count && got == spec.ranges[i]);
    ++i;
  }
  check(i == count);
}

void run_build(FuzzedDataProvider& p) {
  const std::size_t n = build_ranges(p);
  AckFrameSpec spec{.ranges = std::span<const AckRange>(g_ranges.data(), n),
                    .ack_delay = varint_value(p)};
  if (p.ConsumeBool()) spec.ecn_counts = EcnCounts{varint_value(p), varint_value(p), varint_value(p)};
  if (p.ConsumeBool()) spec.path_id = varint_value(p);
  const std::size_t space = p.ConsumeIntegralInRange<std::size_t>(0, kMaxSpace);
  const std::size_t max_ranges = p.ConsumeIntegralInRange<std::size_t>(0, kMaxRanges + 8);
  check(valid_ack_ranges(spec.ranges));

  ByteWriter w(MutByteSpan(g_out.data(), space));
  auto written = encode_ack_frame(w, spec, max_ranges);
  const std::size_t fit = ack_ranges_that_fit(spec, space, max_ranges);
  if (!written.ok()) {
    check(written.error().kind == ErrorKind::blocked && fit == 0 && w.written() == 0);
    check(max_ranges == 0 || ack_frame_size(spec, 1) > space);
    return;
  }
  const std::size_t count = *written;
  check(count == fit && count >= 1 && count <= std::min(n, max_ranges));
  check(w.written() <= space && w.written() == ack_frame_size(spec, count));
  if (count < std::min(n, max_ranges)) check(ack_frame_size(spec, count + 1) > space);
  check_decoded_prefix(w.data(), spec, count);
}

void run_raw(FuzzedDataProvider& p) {
  const std::uint64_t largest = varint_value(p);
  const std::uint64_t first = varint_value(p);
  const std::uint64_t count = p.ConsumeIntegralInRange<std::uint64_t>(0, 64);
  const std::size_t length = std::min(p.remaining_bytes(), g_out.size());
  p.ConsumeData(g_out.data(), length);
  const ByteSpan encoded(g_out.data(), length);

  // The iterator is safe on anything.
  std::uint64_t yielded = 0;
  std::uint64_t previous_smallest = 0;
  for (AckRange r : AckRangeView(largest, first, count, encoded)) {
    check(r.smallest <= r.largest && (yielded == 0 || r.largest + 2 <= previous_smallest));
    previous_smallest = r.smallest;
    check(++yielded <= count + 1);
  }
  ByteReader reader(encoded);
  ByteSpan pairs;
  const Status s = read_ack_ranges(reader, largest, first, count, 0x02, pairs);
  if (s.ok()) {
    check(yielded == count + 1 && pairs.size() == reader.position());
  } else {
    check(s.error().is_transport(TransportErrorCode::FRAME_ENCODING_ERROR));
    check(s.error().frame_type == 0x02 && yielded <= count);
  }
}

}  // namespace
}  // namespace tquic::wire

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider p(data, size);
  if (p.ConsumeBool()) {
    tquic::wire::run_raw(p);
  } else {
    tquic::wire::run_build(p);
  }
  return 0;
}
