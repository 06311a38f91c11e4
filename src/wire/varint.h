// QUIC variable-length integers (RFC 9000 §16).
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"

namespace tquic::wire {

inline constexpr std::uint64_t kVarintMax = (std::uint64_t{1} << 62) - 1;

// Encoded size of `v` in the shortest form: 1, 2, 4 or 8; 0 if v > kVarintMax.
constexpr std::size_t varint_size(std::uint64_t v) {
  if (v < (1u << 6)) return 1;
  if (v < (1u << 14)) return 2;
  if (v < (std::uint64_t{1} << 30)) return 4;
  if (v <= kVarintMax) return 8;
  return 0;
}

// Length of a varint from its first byte (2-bit prefix).
constexpr std::size_t varint_length_from_first_byte(std::uint8_t b) {
  return std::size_t{1} << (b >> 6);
}

// Reads one varint; false if truncated (reader unchanged).
inline bool read_varint(ByteReader& r, std::uint64_t& out) {
  std::uint8_t first = 0;
  if (!r.peek_u8(first)) return false;
  const std::size_t len = varint_length_from_first_byte(first);
  ByteSpan b;
  if (!r.read_span(len, b)) return false;
  std::uint64_t v = b[0] & 0x3f;
  for (std::size_t i = 1; i < len; ++i) v = (v << 8) | b[i];
  out = v;
  return true;
}

// Writes `v` using exactly `len` bytes (1, 2, 4 or 8). Used for length fields
// reserved before their value is known. False if it does not fit.
inline bool write_varint_fixed(ByteWriter& w, std::uint64_t v, std::size_t len) {
  if (len != 1 && len != 2 && len != 4 && len != 8) return false;
  if (varint_size(v) == 0 || varint_size(v) > len) return false;
  if (w.remaining() < len) return false;
  const std::uint8_t prefix = static_cast<std::uint8_t>(
      len == 1 ? 0x00 : len == 2 ? 0x40 : len == 4 ? 0x80 : 0xc0);
  std::uint8_t tmp[8];
  for (std::size_t i = 0; i < len; ++i)
    tmp[i] = static_cast<std::uint8_t>(v >> (8 * (len - 1 - i)));
  tmp[0] = static_cast<std::uint8_t>(tmp[0] | prefix);
  return w.write_bytes(ByteSpan(tmp, len));
}

// Writes `v` in its shortest form; false if it does not fit or v > kVarintMax.
inline bool write_varint(ByteWriter& w, std::uint64_t v) {
  const std::size_t len = varint_size(v);
  return len != 0 && write_varint_fixed(w, v, len);
}

// Fills a region previously reserved in a buffer with a fixed-length varint.
inline bool patch_varint(MutByteSpan region, std::uint64_t v) {
  ByteWriter w(region);
  return write_varint_fixed(w, v, region.size());
}

}  // namespace tquic::wire
