#include "h3/qpack/prefixed_integer.h"

namespace tquic::h3::qpack {

namespace {

constexpr std::uint64_t prefix_max(unsigned prefix_bits) {
  return (std::uint64_t{1} << prefix_bits) - 1;
}

}  // namespace

ParseStatus read_prefixed_integer(ByteReader& r, unsigned prefix_bits, std::uint64_t& out) {
  ByteReader cur = r;
  std::uint8_t first = 0;
  if (!cur.read_u8(first)) return ParseStatus::truncated;
  const std::uint64_t max_prefix = prefix_max(prefix_bits);
  std::uint64_t value = first & max_prefix;
  if (value < max_prefix) {
    out = value;
    r = cur;
    return ParseStatus::ok;
  }
  // RFC 7541 §5.1: continuation bytes carry 7 bits each, least significant
  // group first, high bit set on all but the last.
  unsigned shift = 0;
  for (std::size_t n = 0; n < kMaxContinuationBytes; ++n) {
    std::uint8_t b = 0;
    if (!cur.read_u8(b)) return ParseStatus::truncated;
    const std::uint64_t bits = b & 0x7f;
    if (bits != 0) {
      // 2^62 needs at most 62 bits: anything shifted beyond is an overflow.
      if (shift >= 62 || (bits >> (62 - shift)) != 0) return ParseStatus::invalid;
      const std::uint64_t add = bits << shift;
      if (add > kPrefixedIntegerMax - value) return ParseStatus::invalid;
      value += add;
    }
    if ((b & 0x80) == 0) {
      out = value;
      r = cur;
      return ParseStatus::ok;
    }
    shift += 7;
  }
  return ParseStatus::invalid;  // more than kMaxContinuationBytes
}

std::size_t prefixed_integer_size(std::uint64_t value, unsigned prefix_bits) {
  const std::uint64_t max_prefix = prefix_max(prefix_bits);
  if (value < max_prefix) return 1;
  std::size_t n = 1;
  value -= max_prefix;
  do {
    ++n;
    value >>= 7;
  } while (value != 0);
  return n;
}

bool write_prefixed_integer(ByteWriter& w, std::uint8_t flags, unsigned prefix_bits,
                            std::uint64_t value) {
  if (value > kPrefixedIntegerMax) return false;
  if (w.remaining() < prefixed_integer_size(value, prefix_bits)) return false;
  const std::uint64_t max_prefix = prefix_max(prefix_bits);
  if (value < max_prefix) return w.write_u8(static_cast<std::uint8_t>(flags | value));
  (void)w.write_u8(static_cast<std::uint8_t>(flags | max_prefix));
  value -= max_prefix;
  while (value >= 0x80) {
    (void)w.write_u8(static_cast<std::uint8_t>(0x80 | (value & 0x7f)));
    value >>= 7;
  }
  return w.write_u8(static_cast<std::uint8_t>(value));
}

}  // namespace tquic::h3::qpack
