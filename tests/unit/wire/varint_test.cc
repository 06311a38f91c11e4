#include "wire/varint.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace tquic::wire {
namespace {

std::vector<std::uint8_t> encode(std::uint64_t v) {
  std::array<std::uint8_t, 8> buf{};
  ByteWriter w(buf);
  EXPECT_TRUE(write_varint(w, v));
  return {buf.begin(), buf.begin() + static_cast<long>(w.written())};
}

// RFC 9000 Appendix A.1 sample encodings.
TEST(Varint, RfcSamples) {
  EXPECT_EQ(encode(151288809941952652u),
            (std::vector<std::uint8_t>{0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c}));
  EXPECT_EQ(encode(494878333u), (std::vector<std::uint8_t>{0x9d, 0x7f, 0x3e, 0x7d}));
  EXPECT_EQ(encode(15293u), (std::vector<std::uint8_t>{0x7b, 0xbd}));
  EXPECT_EQ(encode(37u), (std::vector<std::uint8_t>{0x25}));
  const std::array<std::uint8_t, 2> two_byte_37{0x40, 0x25};  // non-minimal is valid
  ByteReader r(two_byte_37);
  std::uint64_t v = 0;
  ASSERT_TRUE(read_varint(r, v));
  EXPECT_EQ(v, 37u);
}

TEST(Varint, BoundariesRoundTrip) {
  for (std::uint64_t v : {std::uint64_t{0}, std::uint64_t{63}, std::uint64_t{64},
                          std::uint64_t{16383}, std::uint64_t{16384},
                          std::uint64_t{(1u << 30) - 1}, std::uint64_t{1u << 30}, kVarintMax}) {
    auto bytes = encode(v);
    EXPECT_EQ(bytes.size(), varint_size(v));
    ByteReader r(bytes);
    std::uint64_t out = 0;
    ASSERT_TRUE(read_varint(r, out));
    EXPECT_EQ(out, v);
    EXPECT_TRUE(r.empty());
  }
}

TEST(Varint, RejectsTooLargeAndTruncated) {
  std::array<std::uint8_t, 8> buf{};
  ByteWriter w(buf);
  EXPECT_FALSE(write_varint(w, kVarintMax + 1));
  EXPECT_EQ(w.written(), 0u);
  const std::array<std::uint8_t, 3> truncated{0x80, 0x01, 0x02};  // 4-byte form, 3 bytes
  ByteReader r(truncated);
  std::uint64_t v = 0;
  EXPECT_FALSE(read_varint(r, v));
  EXPECT_EQ(r.remaining(), 3u);
}

TEST(Varint, FixedWidthForReservedLengths) {
  std::array<std::uint8_t, 4> buf{};
  ASSERT_TRUE(patch_varint(MutByteSpan(buf.data(), 2), 300));
  ByteReader r(buf);
  std::uint64_t v = 0;
  ASSERT_TRUE(read_varint(r, v));
  EXPECT_EQ(v, 300u);
  EXPECT_EQ(r.position(), 2u);
  EXPECT_FALSE(patch_varint(MutByteSpan(buf.data(), 1), 64));  // needs 2 bytes
}

}  // namespace
}  // namespace tquic::wire
