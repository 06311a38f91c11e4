#include "h3/qpack/string_literal.h"

#include <cstring>

namespace tquic::h3::qpack {

ParseStatus read_string_literal(ByteReader& r, unsigned prefix_bits,
                                std::uint64_t max_decoded_size, StringLiteral& out) {
  ByteReader cur = r;
  std::uint8_t first = 0;
  if (!cur.peek_u8(first)) return ParseStatus::truncated;
  const bool huffman = (first >> (prefix_bits - 1)) & 1u;
  std::uint64_t length = 0;
  const ParseStatus s = read_prefixed_integer(cur, prefix_bits - 1, length);
  if (s != ParseStatus::ok) return s;
  const std::uint64_t least_decoded =
      huffman ? huffman_min_decoded_size(static_cast<std::size_t>(length)) : length;
  if (least_decoded > max_decoded_size) return ParseStatus::invalid;
  ByteSpan bytes;
  if (!cur.read_span(static_cast<std::size_t>(length), bytes)) return ParseStatus::truncated;
  out = StringLiteral{bytes, huffman};
  r = cur;
  return ParseStatus::ok;
}

bool string_literal_decoded_size(const StringLiteral& s, std::size_t& size) {
  if (!s.huffman) {
    size = s.encoded.size();
    return true;
  }
  return huffman_decoded_size(s.encoded, size);
}

bool decode_string_literal_into(const StringLiteral& s, MutByteSpan dst) {
  if (!s.huffman) {
    if (dst.size() != s.encoded.size()) return false;
    if (!dst.empty()) std::memmove(dst.data(), s.encoded.data(), dst.size());
    return true;
  }
  std::size_t n = 0;
  return huffman_decode(s.encoded, dst, n) == HuffmanStatus::ok && n == dst.size();
}

std::size_t string_literal_size(ByteSpan s, unsigned prefix_bits, bool allow_huffman) {
  const std::size_t huff = allow_huffman ? huffman_encoded_size(s) : s.size();
  const std::size_t len = huff < s.size() ? huff : s.size();
  return prefixed_integer_size(len, prefix_bits - 1) + len;
}

bool write_string_literal(ByteWriter& w, std::uint8_t flags, unsigned prefix_bits, ByteSpan s,
                          bool allow_huffman) {
  const std::size_t huff = allow_huffman ? huffman_encoded_size(s) : s.size();
  const bool use_huffman = huff < s.size();
  const std::size_t len = use_huffman ? huff : s.size();
  if (w.remaining() < prefixed_integer_size(len, prefix_bits - 1) + len) return false;
  const std::uint8_t h_bit = static_cast<std::uint8_t>(use_huffman ? 1u << (prefix_bits - 1) : 0);
  if (!write_prefixed_integer(w, static_cast<std::uint8_t>(flags | h_bit), prefix_bits - 1, len))
    return false;
  return use_huffman ? huffman_encode(s, w) : w.write_bytes(s);
}

}  // namespace tquic::h3::qpack
