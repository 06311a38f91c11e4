#include "wire/packet_number.h"

#include <gtest/gtest.h>

#include <array>
#include <random>

namespace tquic::wire {
namespace {

// RFC 9000 Appendix A.2 examples.
TEST(PacketNumber, LengthRfcExamples) {
  EXPECT_EQ(packet_number_length(0xac5c02, 0xabe8b3), 2u);
  EXPECT_EQ(packet_number_length(0xace8fe, 0xabe8b3), 3u);
  static_assert(packet_number_length(0xac5c02, 0xabe8b3) == 2);
}

TEST(PacketNumber, LengthBoundaries) {
  // Nothing acknowledged yet: num_unacked = full_pn + 1.
  EXPECT_EQ(packet_number_length(0, std::nullopt), 1u);
  EXPECT_EQ(packet_number_length(126, std::nullopt), 1u);  // 127 unacked: 2*127 < 256
  EXPECT_EQ(packet_number_length(127, std::nullopt), 2u);  // 128 unacked: 256 is not > 256
  // With an acknowledgment: num_unacked = full_pn - largest_acked.
  EXPECT_EQ(packet_number_length(1000 + 127, 1000), 1u);
  EXPECT_EQ(packet_number_length(1000 + 128, 1000), 2u);
  EXPECT_EQ(packet_number_length(1000 + (1u << 15) - 1, 1000), 2u);
  EXPECT_EQ(packet_number_length(1000 + (1u << 15), 1000), 3u);
  EXPECT_EQ(packet_number_length(1000 + (1u << 23) - 1, 1000), 3u);
  EXPECT_EQ(packet_number_length(1000 + (1u << 23), 1000), 4u);
  EXPECT_EQ(packet_number_length(kMaxPacketNumber, 0), 4u);  // capped at 4
  EXPECT_EQ(packet_number_length(kMaxPacketNumber, std::nullopt), 4u);
  // A packet number not above largest_acked is a caller bug; stay sane.
  EXPECT_EQ(packet_number_length(5, 9), 1u);
}

TEST(PacketNumber, EncodeWritesLeastSignificantBytes) {
  std::array<std::uint8_t, 8> buf{};
  ByteWriter w(buf);
  ASSERT_TRUE(encode_packet_number(w, 0x11223344aabbccddull & kMaxPacketNumber, 3));
  EXPECT_EQ(w.written(), 3u);
  EXPECT_EQ(buf[0], 0xbb);
  EXPECT_EQ(buf[1], 0xcc);
  EXPECT_EQ(buf[2], 0xdd);
  EXPECT_FALSE(encode_packet_number(w, 1, 0));
  EXPECT_FALSE(encode_packet_number(w, 1, 5));
  EXPECT_EQ(w.written(), 3u);
  ByteWriter small(std::span<std::uint8_t>(buf.data(), 3));
  EXPECT_FALSE(encode_packet_number(small, 1, 4));
  EXPECT_EQ(small.written(), 0u);
}

TEST(PacketNumber, ReadTruncatedRoundTripsEveryLength) {
  for (std::size_t len = 1; len <= 4; ++len) {
    std::array<std::uint8_t, 4> buf{};
    ByteWriter w(buf);
    ASSERT_TRUE(encode_packet_number(w, 0x9876543210ull, len));
    ByteReader r(w.data());
    std::uint32_t t = 0;
    ASSERT_TRUE(read_truncated_packet_number(r, len, t));
    EXPECT_EQ(t, truncate_packet_number(0x9876543210ull, len));
    EXPECT_TRUE(r.empty());
    ByteReader short_reader(w.data().first(len - 1));
    EXPECT_FALSE(read_truncated_packet_number(short_reader, len, t));
    EXPECT_EQ(short_reader.position(), 0u);
  }
  EXPECT_EQ(truncate_packet_number(0x9876543210ull, 1), 0x10u);
  EXPECT_EQ(truncate_packet_number(0x9876543210ull, 4), 0x76543210u);
}

// RFC 9000 Appendix A.3 example.
TEST(PacketNumber, DecodeRfcExample) {
  EXPECT_EQ(decode_packet_number(0xa82f30ea, 0x9b32, 16), 0xa82f9b32u);
  static_assert(decode_packet_number(0xa82f30ea, 0x9b32, 16) == 0xa82f9b32u);
}

TEST(PacketNumber, DecodeWindowEdges) {
  EXPECT_EQ(decode_packet_number(std::nullopt, 0, 8), 0u);  // expected_pn = 0
  EXPECT_EQ(decode_packet_number(std::nullopt, 0xff, 8), 0xffu);
  EXPECT_EQ(decode_packet_number(std::nullopt, 0x12345678, 32), 0x12345678u);
  // expected 0x180, window (0x100, 0x200].
  EXPECT_EQ(decode_packet_number(0x17f, 0x00, 8), 0x200u);
  EXPECT_EQ(decode_packet_number(0x17f, 0x01, 8), 0x101u);
  EXPECT_EQ(decode_packet_number(0x17f, 0xff, 8), 0x1ffu);
  // expected 0x100, window (0x80, 0x180]: 0xff lies below the candidate base.
  EXPECT_EQ(decode_packet_number(0xff, 0xff, 8), 0xffu);
  EXPECT_EQ(decode_packet_number(0xff, 0x80, 8), 0x180u);
  EXPECT_EQ(decode_packet_number(0xff, 0x81, 8), 0x81u);
  // Bits above pn_nbits in truncated_pn are ignored.
  EXPECT_EQ(decode_packet_number(0xff, 0x1ff, 8), 0xffu);
}

TEST(PacketNumber, DecodeOverflowGuards) {
  // Near 0: no underflow below zero.
  EXPECT_EQ(decode_packet_number(0, 0xff, 8), 0xffu);
  EXPECT_EQ(decode_packet_number(0, 0xffffffff, 32), 0xffffffffu);
  // Near 2^62: candidate + pn_win would exceed 2^62 - 1, so it is not added.
  const std::uint64_t top = kMaxPacketNumber;
  EXPECT_EQ(decode_packet_number(top - 1, 0x00, 8), (top + 1) - 256);
  EXPECT_EQ(decode_packet_number(top - 1, 0xff, 8), top);
  EXPECT_EQ(decode_packet_number(top - 1, 0xfffffffe, 32), top - 1);
  // A largest_pn above the limit is clamped instead of wrapping.
  EXPECT_EQ(decode_packet_number(~std::uint64_t{0}, 0xff, 8), top);
  // Invalid widths are treated as 32 bits instead of shifting out of range.
  EXPECT_EQ(decode_packet_number(0, 0x1234, 0), 0x1234u);
  EXPECT_EQ(decode_packet_number(0, 0x1234, 64), 0x1234u);
}

// Encoding with the A.2 length rule always decodes back, for any receiver
// whose largest received packet lies between largest_acked and full_pn - 1.
TEST(PacketNumber, EncodeDecodeRoundTripRandomized) {
  std::mt19937_64 rng(0x5eed);
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t largest_acked = rng() % (kMaxPacketNumber >> (rng() % 62));
    const std::uint64_t gap = 1 + rng() % (std::uint64_t{1} << (rng() % 31));
    const std::uint64_t full_pn = largest_acked + gap;
    if (full_pn > kMaxPacketNumber) continue;
    const std::size_t len = packet_number_length(full_pn, largest_acked);
    const std::uint32_t t = truncate_packet_number(full_pn, len);
    ASSERT_EQ(decode_packet_number(largest_acked, t, len * 8), full_pn)
        << "largest_acked=" << largest_acked << " full_pn=" << full_pn;
    ASSERT_EQ(decode_packet_number(full_pn - 1, t, len * 8), full_pn);
  }
}

TEST(PacketNumber, EncodeDecodeExhaustiveSmall) {
  for (std::uint64_t largest = 0; largest < 600; ++largest) {
    for (std::uint64_t pn = largest + 1; pn < largest + 400; ++pn) {
      const std::size_t len = packet_number_length(pn, largest);
      ASSERT_EQ(decode_packet_number(largest, truncate_packet_number(pn, len), len * 8), pn);
    }
  }
  for (std::uint64_t pn = 0; pn < 70000; ++pn) {  // first packets: nothing acked
    const std::size_t len = packet_number_length(pn, std::nullopt);
    ASSERT_EQ(decode_packet_number(std::nullopt, truncate_packet_number(pn, len), len * 8), pn);
  }
}

}  // namespace
}  // namespace tquic::wire
