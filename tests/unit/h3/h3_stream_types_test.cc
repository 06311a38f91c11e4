// Unidirectional stream headers and the peer critical-stream rules
// (RFC 9114 §6.2, RFC 9204 §4.2).
#include <gtest/gtest.h>

#include <cstdint>

#include "h3/stream_types.h"
#include "h3_test_util.h"
#include "wire/varint.h"

namespace tquic::h3 {
namespace {

using test::Bytes;
using test::build;
using test::is_h3;
using wire::Role;

TEST(H3StreamTypes, Classification) {
  EXPECT_EQ(classify_stream_type(0x00), UniStreamKind::control);
  EXPECT_EQ(classify_stream_type(0x01), UniStreamKind::push);
  EXPECT_EQ(classify_stream_type(0x02), UniStreamKind::qpack_encoder);
  EXPECT_EQ(classify_stream_type(0x03), UniStreamKind::qpack_decoder);
  EXPECT_EQ(classify_stream_type(0x04), UniStreamKind::unknown);
  EXPECT_EQ(classify_stream_type(0x21), UniStreamKind::unknown);
  EXPECT_TRUE(is_reserved_stream_type(0x21));
  EXPECT_TRUE(is_reserved_stream_type(0x40));
  EXPECT_FALSE(is_reserved_stream_type(0x41));
}

// Reads a header fed one split at a time; returns the outcome of the call
// that completed it.
UniStreamHeaderReader::Outcome read_split(const Bytes& b, std::size_t split) {
  UniStreamHeaderReader r;
  auto first = r.feed(ByteSpan(b).first(split));
  EXPECT_EQ(first.consumed, split);
  if (first.complete) return first;
  auto second = r.feed(ByteSpan(b).subspan(split));
  EXPECT_TRUE(second.complete);
  EXPECT_EQ(first.consumed + second.consumed, b.size());
  return second;
}

TEST(H3StreamTypes, HeaderAtEverySplitPoint) {
  const Bytes control = build([](ByteWriter& w) { return write_stream_type(w, 0x00); });
  const Bytes push = build([](ByteWriter& w) { return write_push_stream_header(w, 1u << 20); });
  const Bytes grease = build([](ByteWriter& w) { return write_stream_type(w, 0x21 + 0x1f * 1000); });
  EXPECT_EQ(push, (Bytes{0x01, 0x80, 0x10, 0x00, 0x00}));
  for (std::size_t split = 0; split <= push.size(); ++split) {
    auto o = read_split(push, split);
    EXPECT_EQ(o.kind, UniStreamKind::push);
    EXPECT_EQ(o.push_id, 1u << 20);
  }
  for (std::size_t split = 0; split <= grease.size(); ++split) {
    auto o = read_split(grease, split);
    EXPECT_EQ(o.kind, UniStreamKind::unknown);
    EXPECT_EQ(o.type, 0x21u + 0x1f * 1000);
  }
  auto o = read_split(control, 0);
  EXPECT_EQ(o.kind, UniStreamKind::control);
}

TEST(H3StreamTypes, HeaderLeavesStreamDataUnconsumed) {
  const Bytes b{0x00, 0x04, 0x00};  // control type, then a SETTINGS frame
  UniStreamHeaderReader r;
  auto o = r.feed(b);
  EXPECT_TRUE(o.complete);
  EXPECT_EQ(o.consumed, 1u);
  auto again = r.feed(ByteSpan(b).subspan(1));
  EXPECT_TRUE(again.complete);
  EXPECT_EQ(again.consumed, 0u);
}

TEST(H3StreamTypes, StreamEndingBeforeHeaderIsTolerated) {
  UniStreamHeaderReader r;
  EXPECT_FALSE(r.started());
  const Bytes partial{0x40};
  auto o = r.feed(partial);
  EXPECT_FALSE(o.complete);
  EXPECT_TRUE(r.started());
}

TEST(H3StreamTypes, OneCriticalStreamOfEachType) {
  for (auto kind : {UniStreamKind::control, UniStreamKind::qpack_encoder,
                    UniStreamKind::qpack_decoder}) {
    PeerUniStreams peer(Role::server);
    auto first = peer.on_stream_type(kind);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(*first, UniStreamDisposition::process);
    auto second = peer.on_stream_type(kind);
    ASSERT_FALSE(second.ok());
    EXPECT_TRUE(is_h3(second.error(), H3Error::H3_STREAM_CREATION_ERROR));
    EXPECT_TRUE(is_h3(peer.on_stream_closed(kind).error(), H3Error::H3_CLOSED_CRITICAL_STREAM));
  }
}

TEST(H3StreamTypes, PushStreamsOnlyTowardsClients) {
  PeerUniStreams at_server(Role::server);
  EXPECT_TRUE(is_h3(at_server.on_stream_type(UniStreamKind::push).error(),
                    H3Error::H3_STREAM_CREATION_ERROR));
  PeerUniStreams at_client(Role::client);
  ASSERT_TRUE(at_client.on_stream_type(UniStreamKind::push).ok());
  EXPECT_TRUE(at_client.on_stream_type(UniStreamKind::push).ok());  // many push streams
  EXPECT_TRUE(at_client.on_stream_closed(UniStreamKind::push).ok());
}

TEST(H3StreamTypes, UnknownAndGreaseStreamsDiscarded) {
  PeerUniStreams peer(Role::client);
  for (int i = 0; i < 3; ++i) {
    auto d = peer.on_stream_type(UniStreamKind::unknown);
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, UniStreamDisposition::discard);
  }
  EXPECT_TRUE(peer.on_stream_closed(UniStreamKind::unknown).ok());
  EXPECT_FALSE(peer.has_control());
}

TEST(H3StreamTypes, PushIdLimit) {
  EXPECT_TRUE(is_h3(check_push_id_allowed(0, std::nullopt).error(), H3Error::H3_ID_ERROR));
  EXPECT_TRUE(check_push_id_allowed(0, 0).ok());
  EXPECT_TRUE(check_push_id_allowed(5, 5).ok());
  EXPECT_TRUE(is_h3(check_push_id_allowed(6, 5).error(), H3Error::H3_ID_ERROR));
}

}  // namespace
}  // namespace tquic::h3
