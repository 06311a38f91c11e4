#include "base/bytes.h"

#include <gtest/gtest.h>

#include <array>

namespace tquic {
namespace {

TEST(ByteReader, ReadsBigEndianAndStopsAtTheEnd) {
  const std::array<std::uint8_t, 7> d{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
  ByteReader r(d);
  std::uint16_t a = 0;
  std::uint32_t b = 0;
  ASSERT_TRUE(r.read_u16(a));
  EXPECT_EQ(a, 0x0102);
  ASSERT_TRUE(r.read_u32(b));
  EXPECT_EQ(b, 0x03040506u);
  std::uint16_t c = 0;
  EXPECT_FALSE(r.read_u16(c));  // only one byte left
  EXPECT_EQ(r.remaining(), 1u);  // a failed read moves nothing
  ByteSpan s;
  EXPECT_FALSE(r.read_span(2, s));
  ASSERT_TRUE(r.read_span(1, s));
  EXPECT_EQ(s[0], 0x07);
  EXPECT_TRUE(r.empty());
}

TEST(ByteWriter, RefusesToOverflow) {
  std::array<std::uint8_t, 5> buf{};
  ByteWriter w(buf);
  ASSERT_TRUE(w.write_u32(0xdeadbeef));
  EXPECT_FALSE(w.write_u16(1));
  ASSERT_TRUE(w.write_u8(9));
  EXPECT_FALSE(w.write_u8(1));
  EXPECT_EQ(w.written(), 5u);
  EXPECT_EQ(buf[0], 0xde);
  EXPECT_EQ(buf[4], 9);
}

}  // namespace
}  // namespace tquic
