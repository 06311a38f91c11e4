// HTTP/3 Datagram framing (RFC 9297 §2.1).
#include <gtest/gtest.h>

#include <cstdint>

#include "h3/error_scope.h"
#include "h3/http_datagram.h"
#include "h3_test_util.h"
#include "wire/varint.h"

namespace tquic::h3 {
namespace {

using test::Bytes;
using test::build;
using test::is_h3;

TEST(H3HttpDatagram, RoundTrip) {
  for (std::uint64_t stream_id : {std::uint64_t{0}, std::uint64_t{4}, std::uint64_t{252},
                                  std::uint64_t{256}, std::uint64_t{1} << 40,
                                  (std::uint64_t{1} << 62) - 4}) {
    const Bytes payload = test::bytes_of("capsule-free payload");
    const Bytes d = build([&](ByteWriter& w) { return write_http_datagram(w, stream_id, payload); });
    EXPECT_EQ(d.size(), http_datagram_overhead(stream_id) + payload.size());
    auto parsed = decode_http_datagram(d);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->stream_id(), stream_id);
    EXPECT_EQ(parsed->quarter_stream_id, stream_id / 4);
    EXPECT_EQ(Bytes(parsed->payload.begin(), parsed->payload.end()), payload);
  }
}

TEST(H3HttpDatagram, ExactBytesAndEmptyPayload) {
  const Bytes d = build([](ByteWriter& w) { return write_http_datagram(w, 8, {}); });
  EXPECT_EQ(d, Bytes{0x02});
  auto parsed = decode_http_datagram(d);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->payload.empty());
  const Bytes big = build([](ByteWriter& w) { return write_http_datagram(w, 4 * 64, test::span_of("x")); });
  EXPECT_EQ(big, (Bytes{0x40, 0x40, 'x'}));
}

TEST(H3HttpDatagram, LargestQuarterStreamId) {
  const Bytes max = build([](ByteWriter& w) { return wire::write_varint(w, kMaxQuarterStreamId); });
  EXPECT_TRUE(decode_http_datagram(max).ok());
  const Bytes over = build([](ByteWriter& w) { return wire::write_varint(w, kMaxQuarterStreamId + 1); });
  auto r = decode_http_datagram(over);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(is_h3(r.error(), H3Error::H3_DATAGRAM_ERROR));
  EXPECT_EQ(r.error().code, 0x33u);
  EXPECT_EQ(error_scope(r.error()), ErrorScope::connection);
}

TEST(H3HttpDatagram, TooShort) {
  EXPECT_TRUE(is_h3(decode_http_datagram({}).error(), H3Error::H3_DATAGRAM_ERROR));
  EXPECT_TRUE(is_h3(decode_http_datagram(Bytes{0x40}).error(), H3Error::H3_DATAGRAM_ERROR));
  EXPECT_TRUE(is_h3(decode_http_datagram(Bytes{0xc0, 0, 0, 0}).error(), H3Error::H3_DATAGRAM_ERROR));
}

TEST(H3HttpDatagram, OnlyClientBidiStreams) {
  for (std::uint64_t id : {1u, 2u, 3u, 5u, 7u}) {
    EXPECT_FALSE(stream_can_carry_datagrams(id));
    EXPECT_EQ(http_datagram_overhead(id), 0u);
    Bytes buf(16);
    ByteWriter w(buf);
    EXPECT_FALSE(write_http_datagram(w, id, {}));
    EXPECT_FALSE(write_http_datagram_header(w, id));
    EXPECT_EQ(w.written(), 0u);
  }
  EXPECT_FALSE(stream_can_carry_datagrams(std::uint64_t{1} << 62));
}

TEST(H3HttpDatagram, HeaderThenPayloadInPlace) {
  Bytes buf(8);
  ByteWriter w(buf);
  ASSERT_TRUE(write_http_datagram_header(w, 400));
  EXPECT_EQ(w.written(), 2u);
  ASSERT_TRUE(w.write_bytes(test::span_of("hi")));
  auto parsed = decode_http_datagram(w.data());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->stream_id(), 400u);
  EXPECT_EQ(test::string_of(parsed->payload), "hi");
}

TEST(H3HttpDatagram, WriteIsAtomic) {
  const Bytes payload(5, 1);
  for (std::size_t cap = 0; cap < 2 + payload.size(); ++cap) {
    Bytes buf(cap);
    ByteWriter w(buf);
    EXPECT_FALSE(write_http_datagram(w, 256, payload));
    EXPECT_EQ(w.written(), 0u);
  }
}

}  // namespace
}  // namespace tquic::h3
