#include "wire/version_negotiation.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "unit/wire/header_test_util.h"
#include "wire/header_drop.h"
#include "wire/invariant_header.h"
#include "wire/packet_header.h"
#include "wire/version.h"

namespace tquic::wire {
namespace {

using header_test::from_hex;
using header_test::to_vector;

std::vector<std::uint8_t> write_vn(ByteSpan dcid, ByteSpan scid,
                                   std::span<const std::uint32_t> versions, std::uint8_t rnd) {
  std::vector<std::uint8_t> buf(version_negotiation_size(dcid.size(), scid.size(), versions.size()));
  ByteWriter w(buf);
  EXPECT_TRUE(write_version_negotiation(w, dcid, scid, versions, rnd).ok());
  EXPECT_EQ(w.written(), buf.size());
  return buf;
}

void expect_vn_drop(ByteSpan bytes) {
  auto vn = parse_version_negotiation(bytes);
  ASSERT_FALSE(vn.ok());
  ASSERT_TRUE(is_header_drop(vn.error()));
  EXPECT_EQ(header_drop_reason(vn.error()), HeaderDropReason::malformed_version_negotiation);
}

TEST(VersionNegotiation, ExactBytes) {
  const auto dcid = from_hex("0102");
  const auto scid = from_hex("aabbccdd");
  const std::uint32_t versions[] = {kQuicVersion1, kQuicVersion2, 0x1a2a3a4a};
  EXPECT_EQ(write_vn(dcid, scid, versions, 0xff),
            from_hex("ff 00000000 02 0102 04 aabbccdd 00000001 6b3343cf 1a2a3a4a"));
  EXPECT_EQ(write_vn(dcid, scid, versions, 0x00)[0], 0xc0);  // 0x40 always set
}

// A server answers a client of an unknown version: CIDs are echoed swapped.
TEST(VersionNegotiation, AnswerToUnknownVersionRoundTrips) {
  std::vector<std::uint8_t> client = from_hex("c0 0a1a2a3a ff");
  client.insert(client.end(), 255, 0x11);  // DCID: 255 bytes (allowed by RFC 8999)
  client.push_back(0);                     // SCID: empty
  client.resize(1200);
  auto inv = parse_invariant_header(client, 0);
  ASSERT_TRUE(inv.ok());
  const auto vn = write_vn(inv->scid, inv->dcid, kSupportedVersions, 0x2b);
  auto parsed = parse_version_negotiation(vn);
  ASSERT_TRUE(parsed.ok()) << parsed.error().reason;
  EXPECT_EQ(parsed->first_byte, 0x80 | 0x40 | 0x2b);
  EXPECT_TRUE(parsed->dcid.empty());
  EXPECT_EQ(to_vector(parsed->scid), to_vector(inv->dcid));
  ASSERT_EQ(parsed->versions.size(), 2u);
  EXPECT_EQ(parsed->versions[0], kQuicVersion1);
  EXPECT_EQ(parsed->versions[1], kQuicVersion2);
  EXPECT_TRUE(parsed->versions.contains(kQuicVersion2));
  EXPECT_FALSE(parsed->versions.contains(0x0a1a2a3a));
  std::vector<std::uint32_t> seen(parsed->versions.begin(), parsed->versions.end());
  EXPECT_EQ(seen, (std::vector<std::uint32_t>{kQuicVersion1, kQuicVersion2}));
  // parse_packet_header wants <= 20-byte CIDs: a VN cannot answer our own
  // packet with a longer one.
  auto h = parse_packet_header(vn, 0);
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(header_drop_reason(h.error()), HeaderDropReason::cid_too_long);
}

TEST(VersionNegotiation, PacketHeaderView) {
  const auto dcid = from_hex("0102030405");
  const auto scid = from_hex("0607");
  const std::uint32_t versions[] = {kQuicVersion2};
  auto vn = write_vn(dcid, scid, versions, 0);
  vn[0] = 0x80;  // the Unused bits, fixed bit included, are ignored
  auto h = parse_packet_header(vn, 0);
  ASSERT_TRUE(h.ok()) << h.error().reason;
  EXPECT_EQ(h->type, PacketType::version_negotiation);
  EXPECT_EQ(h->version, 0u);
  EXPECT_EQ(to_vector(h->dcid.span()), dcid);
  EXPECT_EQ(to_vector(h->scid.span()), scid);
  EXPECT_EQ(h->packet_size, vn.size());
  ASSERT_TRUE(parse_version_negotiation(vn).ok());
}

TEST(VersionNegotiation, MalformedIsADrop) {
  const auto dcid = from_hex("01");
  const std::uint32_t versions[] = {kQuicVersion1};
  const auto vn = write_vn(dcid, {}, versions, 0);
  // No versions at all.
  const ByteSpan no_versions(vn.data(), vn.size() - 4);
  expect_vn_drop(no_versions);
  // 1..3 and 5 bytes of version list.
  for (std::size_t cut = 1; cut <= 3; ++cut) expect_vn_drop(ByteSpan(vn.data(), vn.size() - cut));
  auto five = vn;
  five.push_back(0);
  expect_vn_drop(five);
  for (ByteSpan bad : {no_versions, ByteSpan(five)}) {
    auto h = parse_packet_header(bad, 0);
    ASSERT_FALSE(h.ok());
    EXPECT_EQ(header_drop_reason(h.error()), HeaderDropReason::malformed_version_negotiation);
  }
  // Not a VN packet: version 1, or a short header.
  auto v1 = vn;
  v1[4] = 1;
  expect_vn_drop(v1);
  expect_vn_drop(from_hex("40 00000000 00000001"));
  // Truncated inside the CIDs.
  auto t = parse_version_negotiation(ByteSpan(vn.data(), 6));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(header_drop_reason(t.error()), HeaderDropReason::truncated);
}

TEST(VersionNegotiation, WriterRejectsBadArguments) {
  std::vector<std::uint8_t> long_cid(256, 1);
  const std::uint32_t versions[] = {kQuicVersion1};
  std::array<std::uint8_t, 600> buf{};
  ByteWriter w(buf);
  Status s = write_version_negotiation(w, long_cid, {}, versions, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::local);
  s = write_version_negotiation(w, {}, long_cid, versions, 0);
  ASSERT_FALSE(s.ok());
  s = write_version_negotiation(w, {}, {}, {}, 0);  // empty list is malformed
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::local);
  EXPECT_EQ(w.written(), 0u);
  ByteWriter tiny(std::span<std::uint8_t>(buf.data(), 10));
  s = write_version_negotiation(tiny, {}, {}, versions, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::blocked);
  EXPECT_EQ(tiny.written(), 0u);
  EXPECT_EQ(version_negotiation_size(0, 0, 1), 11u);
  EXPECT_EQ(version_negotiation_size(255, 255, 2), 1 + 4 + 1 + 255 + 1 + 255 + 8u);
}

}  // namespace
}  // namespace tquic::wire
