// Stream-limit violations (RFC 9000 §4.6, §19.11, §19.14): a frame for a
// peer stream beyond the MAX_STREAMS we advertised is a STREAM_LIMIT_ERROR,
// whatever the frame; MAX_STREAMS and STREAMS_BLOCKED above 2^60 are
// FRAME_ENCODING_ERRORs.
//
// Both sides allow 2 bidirectional and 1 unidirectional peer streams.
#include <gtest/gtest.h>

#include "conn_violation_util.h"

namespace tquic::transport::testing {
namespace {

using C = TransportErrorCode;
using L = wire::EncryptionLevel;

constexpr std::uint64_t k2to60 = std::uint64_t{1} << 60;

ConnectionConfig small_limits() {
  ConnectionConfig c;
  c.initial_max_streams_bidi = 2;
  c.initial_max_streams_uni = 1;
  return c;
}

std::vector<std::uint8_t> max_streams(bool bidi, std::uint64_t n) { return Bytes().u8(bidi ? 0x12 : 0x13).v(n).data; }
std::vector<std::uint8_t> streams_blocked(bool bidi, std::uint64_t n) {
  return Bytes().u8(bidi ? 0x16 : 0x17).v(n).data;
}

std::vector<SequenceCase> cases() {
  return {
      // Client bidi streams 0 and 4 are allowed; 8 is the third.
      {"StreamOpensBidiBeyondLimit", true, {stream_frame(8, 0, 1)}, C::STREAM_LIMIT_ERROR, 0x0e},
      {"StreamOpensBidiBeyondLimitAfterOthers", true, {stream_frame(0, 0, 1), stream_frame(4, 0, 1),
                                                       stream_frame(8, 0, 1)},
       C::STREAM_LIMIT_ERROR, 0x0e},
      // Client uni stream 2 is allowed; 6 is the second.
      {"StreamOpensUniBeyondLimit", true, {stream_frame(2, 0, 1), stream_frame(6, 0, 1)}, C::STREAM_LIMIT_ERROR,
       0x0e},
      {"ResetStreamOpensBeyondLimit", true, {reset_stream(8, 0)}, C::STREAM_LIMIT_ERROR, 0x04},
      {"StopSendingOpensBeyondLimit", true, {stop_sending(8)}, C::STREAM_LIMIT_ERROR, 0x05},
      {"MaxStreamDataOpensBeyondLimit", true, {max_stream_data(8, 100)}, C::STREAM_LIMIT_ERROR, 0x11},
      {"StreamDataBlockedOpensBeyondLimit", true, {stream_data_blocked(6, 0)}, C::STREAM_LIMIT_ERROR, 0x15},
      {"HighestStreamId", true, {stream_frame(wire::kVarintMax - 3, 0, 1)}, C::STREAM_LIMIT_ERROR, 0x0e},
      // Server bidi streams 1 and 5 are allowed at the client; 9 is not.
      {"ServerOpensBidiBeyondClientLimit", false, {stream_frame(9, 0, 1)}, C::STREAM_LIMIT_ERROR, 0x0e},
      {"ServerOpensUniBeyondClientLimit", false, {stream_frame(7, 0, 1)}, C::STREAM_LIMIT_ERROR, 0x0e},
      // §19.11 / §19.14: counts above 2^60 cannot be encoded as stream IDs.
      {"MaxStreamsBidiAbove2to60", true, {max_streams(true, k2to60 + 1)}, C::FRAME_ENCODING_ERROR, 0x12},
      {"MaxStreamsUniAbove2to60", false, {max_streams(false, k2to60 + 1)}, C::FRAME_ENCODING_ERROR, 0x13},
      {"StreamsBlockedBidiAbove2to60", true, {streams_blocked(true, k2to60 + 1)}, C::FRAME_ENCODING_ERROR, 0x16},
      {"StreamsBlockedUniAbove2to60", false, {streams_blocked(false, wire::kVarintMax)}, C::FRAME_ENCODING_ERROR,
       0x17},
  };
}

class StreamLimitViolation : public ::testing::TestWithParam<SequenceCase> {};

TEST_P(StreamLimitViolation, ClosesWithTheRfcCode) {
  Pipe p(small_limits());
  ASSERT_TRUE(establish(p));
  run_sequence(p, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Table, StreamLimitViolation, ::testing::ValuesIn(cases()), case_name);

TEST(StreamLimitNot, UpToTheLimitAndMaximalCountsAreAccepted) {
  Pipe p(small_limits());
  ASSERT_TRUE(establish(p));
  inject(p, *p.server, L::one_rtt, stream_frame(4, 0, 1));  // opens 0 and 4
  inject(p, *p.server, L::one_rtt, stream_frame(2, 0, 1));
  inject(p, *p.server, L::one_rtt, max_streams(true, k2to60));
  inject(p, *p.server, L::one_rtt, max_streams(false, k2to60));
  inject(p, *p.server, L::one_rtt, max_streams(true, 1));  // smaller than before: ignored (§19.11)
  inject(p, *p.server, L::one_rtt, streams_blocked(true, k2to60));
  inject(p, *p.server, L::one_rtt, streams_blocked(false, 0));
  expect_still_open(p, *p.server);
  int opened = 0;
  for (const ConnectionEvent& e : p.server_events) opened += e.type == ConnectionEventType::stream_opened;
  EXPECT_EQ(opened, 3);
}

}  // namespace
}  // namespace tquic::transport::testing
