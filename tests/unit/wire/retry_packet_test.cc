#include "wire/retry_packet.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "unit/wire/header_test_util.h"
#include "wire/header_drop.h"
#include "wire/packet_header.h"

namespace tquic::wire {
namespace {

using header_test::cid;
using header_test::from_hex;
using header_test::to_vector;

struct RetryVector {
  std::uint32_t version;
  const char* packet;
  const char* tag;
};

// RFC 9001 Appendix A.4 and RFC 9369 Appendix A.4.
const RetryVector kVectors[] = {
    {kQuicVersion1, "ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba",
     "04a265ba2eff4d829058fb3f0f2496ba"},
    {kQuicVersion2, "cf6b3343cf0008f067a5502a4262b5746f6b656ec8646ce8bfe33952d955543665dcc7b6",
     "c8646ce8bfe33952d955543665dcc7b6"},
};

TEST(RetryPacket, RfcVectorsParseAndAreReproduced) {
  for (const RetryVector& v : kVectors) {
    const auto packet = from_hex(v.packet);
    auto r = parse_retry(packet);
    ASSERT_TRUE(r.ok()) << r.error().reason;
    EXPECT_EQ(r->version, v.version);
    EXPECT_TRUE(r->dcid.empty());
    EXPECT_EQ(r->scid, cid("f067a5502a4262b5"));
    EXPECT_EQ(to_vector(r->token), from_hex("746f6b656e"));  // "token"
    EXPECT_EQ(to_vector(r->integrity_tag), from_hex(v.tag));
    EXPECT_EQ(r->without_tag.size(), packet.size() - kRetryIntegrityTagLength);
    EXPECT_EQ(r->without_tag.data(), packet.data());

    auto h = parse_packet_header(packet, 0);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(h->type, PacketType::retry);
    EXPECT_EQ(h->packet_size, packet.size());
    EXPECT_EQ(h->token.data(), r->token.data());

    RetryFields f;
    f.version = v.version;
    f.scid = cid("f067a5502a4262b5");
    const auto token = from_hex("746f6b656e");
    f.token = token;
    f.unused_bits = 0x0f;
    std::vector<std::uint8_t> out(retry_size_without_tag(f));
    ByteWriter w(out);
    ASSERT_TRUE(write_retry(w, f).ok());
    EXPECT_EQ(out, to_vector(r->without_tag));

    // Pseudo-packet: ODCID length, ODCID, Retry without tag (RFC 9001 §5.8).
    const ConnectionId odcid = cid("8394c8f03e515708");
    std::vector<std::uint8_t> pseudo(retry_pseudo_packet_size(odcid, r->without_tag));
    ByteWriter pw(pseudo);
    ASSERT_TRUE(write_retry_pseudo_packet(pw, odcid, r->without_tag).ok());
    std::vector<std::uint8_t> expected = from_hex("08 8394c8f03e515708");
    expected.insert(expected.end(), r->without_tag.begin(), r->without_tag.end());
    EXPECT_EQ(pseudo, expected);
    ByteWriter small(std::span<std::uint8_t>(pseudo.data(), pseudo.size() - 1));
    Status s = write_retry_pseudo_packet(small, odcid, r->without_tag);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().kind, ErrorKind::blocked);
    EXPECT_EQ(small.written(), 0u);
  }
}

TEST(RetryPacket, MaximalCidsRoundTrip) {
  RetryFields f;
  f.version = kQuicVersion2;
  f.dcid = header_test::cid_of_length(20, 1);
  f.scid = header_test::cid_of_length(20, 100);
  std::vector<std::uint8_t> token(1000, 0x33);
  f.token = token;
  std::vector<std::uint8_t> out(retry_size_without_tag(f) + kRetryIntegrityTagLength, 0xee);
  ByteWriter w(out);
  ASSERT_TRUE(write_retry(w, f).ok());
  auto r = parse_retry(out);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dcid, f.dcid);
  EXPECT_EQ(r->scid, f.scid);
  EXPECT_EQ(r->token.size(), 1000u);
  EXPECT_EQ(r->integrity_tag.size(), kRetryIntegrityTagLength);
  EXPECT_EQ(r->first_byte & 0x0f, 0);
}

TEST(RetryPacket, MalformedIsADrop) {
  const auto packet = from_hex(kVectors[0].packet);
  const std::size_t token_start = packet.size() - 16 - 5;
  // Empty token (exactly a tag after the SCID) and no room for the tag.
  std::vector<std::uint8_t> no_token(packet.begin(), packet.begin() + token_start);
  no_token.insert(no_token.end(), 16, 0);
  for (std::size_t n : {no_token.size(), token_start, token_start + 15}) {
    const ByteSpan bytes = n == no_token.size() ? ByteSpan(no_token) : ByteSpan(packet.data(), n);
    auto r = parse_retry(bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(header_drop_reason(r.error()), HeaderDropReason::malformed_retry);
  }
  // Not a Retry: a v1 Initial.
  std::vector<std::uint8_t> initial = from_hex("c0 00000001 00 00 00 14");
  initial.resize(initial.size() + 20);
  auto r = parse_retry(initial);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(header_drop_reason(r.error()), HeaderDropReason::malformed_retry);
  // Truncated and fixed bit 0.
  r = parse_retry(ByteSpan(packet.data(), 7));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(header_drop_reason(r.error()), HeaderDropReason::truncated);
  auto no_fixed = packet;
  no_fixed[0] = 0xbf;
  r = parse_retry(no_fixed);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(header_drop_reason(r.error()), HeaderDropReason::fixed_bit_zero);
}

TEST(RetryPacket, WriterRejectsBadFields) {
  RetryFields f;  // empty token
  EXPECT_EQ(retry_size_without_tag(f), 0u);
  std::array<std::uint8_t, 64> buf{};
  ByteWriter w(buf);
  Status s = write_retry(w, f);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::local);
  const auto token = from_hex("01");
  f.token = token;
  f.version = 0x0a0a0a0a;
  EXPECT_EQ(retry_size_without_tag(f), 0u);
  f.version = kQuicVersion1;
  EXPECT_EQ(retry_size_without_tag(f), 1 + 4 + 1 + 1 + 1u);
  ByteWriter tiny(std::span<std::uint8_t>(buf.data(), 7));
  s = write_retry(tiny, f);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::blocked);
  EXPECT_EQ(tiny.written(), 0u);
}

}  // namespace
}  // namespace tquic::wire
