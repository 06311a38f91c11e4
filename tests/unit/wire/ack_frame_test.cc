// ACK / PATH_ACK range encoding, decoding, validation and iteration.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "wire/ack_frame.h"
#include "wire/frame_decoder.h"
#include "wire/frame_encoder.h"
#include "wire/varint.h"

namespace tquic::wire {
namespace {

using Bytes = std::vector<std::uint8_t>;
using C = TransportErrorCode;

std::vector<AckRange> collect(const AckFields& a) {
  std::vector<AckRange> out;
  for (AckRange r : a.ranges()) out.push_back(r);
  return out;
}

struct Encoded {
  Bytes bytes;
  std::size_t ranges = 0;
};

Encoded encode_ack(const AckFrameSpec& spec, std::size_t space = 4096,
                   std::size_t max_ranges = kAllAckRanges) {
  Bytes buf(space);
  ByteWriter w(buf);
  auto n = encode_ack_frame(w, spec, max_ranges);
  EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.error().reason);
  if (!n.ok()) return {};
  EXPECT_EQ(w.written(), ack_frame_size(spec, *n));
  buf.resize(w.written());
  return {buf, *n};
}

// Decodes an ACK or PATH_ACK frame and returns its common fields.
AckFields decode_ack(const Bytes& bytes, std::uint64_t* path_id = nullptr) {
  ByteReader r(bytes);
  auto f = decode_frame(r);
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().reason);
  EXPECT_TRUE(r.empty());
  if (!f.ok()) return {};
  if (auto* p = std::get_if<PathAckFrame>(&*f)) {
    if (path_id) *path_id = p->path_id;
    return *p;
  }
  return std::get<AckFrame>(*f);
}

Error decode_error(const Bytes& bytes) {
  ByteReader r(bytes);
  auto f = decode_frame(r);
  EXPECT_FALSE(f.ok());
  return f.ok() ? Error{} : f.error();
}

// `count` ranges of `width` packets separated by `gap` missing packets,
// descending from `largest`.
std::vector<AckRange> make_ranges(std::uint64_t largest, std::size_t count, std::uint64_t width,
                                  std::uint64_t gap) {
  std::vector<AckRange> v;
  std::uint64_t top = largest;
  for (std::size_t i = 0; i < count; ++i) {
    v.push_back({top - (width - 1), top});
    top = top - (width - 1) - gap - 1;
  }
  return v;
}

TEST(AckFrame, SingleRangeRoundTrip) {
  const std::vector<AckRange> ranges{{0, 0}};
  const Encoded e = encode_ack({.ranges = ranges, .ack_delay = 0});
  EXPECT_EQ(e.bytes, (Bytes{0x02, 0x00, 0x00, 0x00, 0x00}));
  const AckFields a = decode_ack(e.bytes);
  EXPECT_EQ(a.ack_range_count, 0u);
  EXPECT_EQ(collect(a), ranges);
  EXPECT_FALSE(a.ecn_counts);
}

TEST(AckFrame, ManyRangesRoundTrip) {
  const std::vector<AckRange> ranges = make_ranges(1'000'000, 500, 3, 2);
  const Encoded e = encode_ack({.ranges = ranges, .ack_delay = 1234});
  EXPECT_EQ(e.ranges, ranges.size());
  const AckFields a = decode_ack(e.bytes);
  EXPECT_EQ(a.ack_range_count, ranges.size() - 1);
  EXPECT_EQ(a.ack_delay, 1234u);
  EXPECT_EQ(collect(a), ranges);
  EXPECT_EQ(a.ranges().size(), ranges.size());
}

TEST(AckFrame, RangesDownToPacketZero) {
  const std::vector<AckRange> ranges{{10, 20}, {5, 8}, {0, 3}};
  const Encoded e = encode_ack({.ranges = ranges});
  EXPECT_EQ(collect(decode_ack(e.bytes)), ranges);
}

TEST(AckFrame, VarintBoundaryGapsAndLengths) {
  for (std::uint64_t v : {std::uint64_t{0}, std::uint64_t{63}, std::uint64_t{64},
                          std::uint64_t{16383}, std::uint64_t{16384},
                          (std::uint64_t{1} << 30) - 1, std::uint64_t{1} << 30}) {
    SCOPED_TRACE(v);
    // Gap field = v and ACK Range Length = v for the second range.
    const std::uint64_t top = kVarintMax;
    const AckRange first{top - v, top};
    const std::uint64_t second_largest = first.smallest - v - 2;
    const std::vector<AckRange> ranges{first, {second_largest - v, second_largest}};
    const Encoded e = encode_ack({.ranges = ranges, .ack_delay = v});
    const AckFields a = decode_ack(e.bytes);
    EXPECT_EQ(a.largest_acknowledged, kVarintMax);
    EXPECT_EQ(a.first_ack_range, v);
    EXPECT_EQ(collect(a), ranges);
  }
}

TEST(AckFrame, EcnAndPathVariants) {
  const std::vector<AckRange> ranges = make_ranges(5000, 4, 10, 5);
  const EcnCounts ecn{kVarintMax, 0, 16384};
  for (bool with_ecn : {false, true}) {
    for (bool with_path : {false, true}) {
      AckFrameSpec spec{.ranges = ranges, .ack_delay = 77};
      if (with_ecn) spec.ecn_counts = ecn;
      if (with_path) spec.path_id = 0xffffffff;
      const Encoded e = encode_ack(spec);
      // PATH_ACK types 0x3e / 0x3f fit a 1-byte varint.
      const int expected_type = with_path ? (with_ecn ? 0x3f : 0x3e) : (with_ecn ? 0x03 : 0x02);
      EXPECT_EQ(e.bytes[0], expected_type);
      std::uint64_t path_id = 0;
      const AckFields a = decode_ack(e.bytes, &path_id);
      EXPECT_EQ(collect(a), ranges);
      EXPECT_EQ(a.ecn_counts.has_value(), with_ecn);
      if (with_ecn) {
        EXPECT_EQ(*a.ecn_counts, ecn);
      }
      if (with_path) {
        EXPECT_EQ(path_id, 0xffffffffu);
      }
    }
  }
}

TEST(AckFrame, MaxRangesCapKeepsLargestFirst) {
  const std::vector<AckRange> ranges = make_ranges(100000, 50, 2, 3);
  for (std::size_t cap : {std::size_t{1}, std::size_t{2}, std::size_t{17}, std::size_t{50},
                          std::size_t{500}}) {
    const Encoded e = encode_ack({.ranges = ranges}, 4096, cap);
    const std::size_t expect = std::min(cap, ranges.size());
    EXPECT_EQ(e.ranges, expect);
    EXPECT_EQ(collect(decode_ack(e.bytes)),
              std::vector<AckRange>(ranges.begin(), ranges.begin() + static_cast<long>(expect)));
  }
}

// For every space from "nothing fits" to "everything fits", the encoder
// writes the longest prefix that fits and never more than the space.
TEST(AckFrame, SpaceLimitWritesLongestFittingPrefix) {
  std::vector<AckRange> ranges = make_ranges(1u << 20, 40, 1, 1);
  // Mix in wide gaps so pair sizes vary.
  ranges.push_back({ranges.back().smallest - 20000, ranges.back().smallest - 10000});
  ranges.push_back({0, 5});
  const AckFrameSpec spec{.ranges = ranges, .ack_delay = 100, .ecn_counts = EcnCounts{1, 2, 3}};
  const std::size_t full = ack_frame_size(spec, ranges.size());
  ASSERT_GT(full, 0u);
  std::size_t previous = 0;
  for (std::size_t space = 0; space <= full + 2; ++space) {
    SCOPED_TRACE(space);
    const std::size_t n = ack_ranges_that_fit(spec, space);
    Bytes buf(space);
    ByteWriter w(buf);
    auto written = encode_ack_frame(w, spec);
    if (n == 0) {
      ASSERT_FALSE(written.ok());
      EXPECT_EQ(written.error().kind, ErrorKind::blocked);
      EXPECT_EQ(w.written(), 0u);
      continue;
    }
    ASSERT_TRUE(written.ok());
    EXPECT_EQ(*written, n);
    EXPECT_GE(n, previous);
    previous = n;
    EXPECT_LE(w.written(), space);
    EXPECT_EQ(w.written(), ack_frame_size(spec, n));
    if (n < ranges.size()) {
      EXPECT_GT(ack_frame_size(spec, n + 1), space);
    }
    buf.resize(w.written());
    EXPECT_EQ(collect(decode_ack(buf)),
              std::vector<AckRange>(ranges.begin(), ranges.begin() + static_cast<long>(n)));
  }
  EXPECT_EQ(previous, ranges.size());
}

TEST(AckFrame, InvalidRangesAreLocalErrors) {
  const std::vector<std::vector<AckRange>> bad = {
      {},                              // nothing to acknowledge
      {{5, 4}},                        // smallest > largest
      {{10, 20}, {5, 9}},              // adjacent: no missing packet between
      {{10, 20}, {5, 12}},             // overlapping
      {{10, 20}, {30, 40}},            // ascending
      {{10, 20}, {3, 2}},              // second range inverted
      {{0, kVarintMax + 1}},           // not encodable
  };
  for (const auto& ranges : bad) {
    EXPECT_FALSE(valid_ack_ranges(ranges));
    std::array<std::uint8_t, 64> buf{};
    ByteWriter w(buf);
    auto n = encode_ack_frame(w, {.ranges = ranges});
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().kind, ErrorKind::local);
    EXPECT_EQ(w.written(), 0u);
  }
  EXPECT_TRUE(valid_ack_ranges(std::vector<AckRange>{{10, 20}, {5, 8}}));
  std::array<std::uint8_t, 64> buf{};
  ByteWriter w(buf);
  const std::vector<AckRange> one{{1, 2}};
  EXPECT_EQ(encode_ack_frame(w, {.ranges = one, .ack_delay = kVarintMax + 1}).error().kind,
            ErrorKind::local);
  EXPECT_EQ(ack_frame_size({.ranges = one}, 0), 0u);
  EXPECT_EQ(ack_frame_size({.ranges = one}, 2), 0u);
}

TEST(AckFrame, ZeroMaxRangesIsBlocked) {
  const std::vector<AckRange> one{{1, 2}};
  std::array<std::uint8_t, 64> buf{};
  ByteWriter w(buf);
  auto n = encode_ack_frame(w, {.ranges = one}, 0);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().kind, ErrorKind::blocked);
}

TEST(AckFrame, FirstRangeBelowZeroIsFrameEncodingError) {
  // Largest 5, First ACK Range 6.
  const Error e = decode_error({0x02, 0x05, 0x00, 0x00, 0x06});
  EXPECT_TRUE(e.is_transport(C::FRAME_ENCODING_ERROR));
  EXPECT_EQ(e.frame_type, 0x02u);
  // Largest 5, First ACK Range 5 reaches packet 0 exactly.
  EXPECT_EQ(collect(decode_ack({0x02, 0x05, 0x00, 0x00, 0x05})),
            (std::vector<AckRange>{{0, 5}}));
}

TEST(AckFrame, GapBelowZeroIsFrameEncodingError) {
  // Range [3, 5]; Gap 2 -> largest = 3 - 2 - 2 < 0.
  EXPECT_TRUE(decode_error({0x02, 0x05, 0x00, 0x01, 0x02, 0x02, 0x00})
                  .is_transport(C::FRAME_ENCODING_ERROR));
  // Gap 1 -> largest = 0, Length 0: fine.
  EXPECT_EQ(collect(decode_ack({0x02, 0x05, 0x00, 0x01, 0x02, 0x01, 0x00})),
            (std::vector<AckRange>{{3, 5}, {0, 0}}));
  // Gap 1 -> largest = 0, Length 1 -> smallest < 0.
  EXPECT_TRUE(decode_error({0x02, 0x05, 0x00, 0x01, 0x02, 0x01, 0x01})
                  .is_transport(C::FRAME_ENCODING_ERROR));
}

TEST(AckFrame, PathAckUnderflowNamesPathAckType) {
  const Error e = decode_error({0x3f, 0x01, 0x05, 0x00, 0x01, 0x02, 0x01, 0x01,
                                0x00, 0x00, 0x00});
  EXPECT_TRUE(e.is_transport(C::FRAME_ENCODING_ERROR));
  EXPECT_EQ(e.frame_type, 0x3fu);
}

TEST(AckFrame, HugeRangeCountWithFewBytesIsTruncation) {
  // ACK Range Count 2^62-1 but no pairs follow.
  const Error e = decode_error({0x02, 0x05, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                0xff, 0x00});
  EXPECT_TRUE(e.is_transport(C::FRAME_ENCODING_ERROR));
}

TEST(AckFrame, MissingEcnCountsIsTruncation) {
  EXPECT_TRUE(decode_error({0x03, 0x05, 0x00, 0x00, 0x00, 0x01, 0x02})
                  .is_transport(C::FRAME_ENCODING_ERROR));
}

TEST(AckFrame, ReadAckRangesViewsExactlyThePairs) {
  // Gap 1 / Length 0, then Gap 0 (in a 2-byte varint) / Length 0, then a trailer.
  const Bytes pairs{0x01, 0x00, 0x40, 0x00, 0x00, 0xff};
  ByteReader r(pairs);
  ByteSpan encoded;
  ASSERT_TRUE(read_ack_ranges(r, 1000, 0, 2, 0x02, encoded).ok());
  EXPECT_EQ(encoded.size(), 5u);
  EXPECT_EQ(encoded.data(), pairs.data());
  EXPECT_EQ(r.remaining(), 1u);
  std::vector<AckRange> got;
  for (AckRange a : AckRangeView(1000, 0, 2, encoded)) got.push_back(a);
  EXPECT_EQ(got, (std::vector<AckRange>{{1000, 1000}, {997, 997}, {995, 995}}));
}

// The iterator never reads past its bytes or below zero, whatever it is fed.
TEST(AckFrame, IteratorStopsOnMalformedInput) {
  const Bytes truncated{0x00};  // half a pair
  std::size_t n = 0;
  for (AckRange r : AckRangeView(10, 2, 5, truncated)) {
    EXPECT_LE(r.smallest, r.largest);
    ++n;
  }
  EXPECT_EQ(n, 1u);
  const Bytes underflow{0x20, 0x00};  // gap 32 below smallest 8
  n = 0;
  for (AckRange r : AckRangeView(10, 2, 1, underflow)) {
    (void)r;
    ++n;
  }
  EXPECT_EQ(n, 1u);
  n = 0;
  for (AckRange r : AckRangeView(1, 2, 0, {})) {  // first range below zero
    (void)r;
    ++n;
  }
  EXPECT_EQ(n, 0u);
  // Extra bytes beyond ack_range_count are ignored.
  const Bytes extra{0x00, 0x00, 0x00, 0x00};
  n = 0;
  for (AckRange r : AckRangeView(100, 0, 1, extra)) {
    (void)r;
    ++n;
  }
  EXPECT_EQ(n, 2u);
}

TEST(AckFrame, DecodedAckReencodesIdentically) {
  const std::vector<AckRange> ranges = make_ranges(70000, 30, 7, 100);
  const Encoded e = encode_ack({.ranges = ranges, .ack_delay = 9, .ecn_counts = EcnCounts{}});
  ByteReader r(e.bytes);
  auto f = decode_frame(r);
  ASSERT_TRUE(f.ok());
  Bytes again(encoded_size(*f));
  ByteWriter w(again);
  ASSERT_TRUE(encode_frame(w, *f));
  EXPECT_EQ(again, e.bytes);
}

}  // namespace
}  // namespace tquic::wire
