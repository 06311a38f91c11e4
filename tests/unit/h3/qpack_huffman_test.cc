// HPACK Huffman code (RFC 7541 §5.2, Appendix B).
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <string>

#include "h3/qpack/huffman.h"
#include "qpack_test_util.h"

namespace tquic::h3::qpack {
namespace {

using test::Bytes;
using test::hex;
using test::span_of;
using test::to_hex;

Bytes encode(ByteSpan in) {
  Bytes out(huffman_encoded_size(in));
  ByteWriter w(out);
  EXPECT_TRUE(huffman_encode(in, w));
  EXPECT_EQ(w.written(), out.size());
  return out;
}

HuffmanStatus decode(const Bytes& in, Bytes& out) {
  out.assign(huffman_max_decoded_size(in.size()), 0);
  std::size_t n = 0;
  const HuffmanStatus s = huffman_decode(in, out, n);
  if (s == HuffmanStatus::ok) out.resize(n);
  return s;
}

// RFC 7541 C.4.1 - C.4.3 (and C.6 values).
TEST(QpackHuffman, Rfc7541Samples) {
  EXPECT_EQ(to_hex(encode(span_of("www.example.com"))), "f1e3c2e5f23a6ba0ab90f4ff");
  EXPECT_EQ(to_hex(encode(span_of("no-cache"))), "a8eb10649cbf");
  EXPECT_EQ(to_hex(encode(span_of("custom-key"))), "25a849e95ba97d7f");
  EXPECT_EQ(to_hex(encode(span_of("custom-value"))), "25a849e95bb8e8b4bf");
  EXPECT_EQ(to_hex(encode(span_of("302"))), "6402");
  EXPECT_EQ(to_hex(encode(span_of("private"))), "aec3771a4b");
  EXPECT_EQ(to_hex(encode(span_of("Mon, 21 Oct 2013 20:13:21 GMT"))),
            "d07abe941054d444a8200595040b8166e082a62d1bff");
  EXPECT_EQ(to_hex(encode(span_of("https://www.example.com"))),
            "9d29ad171863c78f0b97c8e9ae82ae43d3");
  Bytes out;
  ASSERT_EQ(decode(hex("f1e3c2e5f23a6ba0ab90f4ff"), out), HuffmanStatus::ok);
  EXPECT_EQ(std::string(out.begin(), out.end()), "www.example.com");
  ASSERT_EQ(decode(hex("25a849e95bb8e8b4bf"), out), HuffmanStatus::ok);
  EXPECT_EQ(std::string(out.begin(), out.end()), "custom-value");
}

// The Appendix B code is canonical: codes of each length are consecutive,
// ordered by symbol, and the lengths fill the code space exactly (Kraft
// sum 1). A mistyped entry breaks one of the two.
TEST(QpackHuffman, CodeTableIsCanonicalAndComplete) {
  std::vector<std::uint16_t> order(kHuffmanSymbolCount);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [](std::uint16_t a, std::uint16_t b) {
    return huffman_code(a).bits < huffman_code(b).bits;
  });
  std::uint64_t code = 0;
  unsigned prev_bits = huffman_code(order[0]).bits;
  long double kraft = 0;
  for (std::size_t i = 0; i < order.size(); ++i) {
    const HuffmanCode c = huffman_code(order[i]);
    if (i > 0) code = (code + 1) << (c.bits - prev_bits);
    prev_bits = c.bits;
    EXPECT_EQ(c.code, code) << "symbol " << order[i];
    kraft += 1.0L / static_cast<long double>(std::uint64_t{1} << c.bits);
  }
  EXPECT_EQ(kraft, 1.0L);
  EXPECT_EQ(huffman_code(kHuffmanEos).code, 0x3fffffffu);
  EXPECT_EQ(huffman_code(kHuffmanEos).bits, 30u);
  EXPECT_EQ(huffman_code('a').code, 0x3u);
  EXPECT_EQ(huffman_code('a').bits, 5u);
}

TEST(QpackHuffman, EveryByteValueRoundTrips) {
  Bytes all(256);
  std::iota(all.begin(), all.end(), 0);
  Bytes out;
  ASSERT_EQ(decode(encode(all), out), HuffmanStatus::ok);
  EXPECT_EQ(out, all);
  for (int b = 0; b < 256; ++b) {  // each alone, so each padding length occurs
    const Bytes one{static_cast<std::uint8_t>(b)};
    const Bytes enc = encode(one);
    EXPECT_EQ(enc.size(), (huffman_code(static_cast<std::uint16_t>(b)).bits + 7u) / 8u);
    ASSERT_EQ(decode(enc, out), HuffmanStatus::ok) << b;
    EXPECT_EQ(out, one);
  }
}

TEST(QpackHuffman, RandomStringsRoundTrip) {
  std::mt19937_64 rng(0x51ac);
  for (int i = 0; i < 2000; ++i) {
    Bytes s(rng() % 200);
    const bool text = i % 2 == 0;
    for (auto& c : s) c = static_cast<std::uint8_t>(text ? 32 + rng() % 95 : rng() % 256);
    const Bytes enc = encode(s);
    Bytes out;
    ASSERT_EQ(decode(enc, out), HuffmanStatus::ok) << "seed 0x51ac iteration " << i;
    ASSERT_EQ(out, s) << "seed 0x51ac iteration " << i;
    std::size_t n = 0;
    ASSERT_TRUE(huffman_decoded_size(enc, n));
    EXPECT_EQ(n, s.size());
    EXPECT_LE(s.size(), huffman_max_decoded_size(enc.size()));
    EXPECT_GE(s.size(), huffman_min_decoded_size(enc.size()));
  }
}

TEST(QpackHuffman, RejectsPaddingThatIsNotAllOnes) {
  // 'a' = 00011 then padding 000 (must be 111): 0x18 instead of 0x1f.
  Bytes out;
  ASSERT_EQ(decode(hex("1f"), out), HuffmanStatus::ok);
  EXPECT_EQ(out, Bytes{'a'});
  EXPECT_EQ(decode(hex("18"), out), HuffmanStatus::invalid);
  EXPECT_EQ(decode(hex("1e"), out), HuffmanStatus::invalid);
}

TEST(QpackHuffman, RejectsPaddingLongerThanSevenBits) {
  Bytes out;
  // 'a' + a whole byte of ones: 8 + 3 = 11 padding bits.
  EXPECT_EQ(decode(hex("1fff"), out), HuffmanStatus::invalid);
  // A lone 0xff: 8 bits of padding and no symbol.
  EXPECT_EQ(decode(hex("ff"), out), HuffmanStatus::invalid);
  // "00" ('0' = 00000) is 10 bits, then 6 ones of padding.
  ASSERT_EQ(decode(hex("003f"), out), HuffmanStatus::ok);
  EXPECT_EQ(out, (Bytes{'0', '0'}));
  // "00000" is 25 bits, then exactly 7 ones of padding.
  ASSERT_EQ(decode(hex("0000007f"), out), HuffmanStatus::ok);
  EXPECT_EQ(out, (Bytes{'0', '0', '0', '0', '0'}));
}

TEST(QpackHuffman, RejectsEosInTheString) {
  Bytes out;
  // EOS (30 ones) + 2 ones of padding: 32 ones.
  EXPECT_EQ(decode(hex("ffffffff"), out), HuffmanStatus::invalid);
  // 'a' (00011) + EOS + padding: 00011111 11111111 11111111 11111111 11111000...
  EXPECT_EQ(decode(hex("1fffffffff"), out), HuffmanStatus::invalid);
  // EOS followed by a real symbol is still invalid.
  EXPECT_EQ(decode(hex("fffffffc 1f"), out), HuffmanStatus::invalid);
  std::size_t n = 0;
  EXPECT_FALSE(huffman_decoded_size(hex("ffffffff"), n));
}

TEST(QpackHuffman, EmptyStringAndNoRoom) {
  Bytes out;
  ASSERT_EQ(decode(Bytes{}, out), HuffmanStatus::ok);
  EXPECT_TRUE(out.empty());
  const Bytes enc = encode(span_of("www.example.com"));
  Bytes small(14);
  std::size_t n = 0;
  EXPECT_EQ(huffman_decode(enc, small, n), HuffmanStatus::no_room);
  Bytes exact(15);
  EXPECT_EQ(huffman_decode(enc, exact, n), HuffmanStatus::ok);
  EXPECT_EQ(n, 15u);
  // The encoder is all or nothing too.
  Bytes tiny(11);
  ByteWriter w(tiny);
  EXPECT_FALSE(huffman_encode(span_of("www.example.com"), w));
  EXPECT_EQ(w.written(), 0u);
}

}  // namespace
}  // namespace tquic::h3::qpack
