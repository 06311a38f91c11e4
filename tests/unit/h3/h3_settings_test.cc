// SETTINGS encoding, parsing and error classes (RFC 9114 §7.2.4, RFC 9204
// §5, RFC 9220 §3, RFC 9297 §2.1.1).
#include <gtest/gtest.h>

#include <cstdint>

#include "h3/frames.h"
#include "h3/settings.h"
#include "h3_test_util.h"
#include "wire/varint.h"

namespace tquic::h3 {
namespace {

using test::Bytes;
using test::build;
using test::is_h3;

// Strips the frame header from a written SETTINGS frame.
Bytes payload_of(const Bytes& frame) {
  ByteReader r(frame);
  std::uint64_t type = 0;
  std::uint64_t length = 0;
  EXPECT_TRUE(wire::read_varint(r, type) && wire::read_varint(r, length));
  EXPECT_EQ(type, 0x04u);
  EXPECT_EQ(length, r.remaining());
  return Bytes(r.rest().begin(), r.rest().end());
}

Bytes pairs(std::initializer_list<std::uint64_t> values) {
  return build([&](ByteWriter& w) {
    for (std::uint64_t v : values)
      if (!wire::write_varint(w, v)) return false;
    return true;
  });
}

TEST(H3Settings, DefaultsEncodeToEmptyPayload) {
  const Settings s;
  EXPECT_EQ(settings_payload_size(s), 0u);
  EXPECT_EQ(build([&](ByteWriter& w) { return write_settings_frame(w, s); }), (Bytes{0x04, 0x00}));
  auto parsed = parse_settings_payload({});
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, s);
  EXPECT_EQ(parsed->max_field_section_size, kUnlimitedFieldSectionSize);
}

TEST(H3Settings, EachSettingRoundTrips) {
  Settings variants[6];
  variants[0].qpack_max_table_capacity = 4096;
  variants[1].max_field_section_size = 0;  // 0 is a real limit, not "unset"
  variants[2].qpack_blocked_streams = 100;
  variants[3].enable_connect_protocol = true;
  variants[4].h3_datagram = true;
  variants[5] = {wire::kVarintMax, 16384, 1u << 20, true, true};
  for (const Settings& s : variants) {
    const Bytes f = build([&](ByteWriter& w) { return write_settings_frame(w, s); });
    EXPECT_EQ(f.size() - 2, settings_payload_size(s));
    auto parsed = parse_settings_payload(payload_of(f));
    ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
    EXPECT_EQ(*parsed, s);
  }
}

TEST(H3Settings, ExactEncoding) {
  Settings s;
  s.qpack_max_table_capacity = 4096;
  s.h3_datagram = true;
  const GreaseSetting grease{0, 7};
  const Bytes f = build([&](ByteWriter& w) { return write_settings_frame(w, s, &grease); });
  EXPECT_EQ(f, (Bytes{0x04, 0x07, 0x01, 0x50, 0x00, 0x33, 0x01, 0x21, 0x07}));
}

TEST(H3Settings, GreaseAndUnknownIgnored) {
  Settings s;
  s.qpack_blocked_streams = 16;
  const GreaseSetting grease{12345, 0xdeadbeef};
  const Bytes f = build([&](ByteWriter& w) { return write_settings_frame(w, s, &grease); });
  auto parsed = parse_settings_payload(payload_of(f));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, s);
  // Unknown non-reserved identifiers (0x00, 0x09, 0x4242) are ignored too.
  auto unknown = parse_settings_payload(pairs({0x00, 1, 0x09, 2, 0x4242, 3, 0x07, 5}));
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ(unknown->qpack_blocked_streams, 5u);
  EXPECT_TRUE(is_reserved_setting_id(0x21));
  EXPECT_TRUE(is_reserved_setting_id(0x21 + 0x1f * 99));
  EXPECT_FALSE(is_reserved_setting_id(0x22));
}

TEST(H3Settings, Http2SettingsRejected) {
  for (std::uint64_t id : {0x02u, 0x03u, 0x04u, 0x05u}) {
    auto r = parse_settings_payload(pairs({0x01, 10, id, 0}));
    ASSERT_FALSE(r.ok()) << id;
    EXPECT_TRUE(is_h3(r.error(), H3Error::H3_SETTINGS_ERROR)) << id;
  }
}

TEST(H3Settings, DuplicatesRejected) {
  for (std::uint64_t id : {0x01u, 0x06u, 0x07u, 0x08u, 0x33u, 0x21u, 0x1234u}) {
    auto r = parse_settings_payload(pairs({id, 0, 0x40, 1, id, 0}));
    ASSERT_FALSE(r.ok()) << id;
    EXPECT_TRUE(is_h3(r.error(), H3Error::H3_SETTINGS_ERROR)) << id;
  }
}

TEST(H3Settings, ManyDistinctUnknownSettingsAccepted) {
  Bytes payload;
  for (std::uint64_t i = 0; i < 200; ++i) {
    const Bytes p = pairs({0x1000 + i, i});
    payload.insert(payload.end(), p.begin(), p.end());
  }
  EXPECT_TRUE(parse_settings_payload(payload).ok());
}

TEST(H3Settings, BooleanSettingsOnlyZeroOrOne) {
  for (std::uint64_t id : {0x08u, 0x33u}) {
    EXPECT_TRUE(parse_settings_payload(pairs({id, 0})).ok());
    EXPECT_TRUE(parse_settings_payload(pairs({id, 1})).ok());
    auto r = parse_settings_payload(pairs({id, 2}));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(is_h3(r.error(), H3Error::H3_SETTINGS_ERROR));
  }
}

TEST(H3Settings, TruncatedParameterIsFrameError) {
  EXPECT_TRUE(is_h3(parse_settings_payload(Bytes{0x01}).error(), H3Error::H3_FRAME_ERROR));
  EXPECT_TRUE(is_h3(parse_settings_payload(Bytes{0x01, 0x40}).error(), H3Error::H3_FRAME_ERROR));
  EXPECT_TRUE(is_h3(parse_settings_payload(Bytes{0x80}).error(), H3Error::H3_FRAME_ERROR));
}

TEST(H3Settings, UnencodableValuesRefused) {
  Settings s;
  s.qpack_blocked_streams = wire::kVarintMax + 1;
  Bytes buf(64);
  ByteWriter w(buf);
  EXPECT_FALSE(write_settings_frame(w, s));
  EXPECT_EQ(w.written(), 0u);
  const GreaseSetting bad{kMaxReservedIndex + 1, 0};
  EXPECT_FALSE(write_settings_frame(w, Settings{}, &bad));
  EXPECT_EQ(w.written(), 0u);
}

TEST(H3Settings, WriteIsAtomic) {
  Settings s;
  s.qpack_max_table_capacity = 65536;
  s.enable_connect_protocol = true;
  const std::size_t full = 2 + settings_payload_size(s);
  for (std::size_t cap = 0; cap < full; ++cap) {
    Bytes buf(cap);
    ByteWriter w(buf);
    EXPECT_FALSE(write_settings_frame(w, s));
    EXPECT_EQ(w.written(), 0u);
  }
}

TEST(H3Settings, RememberedSettingsCompatibility) {
  Settings remembered;
  remembered.max_field_section_size = 1000;
  remembered.qpack_blocked_streams = 8;
  remembered.h3_datagram = true;
  Settings now = remembered;
  EXPECT_TRUE(settings_compatible(remembered, now));
  now.max_field_section_size = 2000;
  now.qpack_blocked_streams = 9;
  now.enable_connect_protocol = true;
  now.qpack_max_table_capacity = 4096;  // remembered 0: may grow (RFC 9204 §3.2.3)
  EXPECT_TRUE(settings_compatible(remembered, now)) << "limits may grow";
  Settings smaller = remembered;
  smaller.max_field_section_size = 999;
  EXPECT_FALSE(settings_compatible(remembered, smaller));
  smaller = remembered;
  smaller.qpack_blocked_streams = 7;
  EXPECT_FALSE(settings_compatible(remembered, smaller));
  smaller = remembered;
  smaller.h3_datagram = false;  // omitted = default: withdrawn
  EXPECT_FALSE(settings_compatible(remembered, smaller));
  remembered.qpack_max_table_capacity = 4096;
  now = remembered;
  now.qpack_max_table_capacity = 8192;
  EXPECT_FALSE(settings_compatible(remembered, now)) << "a non-zero capacity must stay the same";
  EXPECT_TRUE(settings_compatible(Settings{}, Settings{}));
}

TEST(H3Settings, PayloadRoundTripsWithoutTheFrameHeader) {
  Settings s;
  s.max_field_section_size = 65536;
  s.qpack_max_table_capacity = 4096;
  s.h3_datagram = true;
  std::uint8_t buf[64];
  ByteWriter w(buf);
  ASSERT_TRUE(write_settings_payload(w, s));
  EXPECT_EQ(w.data().size(), settings_payload_size(s));
  auto back = parse_settings_payload(w.data());
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, s);
  std::uint8_t tiny[2];
  ByteWriter t(tiny);
  EXPECT_FALSE(write_settings_payload(t, s));
}

}  // namespace
}  // namespace tquic::h3
