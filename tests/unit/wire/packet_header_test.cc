// Phase 1 and phase 2 parsing and the header writers, checked against the
// RFC 9001 Appendix A and RFC 9369 Appendix A sample packets.
#include "wire/packet_header.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "unit/wire/header_test_util.h"
#include "wire/header_drop.h"
#include "wire/invariant_header.h"
#include "wire/packet_header_writer.h"
#include "wire/varint.h"
#include "wire/version.h"

namespace tquic::wire {
namespace {

using header_test::cid;
using header_test::from_hex;
using header_test::to_vector;
using header_test::with_payload;

const char* const kClientDcid = "8394c8f03e515708";
const char* const kServerScid = "f067a5502a4262b5";

PacketHeader parse_ok(ByteSpan bytes, std::size_t short_dcid_len = 0) {
  auto h = parse_packet_header(bytes, short_dcid_len);
  EXPECT_TRUE(h.ok()) << (h.ok() ? "" : h.error().reason);
  return h.ok() ? *h : PacketHeader{};
}

UnprotectedHeader unprotect_ok(ByteSpan bytes, const PacketHeader& h) {
  auto u = read_unprotected_header(bytes, h);
  EXPECT_TRUE(u.ok()) << (u.ok() ? "" : u.error().reason);
  return u.ok() ? *u : UnprotectedHeader{};
}

// Writes a long header and patches Length so the packet is `payload` bytes
// after the packet number; returns the header bytes only.
std::vector<std::uint8_t> write_long(const LongHeaderFields& f, std::uint64_t pn,
                                     std::size_t pn_len, std::size_t payload) {
  std::vector<std::uint8_t> buf(long_header_size(f, pn_len) + payload);
  ByteWriter w(buf);
  auto layout = write_long_header(w, f, pn, pn_len);
  EXPECT_TRUE(layout.ok());
  if (!layout) return {};
  EXPECT_EQ(w.written(), long_header_size(f, pn_len));
  EXPECT_TRUE(set_long_header_length(buf, *layout, layout->header_end() + payload));
  buf.resize(layout->header_end());
  return buf;
}

void expect_drop(ByteSpan bytes, HeaderDropReason reason, std::size_t short_dcid_len = 0) {
  auto h = parse_packet_header(bytes, short_dcid_len);
  ASSERT_FALSE(h.ok());
  ASSERT_TRUE(is_header_drop(h.error())) << h.error().reason;
  EXPECT_EQ(header_drop_reason(h.error()), reason) << h.error().reason;
}

// RFC 9001 Appendix A.2: client Initial, unprotected header.
TEST(PacketHeader, Rfc9001ClientInitialParsesAndIsReproduced) {
  const auto header = from_hex("c300000001088394c8f03e5157080000449e00000002");
  const auto packet = with_payload(header, 1182 - 4);
  const PacketHeader h = parse_ok(packet);
  EXPECT_EQ(h.type, PacketType::initial);
  EXPECT_EQ(h.version, kQuicVersion1);
  EXPECT_EQ(h.dcid, cid(kClientDcid));
  EXPECT_TRUE(h.scid.empty());
  EXPECT_TRUE(h.token.empty());
  EXPECT_EQ(h.length, 1182u);
  EXPECT_EQ(h.pn_offset, 18u);
  EXPECT_EQ(h.sample_offset(), 22u);
  EXPECT_EQ(h.packet_size, 1200u);
  const UnprotectedHeader u = unprotect_ok(packet, h);
  EXPECT_EQ(u.pn_length, 4u);
  EXPECT_EQ(u.truncated_pn, 2u);
  EXPECT_EQ(u.reserved_bits, 0u);
  EXPECT_EQ(u.payload_offset, 22u);
  EXPECT_EQ(u.payload_length, 1178u);
  EXPECT_TRUE(check_reserved_bits(u).ok());

  LongHeaderFields f;
  f.type = PacketType::initial;
  f.version = kQuicVersion1;
  f.dcid = cid(kClientDcid);
  EXPECT_EQ(write_long(f, 2, 4, 1182 - 4), header);
}

// The protected form of the same header (RFC 9001 A.2) gives the same
// phase-1 fields: header protection does not touch them.
TEST(PacketHeader, Rfc9001ProtectedClientInitialPhaseOne) {
  const auto packet = with_payload(from_hex("c000000001088394c8f03e5157080000449e7b9aec34"), 1178);
  const PacketHeader h = parse_ok(packet);
  EXPECT_EQ(h.type, PacketType::initial);
  EXPECT_EQ(h.pn_offset, 18u);
  EXPECT_EQ(h.packet_size, 1200u);
  EXPECT_EQ(h.first_byte & ~header_protection_mask(true), 0xc0);
}

// RFC 9001 Appendix A.3: server Initial with a 2-byte packet number.
TEST(PacketHeader, Rfc9001ServerInitial) {
  const auto header = from_hex("c1000000010008f067a5502a4262b50040750001");
  const auto packet = with_payload(header, 0x75 - 2);
  const PacketHeader h = parse_ok(packet);
  EXPECT_EQ(h.type, PacketType::initial);
  EXPECT_TRUE(h.dcid.empty());
  EXPECT_EQ(h.scid, cid(kServerScid));
  EXPECT_EQ(h.length, 0x75u);
  EXPECT_EQ(h.pn_offset, 18u);
  const UnprotectedHeader u = unprotect_ok(packet, h);
  EXPECT_EQ(u.pn_length, 2u);
  EXPECT_EQ(u.truncated_pn, 1u);
  LongHeaderFields f;
  f.scid = cid(kServerScid);
  EXPECT_EQ(write_long(f, 1, 2, 0x75 - 2), header);
}

// RFC 9369 Appendix A.2 and A.3: the same packets in QUIC v2.
TEST(PacketHeader, Rfc9369ClientAndServerInitial) {
  const auto client = from_hex("d36b3343cf088394c8f03e5157080000449e00000002");
  const auto client_packet = with_payload(client, 1178);
  const PacketHeader c = parse_ok(client_packet);
  EXPECT_EQ(c.type, PacketType::initial);
  EXPECT_EQ(c.version, kQuicVersion2);
  EXPECT_EQ(c.dcid, cid(kClientDcid));
  EXPECT_EQ(c.length, 1182u);
  EXPECT_EQ(c.pn_offset, 18u);
  EXPECT_EQ(unprotect_ok(client_packet, c).truncated_pn, 2u);
  LongHeaderFields f;
  f.version = kQuicVersion2;
  f.dcid = cid(kClientDcid);
  EXPECT_EQ(write_long(f, 2, 4, 1178), client);

  const auto server = from_hex("d16b3343cf0008f067a5502a4262b50040750001");
  const PacketHeader s = parse_ok(with_payload(server, 0x73));
  EXPECT_EQ(s.type, PacketType::initial);
  EXPECT_EQ(s.scid, cid(kServerScid));
  LongHeaderFields sf;
  sf.version = kQuicVersion2;
  sf.scid = cid(kServerScid);
  EXPECT_EQ(write_long(sf, 1, 2, 0x73), server);
}

// RFC 9001 Appendix A.5: ChaCha20-Poly1305 short header, 21-byte packet.
TEST(PacketHeader, Rfc9001ShortHeaderPacket) {
  const auto unprotected = from_hex("4200bff4 655e5cd55c41f69080575d7999c25a5bfb");
  ASSERT_EQ(unprotected.size(), 21u);
  const PacketHeader h = parse_ok(unprotected, 0);
  EXPECT_EQ(h.type, PacketType::one_rtt);
  EXPECT_FALSE(h.is_long_header());
  EXPECT_EQ(h.pn_offset, 1u);
  EXPECT_EQ(h.packet_size, 21u);
  EXPECT_EQ(h.sample_offset() + kHeaderProtectionSampleLength, 21u);  // exactly enough
  const UnprotectedHeader u = unprotect_ok(unprotected, h);
  EXPECT_EQ(u.pn_length, 3u);
  EXPECT_EQ(u.truncated_pn, 0x00bff4u);
  EXPECT_FALSE(u.key_phase);
  EXPECT_EQ(decode_packet_number(654360563u, u.truncated_pn, u.pn_length * 8), 654360564u);

  std::array<std::uint8_t, 4> buf{};
  ByteWriter w(buf);
  auto layout = write_short_header(w, ShortHeaderFields{}, 654360564u, 3);
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(to_vector(w.data()), from_hex("4200bff4"));
  EXPECT_EQ(layout->pn_offset, 1u);
  EXPECT_EQ(layout->length_field_size, 0u);

  const auto protected_packet = from_hex("4cfe4189655e5cd55c41f69080575d7999c25a5bfb");
  const PacketHeader p = parse_ok(protected_packet, 0);
  EXPECT_EQ(p.pn_offset, 1u);
  EXPECT_EQ(p.packet_size, 21u);
}

struct LongCase {
  std::uint32_t version;
  PacketType type;
  std::size_t dcid_len;
  std::size_t scid_len;
  std::size_t token_len;
  std::size_t pn_len;
};

TEST(PacketHeader, LongHeaderRoundTripEveryTypeAndVersion) {
  std::vector<LongCase> cases;
  for (std::uint32_t v : {kQuicVersion1, kQuicVersion2})
    for (PacketType t : {PacketType::initial, PacketType::zero_rtt, PacketType::handshake})
      for (std::size_t cid_len : {std::size_t{0}, std::size_t{8}, std::size_t{20}})
        for (std::size_t pn_len = 1; pn_len <= 4; ++pn_len)
          cases.push_back({v, t, cid_len, 20 - cid_len,
                           t == PacketType::initial ? cid_len * 3 : 0, pn_len});
  for (const LongCase& c : cases) {
    std::vector<std::uint8_t> token(c.token_len, 0x7e);
    LongHeaderFields f;
    f.type = c.type;
    f.version = c.version;
    f.dcid = header_test::cid_of_length(c.dcid_len, 0x10);
    f.scid = header_test::cid_of_length(c.scid_len, 0x40);
    f.token = token;
    const std::uint64_t pn = 0x12345678 + c.pn_len;
    const std::size_t payload = 40;
    const auto packet = with_payload(write_long(f, pn, c.pn_len, payload), payload);
    const PacketHeader h = parse_ok(packet);
    EXPECT_EQ(h.type, c.type);
    EXPECT_EQ(h.version, c.version);
    EXPECT_EQ(h.dcid, f.dcid);
    EXPECT_EQ(h.scid, f.scid);
    EXPECT_EQ(to_vector(h.token), token);
    EXPECT_EQ(h.length, c.pn_len + payload);
    EXPECT_EQ(h.packet_size, packet.size());
    EXPECT_EQ(h.pn_offset, long_header_size(f, c.pn_len) - c.pn_len);
    const UnprotectedHeader u = unprotect_ok(packet, h);
    EXPECT_EQ(u.pn_length, c.pn_len);
    EXPECT_EQ(u.truncated_pn, truncate_packet_number(pn, c.pn_len));
    EXPECT_EQ(u.payload_length, payload);
    EXPECT_EQ(u.reserved_bits, 0u);
  }
}

TEST(PacketHeader, ShortHeaderRoundTrip) {
  for (std::size_t dcid_len : {std::size_t{0}, std::size_t{1}, std::size_t{20}})
    for (std::size_t pn_len = 1; pn_len <= 4; ++pn_len)
      for (int bits = 0; bits < 4; ++bits) {
        ShortHeaderFields f;
        f.dcid = header_test::cid_of_length(dcid_len, 0x99);
        f.spin_bit = bits & 1;
        f.key_phase = bits & 2;
        std::vector<std::uint8_t> buf(short_header_size(dcid_len, pn_len) + 30, 0xee);
        ByteWriter w(buf);
        auto layout = write_short_header(w, f, 0xabcdef01, pn_len);
        ASSERT_TRUE(layout.ok());
        EXPECT_EQ(layout->header_end(), short_header_size(dcid_len, pn_len));
        const PacketHeader h = parse_ok(buf, dcid_len);
        EXPECT_EQ(h.type, PacketType::one_rtt);
        EXPECT_EQ(h.dcid, f.dcid);
        EXPECT_EQ(h.spin_bit, f.spin_bit);
        EXPECT_EQ(h.pn_offset, 1 + dcid_len);
        EXPECT_EQ(h.packet_size, buf.size());
        const UnprotectedHeader u = unprotect_ok(buf, h);
        EXPECT_EQ(u.key_phase, f.key_phase);
        EXPECT_EQ(u.pn_length, pn_len);
        EXPECT_EQ(u.truncated_pn, truncate_packet_number(0xabcdef01, pn_len));
        EXPECT_EQ(u.payload_offset, 1 + dcid_len + pn_len);
      }
}

// RFC 9000 §12.2: Initial + Handshake + 1-RTT in one datagram.
TEST(PacketHeader, CoalescedPacketsParseInSequence) {
  const auto dcid = header_test::cid_of_length(8, 0x30);
  const auto scid = header_test::cid_of_length(5, 0x60);
  std::vector<std::uint8_t> dgram(1500);
  ByteWriter w(dgram);
  LongHeaderFields initial;
  initial.dcid = dcid;
  initial.scid = scid;
  auto l1 = write_long_header(w, initial, 0, 1);
  ASSERT_TRUE(l1.ok());
  ASSERT_TRUE(w.write_zeros(100));
  ASSERT_TRUE(set_long_header_length(w.buffer(), *l1, w.written()));
  LongHeaderFields hs = initial;
  hs.type = PacketType::handshake;
  hs.length_field_size = 4;
  auto l2 = write_long_header(w, hs, 7, 2);
  ASSERT_TRUE(l2.ok());
  EXPECT_EQ(l2->packet_start, l1->header_end() + 100);
  ASSERT_TRUE(w.write_zeros(50));
  ASSERT_TRUE(set_long_header_length(w.buffer(), *l2, w.written()));
  ShortHeaderFields one_rtt;
  one_rtt.dcid = dcid;
  auto l3 = write_short_header(w, one_rtt, 9, 1);
  ASSERT_TRUE(l3.ok());
  ASSERT_TRUE(w.write_zeros(60));
  dgram.resize(w.written());

  ByteSpan rest(dgram);
  std::vector<PacketType> types;
  std::vector<std::uint32_t> pns;
  while (!rest.empty()) {
    auto h = parse_packet_header(rest, dcid.size());
    ASSERT_TRUE(h.ok()) << h.error().reason;
    EXPECT_EQ(h->dcid, dcid);
    const ByteSpan packet = rest.first(h->packet_size);
    auto u = read_unprotected_header(packet, *h);
    ASSERT_TRUE(u.ok());
    types.push_back(h->type);
    pns.push_back(u->truncated_pn);
    rest = rest.subspan(h->packet_size);
  }
  EXPECT_EQ(types, (std::vector<PacketType>{PacketType::initial, PacketType::handshake,
                                            PacketType::one_rtt}));
  EXPECT_EQ(pns, (std::vector<std::uint32_t>{0, 7, 9}));
}

TEST(PacketHeader, MaximalTokenAndWideLength) {
  for (std::size_t token_len : {std::size_t{63}, std::size_t{64}, std::size_t{16383},
                                std::size_t{16384}, std::size_t{40000}}) {
    std::vector<std::uint8_t> token(token_len, 0x42);
    LongHeaderFields f;
    f.dcid = header_test::cid_of_length(20);
    f.scid = header_test::cid_of_length(20, 3);
    f.token = token;
    f.length_field_size = 4;
    const std::size_t payload = 20000;  // Length > 16383 needs the 4-byte width
    const auto packet = with_payload(write_long(f, 3, 1, payload), payload);
    const PacketHeader h = parse_ok(packet);
    EXPECT_EQ(h.token.size(), token_len);
    EXPECT_EQ(h.token.data(), packet.data() + 1 + 4 + 1 + 20 + 1 + 20 + varint_size(token_len));
    EXPECT_EQ(h.length, payload + 1);
    EXPECT_EQ(h.packet_size, packet.size());
  }
}

TEST(PacketHeader, LengthFieldEdges) {
  LongHeaderFields f;
  f.type = PacketType::handshake;
  f.dcid = header_test::cid_of_length(4);
  const auto header = write_long(f, 0, 1, 19);  // Length = 20: just room for the sample
  const std::size_t pn_offset = header.size() - 1;
  const PacketHeader h = parse_ok(with_payload(header, 19));
  EXPECT_EQ(h.length, 20u);
  EXPECT_EQ(h.packet_size, pn_offset + 20);
  // Extra bytes after the packet are the next coalesced packet, not ours.
  EXPECT_EQ(parse_ok(with_payload(header, 19 + 33)).packet_size, pn_offset + 20);
  // One byte missing: Length exceeds the datagram.
  expect_drop(with_payload(header, 18), HeaderDropReason::length_exceeds_datagram);
  // Length = 19: no room for the 16-byte sample at pn_offset + 4.
  const auto short_len = write_long(f, 0, 1, 18);
  expect_drop(with_payload(short_len, 18 + 100), HeaderDropReason::too_short_for_sample);
  // Non-minimal 8-byte Length encoding is valid.
  std::vector<std::uint8_t> wide(header.begin(), header.end() - 3);  // strip 2-byte Length + PN
  for (std::uint8_t b : from_hex("c000000000000014")) wide.push_back(b);
  const PacketHeader hw = parse_ok(with_payload(wide, 20));
  EXPECT_EQ(hw.length, 20u);
  EXPECT_EQ(hw.pn_offset, wide.size());
  // Maximal varint Length: rejected without arithmetic overflow.
  std::vector<std::uint8_t> huge(header.begin(), header.end() - 3);
  for (std::uint8_t b : from_hex("ffffffffffffffff")) huge.push_back(b);
  expect_drop(with_payload(huge, 100), HeaderDropReason::length_exceeds_datagram);
}

TEST(PacketHeader, TruncationAnywhereIsADrop) {
  LongHeaderFields f;
  f.dcid = header_test::cid_of_length(20);
  f.scid = header_test::cid_of_length(20, 9);
  std::vector<std::uint8_t> token(300, 1);
  f.token = token;
  const auto header = write_long(f, 5, 4, 40);
  // Every prefix that ends before the Length field is complete is truncated.
  const std::size_t length_end = header.size() - 4;
  for (std::size_t n = 0; n < length_end; ++n)
    expect_drop(ByteSpan(header.data(), n), HeaderDropReason::truncated);
  for (std::size_t n = length_end; n <= header.size(); ++n)
    expect_drop(ByteSpan(header.data(), n), HeaderDropReason::length_exceeds_datagram);
  // Short header: datagram shorter than the DCID.
  expect_drop(from_hex("40010203"), HeaderDropReason::truncated, 8);
}

TEST(PacketHeader, FixedBitZeroIsADrop) {
  LongHeaderFields f;
  for (std::uint32_t v : {kQuicVersion1, kQuicVersion2}) {
    f.version = v;
    auto packet = with_payload(write_long(f, 0, 1, 40), 40);
    packet[0] &= static_cast<std::uint8_t>(~kFixedBit);
    expect_drop(packet, HeaderDropReason::fixed_bit_zero);
  }
  auto short_packet = with_payload(from_hex("00"), 30);
  expect_drop(short_packet, HeaderDropReason::fixed_bit_zero);
}

TEST(PacketHeader, ConnectionIdLongerThan20IsADrop) {
  std::vector<std::uint8_t> dcid21 = from_hex("c3 00000001 15");
  dcid21.insert(dcid21.end(), 21, 0x11);
  dcid21.push_back(0);
  expect_drop(with_payload(dcid21, 60), HeaderDropReason::cid_too_long);
  std::vector<std::uint8_t> scid21 = from_hex("c3 6b3343cf 00 15");
  scid21.insert(scid21.end(), 21, 0x22);
  expect_drop(with_payload(scid21, 60), HeaderDropReason::cid_too_long);
  // The caller's own short-header CID length above 20 is a local bug.
  std::vector<std::uint8_t> any(64, 0x40);
  auto h = parse_packet_header(any, 21);
  ASSERT_FALSE(h.ok());
  EXPECT_FALSE(is_header_drop(h.error()));
  EXPECT_EQ(h.error().kind, ErrorKind::local);
}

TEST(PacketHeader, UnsupportedVersionIsADropWithInvariantCids) {
  std::vector<std::uint8_t> packet = from_hex("80 1a2a3a4a ff");  // fixed bit 0: irrelevant
  packet.insert(packet.end(), 255, 0xdd);
  packet.push_back(255);
  packet.insert(packet.end(), 255, 0x5c);
  packet.resize(1200, 0);
  expect_drop(packet, HeaderDropReason::unsupported_version);
  auto inv = parse_invariant_header(packet, 0);
  ASSERT_TRUE(inv.ok());
  EXPECT_TRUE(inv->long_header);
  EXPECT_EQ(inv->version, 0x1a2a3a4au);
  EXPECT_EQ(inv->dcid.size(), 255u);
  EXPECT_EQ(inv->dcid[0], 0xdd);
  EXPECT_EQ(inv->scid.size(), 255u);
  EXPECT_EQ(inv->scid[254], 0x5c);
  EXPECT_EQ(inv->length, 1 + 4 + 1 + 255 + 1 + 255u);
  auto truncated = parse_invariant_header(ByteSpan(packet.data(), 300), 0);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(header_drop_reason(truncated.error()), HeaderDropReason::truncated);
  auto empty = parse_invariant_header(ByteSpan(), 0);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(header_drop_reason(empty.error()), HeaderDropReason::truncated);
  expect_drop(ByteSpan(), HeaderDropReason::truncated);
}

TEST(PacketHeader, ShortPacketTooSmallForSample) {
  // 1 + 4-byte DCID + 19 bytes: the sample at offset 1+4+4 needs 16 more.
  auto packet = with_payload(from_hex("41 01020304"), 19);
  expect_drop(packet, HeaderDropReason::too_short_for_sample, 4);
  packet.push_back(0);
  EXPECT_EQ(parse_ok(packet, 4).packet_size, packet.size());
}

TEST(PacketHeader, ReservedBitsAreExposedAndCheckedAfterDecryption) {
  LongHeaderFields f;
  auto packet = with_payload(write_long(f, 0, 1, 40), 40);
  packet[0] |= 0x0c;  // long header reserved bits
  PacketHeader h = parse_ok(packet);  // phase 1 ignores protected bits
  UnprotectedHeader u = unprotect_ok(packet, h);
  EXPECT_EQ(u.reserved_bits, 3u);
  const Status s = check_reserved_bits(u);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(s.error().is_transport(TransportErrorCode::PROTOCOL_VIOLATION));

  auto short_packet = with_payload(from_hex("50"), 30);  // short reserved bit 0x10
  h = parse_ok(short_packet, 0);
  u = unprotect_ok(short_packet, h);
  EXPECT_EQ(u.reserved_bits, 2u);
  EXPECT_FALSE(u.key_phase);
  EXPECT_FALSE(check_reserved_bits(u).ok());
  EXPECT_EQ(reserved_bits_from_first_byte(0x08, false), 1u);
  EXPECT_EQ(reserved_bits_from_first_byte(0x04, true), 1u);
  EXPECT_TRUE(key_phase_from_first_byte(0x44));
  EXPECT_EQ(packet_number_length_from_first_byte(0x43), 4u);
}

TEST(PacketHeader, ReadUnprotectedHeaderRejectsMisuse) {
  LongHeaderFields f;
  const auto packet = with_payload(write_long(f, 0, 4, 40), 40);
  const PacketHeader h = parse_ok(packet);
  // Caller passes fewer bytes than the packet.
  auto u = read_unprotected_header(ByteSpan(packet.data(), h.packet_size - 1), h);
  ASSERT_FALSE(u.ok());
  EXPECT_EQ(header_drop_reason(u.error()), HeaderDropReason::truncated);
  PacketHeader vn = h;
  vn.type = PacketType::version_negotiation;
  u = read_unprotected_header(packet, vn);
  ASSERT_FALSE(u.ok());
  EXPECT_FALSE(is_header_drop(u.error()));
}

TEST(PacketHeaderWriter, RejectsInvalidFieldsAndReportsNoRoom) {
  LongHeaderFields f;
  f.type = PacketType::handshake;
  std::vector<std::uint8_t> token{1, 2, 3};
  f.token = token;  // token on a Handshake packet
  EXPECT_EQ(long_header_size(f, 1), 0u);
  std::array<std::uint8_t, 64> buf{};
  ByteWriter w(buf);
  auto r = write_long_header(w, f, 0, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::local);
  f.token = {};
  f.type = PacketType::retry;  // Retry has its own writer
  EXPECT_EQ(long_header_size(f, 1), 0u);
  f.type = PacketType::handshake;
  f.version = 0x0a0a0a0a;
  EXPECT_EQ(long_header_size(f, 1), 0u);
  f.version = kQuicVersion1;
  f.length_field_size = 1;
  EXPECT_EQ(long_header_size(f, 1), 0u);
  f.length_field_size = 2;
  EXPECT_EQ(long_header_size(f, 0), 0u);
  EXPECT_EQ(long_header_size(f, 5), 0u);
  EXPECT_EQ(long_header_size(f, 4), 1 + 4 + 1 + 1 + 2 + 4u);
  EXPECT_EQ(short_header_size(21, 1), 0u);
  EXPECT_EQ(short_header_size(20, 0), 0u);

  ByteWriter tiny(std::span<std::uint8_t>(buf.data(), 12));
  r = write_long_header(tiny, f, 0, 4);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::blocked);
  EXPECT_EQ(tiny.written(), 0u);
  ShortHeaderFields s;
  s.dcid = header_test::cid_of_length(20);
  ByteWriter tiny2(std::span<std::uint8_t>(buf.data(), 21));
  auto sr = write_short_header(tiny2, s, 0, 1);
  ASSERT_FALSE(sr.ok());
  EXPECT_EQ(sr.error().kind, ErrorKind::blocked);
  EXPECT_EQ(tiny2.written(), 0u);
}

TEST(PacketHeaderWriter, SetLengthChecksBounds) {
  std::array<std::uint8_t, 20000> buf{};
  ByteWriter w(buf);
  LongHeaderFields f;
  auto l = write_long_header(w, f, 0, 2);
  ASSERT_TRUE(l.ok());
  EXPECT_FALSE(set_long_header_length(buf, *l, l->header_end() - 1));  // before the PN end
  EXPECT_FALSE(set_long_header_length(buf, *l, buf.size() + 1));      // past the buffer
  EXPECT_TRUE(set_long_header_length(buf, *l, l->pn_offset + 16383));  // 2-byte max
  EXPECT_FALSE(set_long_header_length(buf, *l, l->pn_offset + 16384));
  HeaderLayout short_layout = *l;
  short_layout.length_field_size = 0;
  EXPECT_FALSE(set_long_header_length(buf, short_layout, l->header_end() + 20));
  f.length_field_size = 4;
  ByteWriter w4(buf);
  auto l4 = write_long_header(w4, f, 0, 2);
  ASSERT_TRUE(l4.ok());
  EXPECT_TRUE(set_long_header_length(buf, *l4, l4->pn_offset + 16384));
  const PacketHeader h = parse_ok(ByteSpan(buf.data(), l4->pn_offset + 16384));
  EXPECT_EQ(h.length, 16384u);
}

}  // namespace
}  // namespace tquic::wire
