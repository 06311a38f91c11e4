// Packet number truncation and recovery (RFC 9000 §17.1, Appendix A.2/A.3).
// Packet numbers are 0..2^62-1 and travel as their 1..4 least significant
// bytes; the receiver rebuilds the full value from the largest packet number
// it has successfully processed in the same packet number space.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/bytes.h"

namespace tquic::wire {

inline constexpr std::uint64_t kMaxPacketNumber = (std::uint64_t{1} << 62) - 1;
inline constexpr std::size_t kMinPacketNumberLength = 1;
inline constexpr std::size_t kMaxPacketNumberLength = 4;

// Number of bytes (1..4) to encode `full_pn` (RFC 9000 §17.1, Appendix A.2):
// the encoding must represent more than twice the number of contiguous
// unacknowledged packet numbers, including the new one. Before anything was
// acknowledged in this space (`largest_acked` empty) that count is
// full_pn + 1. A count beyond 2^31 still gets 4 bytes, the maximum.
constexpr std::size_t packet_number_length(std::uint64_t full_pn,
                                           std::optional<std::uint64_t> largest_acked) {
  std::uint64_t num_unacked = 0;
  if (!largest_acked) num_unacked = full_pn + 1;
  else num_unacked = full_pn > *largest_acked ? full_pn - *largest_acked : 1;
  // 2^(8*len) > 2 * num_unacked  <=>  num_unacked < 2^(8*len - 1)
  if (num_unacked < (std::uint64_t{1} << 7)) return 1;
  if (num_unacked < (std::uint64_t{1} << 15)) return 2;
  if (num_unacked < (std::uint64_t{1} << 23)) return 3;
  return 4;
}

// The `pn_length` least significant bytes of `full_pn`. Precondition:
// pn_length is 1..4.
constexpr std::uint32_t truncate_packet_number(std::uint64_t full_pn, std::size_t pn_length) {
  const unsigned bits = static_cast<unsigned>(pn_length) * 8u;
  return static_cast<std::uint32_t>(full_pn & ((std::uint64_t{1} << bits) - 1));
}

// Writes the truncated packet number in `pn_length` (1..4) bytes, big endian.
// False (nothing written) if pn_length is out of range or there is no room.
inline bool encode_packet_number(ByteWriter& w, std::uint64_t full_pn, std::size_t pn_length) {
  if (pn_length < kMinPacketNumberLength || pn_length > kMaxPacketNumberLength) return false;
  if (w.remaining() < pn_length) return false;
  const std::uint32_t t = truncate_packet_number(full_pn, pn_length);
  for (std::size_t i = pn_length; i > 0; --i)
    (void)w.write_u8(static_cast<std::uint8_t>(t >> (8 * (i - 1))));
  return true;
}

// Reads a truncated packet number of `pn_length` (1..4) bytes. False
// (reader unchanged) if truncated or pn_length is out of range.
inline bool read_truncated_packet_number(ByteReader& r, std::size_t pn_length,
                                         std::uint32_t& out) {
  if (pn_length < kMinPacketNumberLength || pn_length > kMaxPacketNumberLength) return false;
  ByteSpan b;
  if (!r.read_span(pn_length, b)) return false;
  std::uint32_t v = 0;
  for (std::uint8_t byte : b) v = (v << 8) | byte;
  out = v;
  return true;
}

// RFC 9000 Appendix A.3, DecodePacketNumber. `largest_pn` is the largest
// packet number successfully processed in this space (empty: none yet, so
// the expected packet number is 0); `pn_nbits` is 8, 16, 24 or 32 (other
// values are treated as 32). The comparisons are rearranged so that no
// unsigned value wraps; the two guards near 2^62 are those of the RFC. The
// result exceeds kMaxPacketNumber only if largest_pn is within 2^31 of the
// limit, which a connection never reaches (it must close first); callers
// drop such packets.
constexpr std::uint64_t decode_packet_number(std::optional<std::uint64_t> largest_pn,
                                             std::uint64_t truncated_pn, std::size_t pn_nbits) {
  if (pn_nbits == 0 || pn_nbits > 32 || pn_nbits % 8 != 0) pn_nbits = 32;
  const std::uint64_t expected_pn =
      largest_pn ? (*largest_pn < kMaxPacketNumber ? *largest_pn : kMaxPacketNumber) + 1 : 0;
  const std::uint64_t pn_win = std::uint64_t{1} << pn_nbits;
  const std::uint64_t pn_hwin = pn_win / 2;
  const std::uint64_t pn_mask = pn_win - 1;
  const std::uint64_t candidate_pn = (expected_pn & ~pn_mask) | (truncated_pn & pn_mask);
  // candidate_pn <= expected_pn - pn_hwin, written without underflow.
  if (candidate_pn + pn_hwin <= expected_pn &&
      candidate_pn < (std::uint64_t{1} << 62) - pn_win) {
    return candidate_pn + pn_win;
  }
  if (candidate_pn > expected_pn + pn_hwin && candidate_pn >= pn_win) {
    return candidate_pn - pn_win;
  }
  return candidate_pn;
}

}  // namespace tquic::wire
