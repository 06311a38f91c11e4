// String literals (RFC 7541 §5.2) with QPACK's N-bit prefixes (RFC 9204
// §4.1.2): an 'H' (Huffman) flag in bit N-1 of the first byte, then the
// encoded length as an (N-1)-bit prefix integer, then the bytes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "h3/qpack/huffman.h"
#include "h3/qpack/prefixed_integer.h"

namespace tquic::h3::qpack {

// A literal as it sits on the wire: a view of the (possibly Huffman-coded)
// bytes in the input.
struct StringLiteral {
  ByteSpan encoded;
  bool huffman = false;
};

// Reads an N-bit prefix string literal (2 <= prefix_bits <= 8). A literal
// whose decoded length cannot be <= `max_decoded_size` is `invalid` as soon
// as its length is known, even if its bytes have not all arrived, so a
// stream reader never waits for a string it would refuse anyway. On
// `truncated` / `invalid` the reader does not move.
ParseStatus read_string_literal(ByteReader& r, unsigned prefix_bits,
                                std::uint64_t max_decoded_size, StringLiteral& out);

// Decoded length of `s`; false if `s` is Huffman-coded and invalid.
bool string_literal_decoded_size(const StringLiteral& s, std::size_t& size);

// Decodes `s` into `dst`, which must hold exactly its decoded size (see
// string_literal_decoded_size). False if the Huffman code is invalid.
bool decode_string_literal_into(const StringLiteral& s, MutByteSpan dst);

// Encoded size of `s` as an N-bit prefix literal (Huffman when shorter and
// allowed).
std::size_t string_literal_size(ByteSpan s, unsigned prefix_bits, bool allow_huffman = true);

// Writes `s` as an N-bit prefix literal; `flags` holds the bits above the
// prefix. Huffman is used when allowed and strictly shorter. False (nothing
// written) if the writer is too small.
bool write_string_literal(ByteWriter& w, std::uint8_t flags, unsigned prefix_bits, ByteSpan s,
                          bool allow_huffman = true);

}  // namespace tquic::h3::qpack
