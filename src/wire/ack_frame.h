// ACK Range handling shared by ACK (RFC 9000 §19.3) and PATH_ACK
// (draft-ietf-quic-multipath "PATH_ACK Frame"):
//  - reading and validating the encoded Gap / ACK Range Length pairs
//    (no packet number may go below 0, §19.3.1);
//  - an allocation-free iterator that turns them back into AckRange values,
//    in descending order;
//  - encoding an ACK or PATH_ACK frame from descending AckRanges, with as
//    many ranges as fit, largest first.
//
//   AckFrameSpec spec{.ranges = received, .ack_delay = scaled_delay};
//   auto n = encode_ack_frame(writer, spec, /*max_ranges=*/32);
//   if (!n) { /* blocked: not even the first range fits */ }
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <optional>
#include <span>

#include "base/bytes.h"
#include "base/result.h"
#include "wire/ack_range.h"

namespace tquic::wire {

// RFC 9000 §19.3.2: cumulative counts of ECN-marked packets in the space.
struct EcnCounts {
  std::uint64_t ect0 = 0;
  std::uint64_t ect1 = 0;
  std::uint64_t ecn_ce = 0;
  friend constexpr bool operator==(const EcnCounts&, const EcnCounts&) = default;
};

// Walks the ranges of an ACK frame: first the one given by Largest
// Acknowledged and First ACK Range, then one per encoded Gap/Length pair.
// Safe on any input: it stops early if the pairs are truncated or would go
// below packet number 0 (the decoder has already rejected such frames).
class AckRangeIterator {
 public:
  using value_type = AckRange;
  using difference_type = std::ptrdiff_t;

  AckRangeIterator() = default;
  AckRangeIterator(std::uint64_t largest_acknowledged, std::uint64_t first_ack_range,
                   std::uint64_t ack_range_count, ByteSpan encoded_ranges);

  const AckRange& operator*() const { return current_; }
  const AckRange* operator->() const { return &current_; }
  AckRangeIterator& operator++();
  AckRangeIterator operator++(int) {
    AckRangeIterator old = *this;
    ++*this;
    return old;
  }
  bool operator==(std::default_sentinel_t) const { return done_; }

 private:
  ByteReader reader_{};
  AckRange current_{};
  std::uint64_t pairs_left_ = 0;
  bool done_ = true;
};

// A range-for view over the ranges of one ACK / PATH_ACK frame.
class AckRangeView {
 public:
  AckRangeView() = default;
  AckRangeView(std::uint64_t largest_acknowledged, std::uint64_t first_ack_range,
               std::uint64_t ack_range_count, ByteSpan encoded_ranges)
      : largest_(largest_acknowledged), first_(first_ack_range), count_(ack_range_count),
        encoded_(encoded_ranges) {}

  AckRangeIterator begin() const { return {largest_, first_, count_, encoded_}; }
  std::default_sentinel_t end() const { return {}; }
  // Number of ranges: ACK Range Count + 1.
  std::uint64_t size() const { return count_ + 1; }

 private:
  std::uint64_t largest_ = 0;
  std::uint64_t first_ = 0;
  std::uint64_t count_ = 0;
  ByteSpan encoded_{};
};

// Reads `ack_range_count` Gap / ACK Range Length pairs (RFC 9000 §19.3.1)
// that follow First ACK Range. FRAME_ENCODING_ERROR (with `frame_type`) if
// First ACK Range exceeds Largest Acknowledged, if a pair is truncated or if
// any computed packet number is negative. On success `encoded` views exactly
// the bytes of the pairs.
Status read_ack_ranges(ByteReader& r, std::uint64_t largest_acknowledged,
                       std::uint64_t first_ack_range, std::uint64_t ack_range_count,
                       std::uint64_t frame_type, ByteSpan& encoded);

inline constexpr std::size_t kAllAckRanges = std::numeric_limits<std::size_t>::max();

// What to acknowledge. `ranges` are in descending order (ack_range.h), each
// with smallest <= largest, separated by at least one missing packet.
struct AckFrameSpec {
  std::span<const AckRange> ranges{};
  std::uint64_t ack_delay = 0;             // already scaled by ack_delay_exponent
  std::optional<EcnCounts> ecn_counts{};   // set: type 0x03 (PATH_ACK 0x3f)
  std::optional<std::uint64_t> path_id{};  // set: PATH_ACK instead of ACK
};

// True if `ranges` is non-empty, descending, non-overlapping, non-adjacent,
// with every value <= 2^62-1.
bool valid_ack_ranges(std::span<const AckRange> ranges);

// Exact encoded size of the frame carrying the first `range_count` ranges of
// `spec` (1 <= range_count <= spec.ranges.size()); 0 if it cannot be encoded.
std::size_t ack_frame_size(const AckFrameSpec& spec, std::size_t range_count);

// Largest number of ranges (a prefix of spec.ranges, at most `max_ranges`)
// whose frame fits in `space` bytes; 0 if not even the first one fits.
std::size_t ack_ranges_that_fit(const AckFrameSpec& spec, std::size_t space,
                                std::size_t max_ranges = kAllAckRanges);

// Writes an ACK or PATH_ACK frame with as many ranges as fit in `w` (at most
// `max_ranges`, largest first). Returns how many ranges were written.
// Errors (nothing written): local if spec.ranges is not valid_ack_ranges()
// or a field exceeds 2^62-1; blocked if not even the first range fits.
Result<std::size_t> encode_ack_frame(ByteWriter& w, const AckFrameSpec& spec,
                                     std::size_t max_ranges = kAllAckRanges);

}  // namespace tquic::wire
