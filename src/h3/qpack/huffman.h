// The static Huffman code of HPACK (RFC 7541 §5.2, Appendix B), used
// unmodified by QPACK string literals (RFC 9204 §4.1.2).
//
// Decoding runs a 4-bit-at-a-time state machine whose 256 x 16 transition
// table is computed at compile time from the code table: no allocation, no
// per-bit branching on the tree. Decoding rejects (RFC 7541 §5.2) the EOS
// symbol inside the string, padding longer than 7 bits, and padding that is
// not a prefix of EOS (all ones).
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"

namespace tquic::h3::qpack {

inline constexpr std::size_t kHuffmanSymbolCount = 257;  // 256 octets + EOS
inline constexpr std::uint16_t kHuffmanEos = 256;

struct HuffmanCode {
  std::uint32_t code;  // right-aligned, most significant bit first on the wire
  std::uint8_t bits;   // 5..30
};

// Appendix B entry for symbol 0..256 (256 = EOS).
HuffmanCode huffman_code(std::uint16_t symbol);

// Bytes the Huffman encoding of `in` takes, padding included.
std::size_t huffman_encoded_size(ByteSpan in);

// Appends the Huffman encoding of `in`, padded with the most significant
// bits of EOS. False (nothing written) if the writer is too small.
bool huffman_encode(ByteSpan in, ByteWriter& w);

enum class HuffmanStatus : std::uint8_t {
  ok,
  invalid,  // EOS in the string, bad or over-long padding
  no_room,  // `out` too small (input may still be invalid further on)
};

// Decodes `in` into `out`; on ok, `decoded_size` bytes of `out` are used.
HuffmanStatus huffman_decode(ByteSpan in, MutByteSpan out, std::size_t& decoded_size);

// Validates `in` and computes its decoded size without writing anything.
bool huffman_decoded_size(ByteSpan in, std::size_t& decoded_size);

// The shortest code is 5 bits, so n encoded bytes decode to at most 8n/5.
constexpr std::size_t huffman_max_decoded_size(std::size_t encoded_size) {
  return encoded_size / 5 * 8 + (encoded_size % 5) * 8 / 5;
}

// Every code is at most 30 bits and padding is under 8 bits, so e > 0
// encoded bytes decode to at least floor((8e - 7) / 30) bytes (e / 4 is a
// smaller bound used where 8e could overflow).
constexpr std::size_t huffman_min_decoded_size(std::size_t encoded_size) {
  if (encoded_size == 0) return 0;
  if (encoded_size >= (std::size_t{1} << 60)) return encoded_size / 4;
  return (encoded_size * 8 - 7) / 30;
}

}  // namespace tquic::h3::qpack
