#include "wire/version.h"

#include <gtest/gtest.h>

#include "wire/header_drop.h"

namespace tquic::wire {
namespace {

TEST(Version, SupportedAndReserved) {
  EXPECT_TRUE(is_supported_version(kQuicVersion1));
  EXPECT_TRUE(is_supported_version(kQuicVersion2));
  EXPECT_FALSE(is_supported_version(kVersionNegotiationVersion));
  EXPECT_FALSE(is_supported_version(0xff00001d));  // draft-29
  EXPECT_FALSE(is_supported_version(0x1a2a3a4a));

  EXPECT_TRUE(is_reserved_version(0x0a0a0a0a));
  EXPECT_TRUE(is_reserved_version(0x1a2a3a4a));
  EXPECT_TRUE(is_reserved_version(0xfafafafa));
  EXPECT_FALSE(is_reserved_version(0x0a0a0a0b));
  EXPECT_FALSE(is_reserved_version(0xa00a0a0a));
  EXPECT_FALSE(is_reserved_version(kQuicVersion1));
  EXPECT_FALSE(is_reserved_version(kQuicVersion2));
  for (std::uint32_t seed : {0u, 0x12345678u, 0xffffffffu}) {
    EXPECT_TRUE(is_reserved_version(make_reserved_version(seed)));
    EXPECT_FALSE(is_supported_version(make_reserved_version(seed)));
  }
}

struct TypeCode {
  PacketType type;
  std::uint8_t v1;
  std::uint8_t v2;
};

// RFC 9000 §17.2 table 5 and RFC 9369 §3.2.
TEST(Version, LongPacketTypeCodes) {
  const TypeCode table[] = {{PacketType::initial, 0, 1},
                            {PacketType::zero_rtt, 1, 2},
                            {PacketType::handshake, 2, 3},
                            {PacketType::retry, 3, 0}};
  for (const TypeCode& c : table) {
    std::uint8_t bits = 0xff;
    ASSERT_TRUE(long_packet_type_bits(kQuicVersion1, c.type, bits));
    EXPECT_EQ(bits, c.v1);
    ASSERT_TRUE(long_packet_type_bits(kQuicVersion2, c.type, bits));
    EXPECT_EQ(bits, c.v2);
    PacketType t = PacketType::one_rtt;
    ASSERT_TRUE(long_packet_type_from_bits(kQuicVersion1, c.v1, t));
    EXPECT_EQ(t, c.type);
    ASSERT_TRUE(long_packet_type_from_bits(kQuicVersion2, c.v2, t));
    EXPECT_EQ(t, c.type);
  }
  std::uint8_t bits = 0;
  EXPECT_FALSE(long_packet_type_bits(kQuicVersion1, PacketType::one_rtt, bits));
  EXPECT_FALSE(long_packet_type_bits(kQuicVersion1, PacketType::version_negotiation, bits));
  EXPECT_FALSE(long_packet_type_bits(0x0a0a0a0a, PacketType::initial, bits));
  PacketType t = PacketType::one_rtt;
  EXPECT_FALSE(long_packet_type_from_bits(0x0a0a0a0a, 0, t));
  EXPECT_EQ(t, PacketType::one_rtt);
}

TEST(Version, PacketTypeNamesAreQlogNames) {
  EXPECT_STREQ(packet_type_name(PacketType::initial), "initial");
  EXPECT_STREQ(packet_type_name(PacketType::zero_rtt), "0RTT");
  EXPECT_STREQ(packet_type_name(PacketType::one_rtt), "1RTT");
  EXPECT_STREQ(packet_type_name(PacketType::version_negotiation), "version_negotiation");
  EXPECT_TRUE(has_packet_number(PacketType::handshake));
  EXPECT_FALSE(has_packet_number(PacketType::retry));
  EXPECT_FALSE(has_packet_number(PacketType::version_negotiation));
}

TEST(HeaderDrop, RecognisesOnlyHeaderDrops) {
  const Error e = header_drop(HeaderDropReason::cid_too_long, "x");
  EXPECT_TRUE(is_header_drop(e));
  EXPECT_EQ(header_drop_reason(e), HeaderDropReason::cid_too_long);
  EXPECT_TRUE(is_header_drop(header_drop(HeaderDropReason::truncated, "x")));
  EXPECT_TRUE(is_header_drop(header_drop(HeaderDropReason::malformed_retry, "x")));
  EXPECT_FALSE(is_header_drop(Error::local("x")));
  EXPECT_FALSE(is_header_drop(Error::blocked("x")));
  EXPECT_FALSE(is_header_drop(Error::transport(TransportErrorCode::PROTOCOL_VIOLATION, "x")));
  Error transport_with_same_code = e;
  transport_with_same_code.kind = ErrorKind::transport;
  EXPECT_FALSE(is_header_drop(transport_with_same_code));
}

}  // namespace
}  // namespace tquic::wire
