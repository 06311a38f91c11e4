#include "wire/ack_frame.h"

#include <algorithm>

#include "wire/frame_type.h"
#include "wire/varint.h"

namespace tquic::wire {

// --- Decoding -------------------------------------------------------------

AckRangeIterator::AckRangeIterator(std::uint64_t largest_acknowledged,
                                   std::uint64_t first_ack_range,
                                   std::uint64_t ack_range_count, ByteSpan encoded_ranges)
    : reader_(encoded_ranges), pairs_left_(ack_range_count) {
  done_ = first_ack_range > largest_acknowledged;
  current_ = AckRange{largest_acknowledged - (done_ ? 0 : first_ack_range), largest_acknowledged};
}

AckRangeIterator& AckRangeIterator::operator++() {
  if (done_) return *this;
  std::uint64_t gap = 0;
  std::uint64_t length = 0;
  // RFC 9000 §19.3.1: largest = previous_smallest - gap - 2;
  // smallest = largest - ack_range_length. Stop rather than wrap.
  if (pairs_left_ == 0 || !read_varint(reader_, gap) || !read_varint(reader_, length) ||
      current_.smallest < gap + 2 || current_.smallest - gap - 2 < length) {
    done_ = true;
    return *this;
  }
  --pairs_left_;
  const std::uint64_t largest = current_.smallest - gap - 2;
  current_ = AckRange{largest - length, largest};
  return *this;
}

Status read_ack_ranges(ByteReader& r, std::uint64_t largest_acknowledged,
                       std::uint64_t first_ack_range, std::uint64_t ack_range_count,
                       std::uint64_t frame_type, ByteSpan& encoded) {
  using C = TransportErrorCode;
  if (first_ack_range > largest_acknowledged)
    return Error::transport(C::FRAME_ENCODING_ERROR, "First ACK Range below packet 0", frame_type);
  const std::size_t start = r.position();
  std::uint64_t smallest = largest_acknowledged - first_ack_range;
  for (std::uint64_t i = 0; i < ack_range_count; ++i) {
    std::uint64_t gap = 0;
    std::uint64_t length = 0;
    if (!read_varint(r, gap) || !read_varint(r, length))
      return Error::transport(C::FRAME_ENCODING_ERROR, "truncated ACK Range", frame_type);
    // gap <= 2^62-1, so gap + 2 cannot wrap.
    if (smallest < gap + 2)
      return Error::transport(C::FRAME_ENCODING_ERROR, "ACK Gap below packet 0", frame_type);
    const std::uint64_t largest = smallest - gap - 2;
    if (length > largest)
      return Error::transport(C::FRAME_ENCODING_ERROR, "ACK Range below packet 0", frame_type);
    smallest = largest - length;
  }
  encoded = r.whole().subspan(start, r.position() - start);
  return ok_status();
}

// --- Encoding -------------------------------------------------------------

namespace {

std::uint64_t ack_type_value(const AckFrameSpec& spec) {
  if (spec.path_id) return to_wire(spec.ecn_counts ? FrameType::path_ack_ecn : FrameType::path_ack);
  return to_wire(spec.ecn_counts ? FrameType::ack_ecn : FrameType::ack);
}

// Gap and ACK Range Length for ranges[i], i >= 1; false unless ranges[i] is
// well formed and lies at least two below ranges[i - 1] (a gap of >= 1).
bool pair_fields(std::span<const AckRange> ranges, std::size_t i, std::uint64_t& gap,
                 std::uint64_t& length) {
  const AckRange& prev = ranges[i - 1];
  const AckRange& cur = ranges[i];
  if (cur.smallest > cur.largest || cur.largest >= prev.smallest ||
      prev.smallest - cur.largest < 2)
    return false;
  gap = prev.smallest - cur.largest - 2;
  length = cur.largest - cur.smallest;
  return true;
}

// Adds the encoded size of `v` to `total`; false if v > 2^62-1.
bool add_varint_size(std::size_t& total, std::uint64_t v) {
  const std::size_t n = varint_size(v);
  total += n;
  return n != 0;
}

// Size of everything but ACK Range Count and the pairs; 0 if a field cannot
// be encoded or the first range is malformed.
std::size_t fixed_size(const AckFrameSpec& spec) {
  const AckRange& first = spec.ranges[0];
  if (first.smallest > first.largest) return 0;
  std::size_t total = 0;
  bool ok = add_varint_size(total, ack_type_value(spec)) &&
            add_varint_size(total, first.largest) && add_varint_size(total, spec.ack_delay) &&
            add_varint_size(total, first.largest - first.smallest);
  if (spec.path_id) ok = ok && add_varint_size(total, *spec.path_id);
  if (spec.ecn_counts) {
    ok = ok && add_varint_size(total, spec.ecn_counts->ect0) &&
         add_varint_size(total, spec.ecn_counts->ect1) &&
         add_varint_size(total, spec.ecn_counts->ecn_ce);
  }
  return ok ? total : 0;
}

struct RangeFit {
  std::size_t count = 0;  // ranges that fit
  std::size_t size = 0;   // encoded size of the frame carrying them
  bool invalid = false;   // a range looked at is malformed
};

// How many leading ranges fit in `space`. The size grows with every range,
// so the first miss ends the search.
RangeFit fit_ranges(const AckFrameSpec& spec, std::size_t space, std::size_t max_ranges) {
  RangeFit fit;
  fit.invalid = spec.ranges.empty();
  const std::size_t fixed = fit.invalid ? 0 : fixed_size(spec);
  if (fixed == 0) return {0, 0, true};
  const std::size_t limit = std::min(max_ranges, spec.ranges.size());
  std::size_t pairs = 0;
  for (std::size_t k = 1; k <= limit; ++k) {
    if (k > 1) {
      std::uint64_t gap = 0;
      std::uint64_t length = 0;
      if (!pair_fields(spec.ranges, k - 1, gap, length)) {
        fit.invalid = true;
        return fit;
      }
      pairs += varint_size(gap) + varint_size(length);
    }
    const std::size_t size = fixed + varint_size(k - 1) + pairs;
    if (size > space) break;
    fit.count = k;
    fit.size = size;
  }
  return fit;
}

}  // namespace

bool valid_ack_ranges(std::span<const AckRange> ranges) {
  if (ranges.empty() || ranges[0].smallest > ranges[0].largest ||
      ranges[0].largest > kVarintMax)
    return false;
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    std::uint64_t gap = 0;
    std::uint64_t length = 0;
    if (!pair_fields(ranges, i, gap, length)) return false;
  }
  return true;
}

std::size_t ack_frame_size(const AckFrameSpec& spec, std::size_t range_count) {
  if (range_count == 0 || range_count > spec.ranges.size()) return 0;
  const RangeFit fit = fit_ranges(spec, std::numeric_limits<std::size_t>::max(), range_count);
  return fit.invalid || fit.count != range_count ? 0 : fit.size;
}

std::size_t ack_ranges_that_fit(const AckFrameSpec& spec, std::size_t space,
                                std::size_t max_ranges) {
  const RangeFit fit = fit_ranges(spec, space, max_ranges);
  return fit.invalid ? 0 : fit.count;
}

Result<std::size_t> encode_ack_frame(ByteWriter& w, const AckFrameSpec& spec,
                                     std::size_t max_ranges) {
  const RangeFit fit = fit_ranges(spec, w.remaining(), max_ranges);
  if (fit.invalid) return Error::local("invalid ACK ranges or field value");
  if (fit.count == 0) return Error::blocked("ACK frame does not fit");
  const AckRange& first = spec.ranges[0];
  // Sizes were checked by fit_ranges(): every write below succeeds.
  bool ok = write_varint(w, ack_type_value(spec));
  if (spec.path_id) ok = ok && write_varint(w, *spec.path_id);
  ok = ok && write_varint(w, first.largest) && write_varint(w, spec.ack_delay) &&
       write_varint(w, fit.count - 1) && write_varint(w, first.largest - first.smallest);
  for (std::size_t i = 1; ok && i < fit.count; ++i) {
    std::uint64_t gap = 0;
    std::uint64_t length = 0;
    ok = pair_fields(spec.ranges, i, gap, length) && write_varint(w, gap) &&
         write_varint(w, length);
  }
  if (spec.ecn_counts) {
    ok = ok && write_varint(w, spec.ecn_counts->ect0) && write_varint(w, spec.ecn_counts->ect1) &&
         write_varint(w, spec.ecn_counts->ecn_ce);
  }
  if (!ok) return Error::local("ACK frame write failed after sizing");
  return fit.count;
}

}  // namespace tquic::wire
