#include "transport/stream/stream_id.h"

#include <gtest/gtest.h>

#include "transport/stream/stream_limits.h"

namespace tquic::transport {
namespace {

using wire::Role;

TEST(StreamId, TypeBitsFollowRfc9000Table1) {
  EXPECT_EQ(stream_type(0), StreamType::client_bidi);
  EXPECT_EQ(stream_type(1), StreamType::server_bidi);
  EXPECT_EQ(stream_type(2), StreamType::client_uni);
  EXPECT_EQ(stream_type(3), StreamType::server_uni);
  EXPECT_EQ(stream_type(4 * 9 + 3), StreamType::server_uni);
  EXPECT_EQ(stream_initiator(8), Role::client);
  EXPECT_EQ(stream_initiator(9), Role::server);
  EXPECT_EQ(stream_direction(10), StreamDirection::uni);
  EXPECT_EQ(stream_direction(12), StreamDirection::bidi);
  EXPECT_TRUE(is_bidi(5));
  EXPECT_TRUE(is_uni(7));
  EXPECT_FALSE(is_uni(4));
}

TEST(StreamId, IndexRoundTripsForEveryType) {
  for (Role r : {Role::client, Role::server}) {
    for (StreamDirection d : {StreamDirection::bidi, StreamDirection::uni}) {
      const StreamType t = stream_type_of(r, d);
      for (std::uint64_t index : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{77},
                                  kMaxStreamsLimit - 1}) {
        const StreamId id = make_stream_id(t, index);
        EXPECT_EQ(stream_index(id), index);
        EXPECT_EQ(stream_type(id), t);
        EXPECT_EQ(stream_initiator(id), r);
        EXPECT_EQ(stream_direction(id), d);
        EXPECT_LE(id, kMaxStreamId);
      }
    }
  }
  EXPECT_EQ(make_stream_id(StreamType::server_uni, kMaxStreamsLimit - 1), kMaxStreamId);
}

TEST(StreamId, SendReceivePermissionsByRole) {
  // Client-initiated uni (2): client sends only, server receives only.
  EXPECT_TRUE(local_can_send(2, Role::client));
  EXPECT_FALSE(local_can_receive(2, Role::client));
  EXPECT_FALSE(local_can_send(2, Role::server));
  EXPECT_TRUE(local_can_receive(2, Role::server));
  // Bidirectional streams: both ways for both.
  for (Role r : {Role::client, Role::server}) {
    EXPECT_TRUE(local_can_send(1, r));
    EXPECT_TRUE(local_can_receive(1, r));
  }
  EXPECT_TRUE(is_locally_initiated(3, Role::server));
  EXPECT_FALSE(is_locally_initiated(3, Role::client));
}

// --- StreamLimits -----------------------------------------------------------

TEST(StreamLimits, OpensLocalStreamsUpToPeerLimitThenReportsBlockedOnce) {
  StreamLimits limits(Role::client, 10, 10);
  EXPECT_FALSE(limits.open_local(StreamDirection::bidi).ok());  // no limit yet (0)
  ASSERT_TRUE(limits.on_peer_transport_parameters(2, 1).ok());
  auto a = limits.open_local(StreamDirection::bidi);
  auto b = limits.open_local(StreamDirection::bidi);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, 0u);
  EXPECT_EQ(*b, 4u);
  auto c = limits.open_local(StreamDirection::bidi);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::blocked);
  ASSERT_EQ(limits.streams_blocked_pending(StreamDirection::bidi), std::optional<std::uint64_t>(2));
  limits.on_streams_blocked_sent(StreamDirection::bidi, 2);
  EXPECT_FALSE(limits.streams_blocked_pending(StreamDirection::bidi));
  EXPECT_FALSE(limits.open_local(StreamDirection::bidi).ok());
  EXPECT_FALSE(limits.streams_blocked_pending(StreamDirection::bidi));  // same limit: once

  auto u = limits.open_local(StreamDirection::uni);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(*u, 2u);
  EXPECT_FALSE(limits.streams_blocked_pending(StreamDirection::uni));  // not blocked yet
}

TEST(StreamLimits, MaxStreamsRaisesLimitIgnoresSmallerAndRejectsAbove2To60) {
  StreamLimits limits(Role::server, 10, 10);
  ASSERT_TRUE(limits.on_peer_transport_parameters(1, 0).ok());
  ASSERT_TRUE(limits.open_local(StreamDirection::bidi).ok());
  EXPECT_FALSE(limits.open_local(StreamDirection::bidi).ok());
  ASSERT_TRUE(limits.streams_blocked_pending(StreamDirection::bidi));
  limits.on_streams_blocked_sent(StreamDirection::bidi, 1);

  auto grew = limits.on_max_streams(StreamDirection::bidi, 3);
  ASSERT_TRUE(grew.ok());
  EXPECT_TRUE(*grew);
  auto same = limits.on_max_streams(StreamDirection::bidi, 2);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(*same);
  EXPECT_EQ(limits.peer_max_streams(StreamDirection::bidi), 3u);
  auto id = limits.open_local(StreamDirection::bidi);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 5u);  // server bidi, index 1
  ASSERT_TRUE(limits.open_local(StreamDirection::bidi).ok());
  EXPECT_FALSE(limits.open_local(StreamDirection::bidi).ok());
  EXPECT_EQ(limits.streams_blocked_pending(StreamDirection::bidi), std::optional<std::uint64_t>(3));

  auto bad = limits.on_max_streams(StreamDirection::uni, kMaxStreamsLimit + 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(bad.error().is_transport(TransportErrorCode::FRAME_ENCODING_ERROR));
  EXPECT_EQ(bad.error().frame_type, 0x13u);
  EXPECT_TRUE(limits.on_max_streams(StreamDirection::uni, kMaxStreamsLimit).ok());
  auto tp = limits.on_peer_transport_parameters(kMaxStreamsLimit + 1, 0);
  ASSERT_FALSE(tp.ok());
  EXPECT_TRUE(tp.error().is_transport(TransportErrorCode::TRANSPORT_PARAMETER_ERROR));
}

TEST(StreamLimits, PeerStreamOpensLowerNumberedStreamsImplicitly) {
  StreamLimits limits(Role::server, 10, 10);
  // Client opens bidi stream index 3 (ID 12) first: 0, 4, 8, 12 all open.
  auto o = limits.on_frame_for_stream(12, StreamPart::receiving);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->first, 0u);
  EXPECT_EQ(o->count, 4u);
  EXPECT_EQ(limits.peer_opened(StreamDirection::bidi), 4u);
  // A lower one is already open.
  auto again = limits.on_frame_for_stream(4, StreamPart::receiving);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->count, 0u);
  // Next one opens just itself.
  auto next = limits.on_frame_for_stream(16, StreamPart::sending);  // MAX_STREAM_DATA on bidi
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->first, 16u);
  EXPECT_EQ(next->count, 1u);
  // Uni streams are counted separately.
  auto uni = limits.on_frame_for_stream(6, StreamPart::receiving);
  ASSERT_TRUE(uni.ok());
  EXPECT_EQ(uni->first, 2u);
  EXPECT_EQ(uni->count, 2u);
}

TEST(StreamLimits, PeerBeyondOurLimitIsStreamLimitError) {
  StreamLimits limits(Role::client, 2, 1);
  // Server-initiated bidi: IDs 1, 5 allowed; 9 is index 2 >= 2.
  EXPECT_TRUE(limits.on_frame_for_stream(5, StreamPart::receiving).ok());
  auto r = limits.on_frame_for_stream(9, StreamPart::receiving, 0x0a);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().is_transport(TransportErrorCode::STREAM_LIMIT_ERROR));
  EXPECT_EQ(r.error().frame_type, 0x0au);
  // RFC 9000 §19.11 example: uni limit 3 allows 3, 7, 11 but not 15 (here limit 1).
  EXPECT_TRUE(limits.on_frame_for_stream(3, StreamPart::receiving).ok());
  EXPECT_FALSE(limits.on_frame_for_stream(7, StreamPart::receiving).ok());
  auto huge = limits.on_frame_for_stream(kMaxStreamId + 1, StreamPart::receiving);
  ASSERT_FALSE(huge.ok());
  EXPECT_TRUE(huge.error().is_transport(TransportErrorCode::STREAM_LIMIT_ERROR));
}

TEST(StreamLimits, ImpossibleStreamFramesAreStreamStateErrors) {
  StreamLimits limits(Role::client, 10, 10);
  ASSERT_TRUE(limits.on_peer_transport_parameters(10, 10).ok());
  auto expect_state_error = [&](StreamId id, StreamPart part) {
    auto r = limits.on_frame_for_stream(id, part);
    ASSERT_FALSE(r.ok()) << "id " << id;
    EXPECT_TRUE(r.error().is_transport(TransportErrorCode::STREAM_STATE_ERROR)) << "id " << id;
  };
  // Locally initiated, never opened: STREAM (§19.8) and MAX_STREAM_DATA (§19.10).
  expect_state_error(0, StreamPart::receiving);
  expect_state_error(0, StreamPart::sending);
  ASSERT_TRUE(limits.open_local(StreamDirection::bidi).ok());  // opens 0
  EXPECT_TRUE(limits.on_frame_for_stream(0, StreamPart::receiving).ok());
  EXPECT_TRUE(limits.on_frame_for_stream(0, StreamPart::sending).ok());
  expect_state_error(4, StreamPart::receiving);
  // Our uni stream (send-only): STREAM / RESET_STREAM on it is an error even when open.
  ASSERT_TRUE(limits.open_local(StreamDirection::uni).ok());  // opens 2
  expect_state_error(2, StreamPart::receiving);
  EXPECT_TRUE(limits.on_frame_for_stream(2, StreamPart::sending).ok());  // STOP_SENDING ok
  // Peer's uni stream (receive-only): MAX_STREAM_DATA / STOP_SENDING are errors.
  expect_state_error(3, StreamPart::sending);
  EXPECT_EQ(limits.peer_opened(StreamDirection::uni), 0u);  // and did not open it
}

TEST(StreamLimits, MaxStreamsSentWhenHalfTheWindowCanBeRenewed) {
  StreamLimits limits(Role::server, 4, 1);
  ASSERT_TRUE(limits.on_frame_for_stream(12, StreamPart::receiving).ok());  // 4 open
  EXPECT_FALSE(limits.max_streams_pending(StreamDirection::bidi));
  limits.on_peer_stream_closed(StreamDirection::bidi);
  EXPECT_FALSE(limits.max_streams_pending(StreamDirection::bidi));  // 1 of 4 closed
  limits.on_peer_stream_closed(StreamDirection::bidi);
  auto pending = limits.max_streams_pending(StreamDirection::bidi);
  ASSERT_TRUE(pending);
  EXPECT_EQ(*pending, 6u);
  limits.on_max_streams_sent(StreamDirection::bidi, *pending);
  EXPECT_EQ(limits.max_streams_advertised(StreamDirection::bidi), 6u);
  EXPECT_FALSE(limits.max_streams_pending(StreamDirection::bidi));
  EXPECT_TRUE(limits.on_frame_for_stream(20, StreamPart::receiving).ok());  // index 5 < 6
  EXPECT_FALSE(limits.on_frame_for_stream(24, StreamPart::receiving).ok());

  // Window 1: each closed stream renews credit.
  ASSERT_TRUE(limits.on_frame_for_stream(2, StreamPart::receiving).ok());
  EXPECT_FALSE(limits.max_streams_pending(StreamDirection::uni));
  limits.on_peer_stream_closed(StreamDirection::uni);
  EXPECT_EQ(limits.max_streams_pending(StreamDirection::uni), std::optional<std::uint64_t>(2));
  // Closing more streams than were opened is ignored.
  limits.on_peer_stream_closed(StreamDirection::uni);
  EXPECT_EQ(limits.max_streams_pending(StreamDirection::uni), std::optional<std::uint64_t>(2));
}

TEST(StreamLimits, ZeroWindowNeverAdvertises) {
  StreamLimits limits(Role::client, 0, 0);
  EXPECT_FALSE(limits.on_frame_for_stream(1, StreamPart::receiving).ok());
  EXPECT_FALSE(limits.max_streams_pending(StreamDirection::bidi));
}

}  // namespace
}  // namespace tquic::transport
