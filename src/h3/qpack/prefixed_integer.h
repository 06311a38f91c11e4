// HPACK prefixed integers (RFC 7541 §5.1), as used unmodified by QPACK
// (RFC 9204 §4.1.1). An N-bit prefix integer starts in the low N bits of a
// byte whose high (8 - N) bits belong to the enclosing representation.
//
// QPACK must decode integers up to 62 bits; we accept exactly that range
// (values < 2^62) and at most kMaxContinuationBytes continuation bytes, so a
// stream of 0x80 bytes cannot keep a decoder busy (RFC 9204 §7.4).
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"

namespace tquic::h3::qpack {

inline constexpr std::uint64_t kPrefixedIntegerMax = (std::uint64_t{1} << 62) - 1;
inline constexpr std::size_t kMaxContinuationBytes = 10;

// Outcome of reading a wire primitive. `truncated` is not an error on the
// encoder/decoder streams (wait for more bytes); inside a field section,
// which is always complete, it is.
enum class ParseStatus : std::uint8_t {
  ok,
  truncated,  // more bytes needed; the reader did not move
  invalid,    // value too large / too many continuation bytes / bad data
};

// Reads an integer with a `prefix_bits`-bit prefix (1..8) starting at the
// reader's current byte (whose high bits are ignored here: the caller has
// already read them with peek_u8). On success the reader is past the
// integer; otherwise it has not moved.
ParseStatus read_prefixed_integer(ByteReader& r, unsigned prefix_bits, std::uint64_t& out);

// Bytes needed to encode `value` with a `prefix_bits`-bit prefix.
std::size_t prefixed_integer_size(std::uint64_t value, unsigned prefix_bits);

// Writes `value` with a `prefix_bits`-bit prefix; `flags` supplies the high
// (8 - prefix_bits) bits of the first byte (bits inside the prefix must be 0).
// False (nothing written) if the writer has too little room or the value
// exceeds kPrefixedIntegerMax.
bool write_prefixed_integer(ByteWriter& w, std::uint8_t flags, unsigned prefix_bits,
                            std::uint64_t value);

}  // namespace tquic::h3::qpack
