// Frames that contradict a stream's state (RFC 9000 §3, §4.5, §19.4-§19.13)
// and CRYPTO data beyond what we buffer (§7.5): STREAM_STATE_ERROR,
// FINAL_SIZE_ERROR and CRYPTO_BUFFER_EXCEEDED, with the frame's type.
//
// Stream IDs as the server sees them (§2.1): 0, 4, 8 client bidi (peer);
// 1, 5 server bidi (local); 2, 6 client uni (receive-only here); 3, 7
// server uni (send-only here).
#include <gtest/gtest.h>

#include "conn_violation_util.h"

namespace tquic::transport::testing {
namespace {

using C = TransportErrorCode;
using L = wire::EncryptionLevel;

// The server opens its first bidi (1) and uni (3) stream before the case.
void open_local_streams(Pipe& p) {
  auto bidi = p.server->open_stream(true);
  auto uni = p.server->open_stream(false);
  ASSERT_TRUE(bidi && uni);
  ASSERT_EQ(*bidi, 1u);
  ASSERT_EQ(*uni, 3u);
}

std::vector<SequenceCase> state_cases() {
  return {
      // §19.8: STREAM for a locally initiated stream not yet created, or for
      // a send-only stream.
      {"StreamOnUnopenedLocalBidi", true, {stream_frame(5, 0, 4)}, C::STREAM_STATE_ERROR, 0x0e},
      {"StreamOnUnopenedLocalUni", true, {stream_frame(7, 0, 4)}, C::STREAM_STATE_ERROR, 0x0e},
      {"StreamOnOpenSendOnlyStream", true, {stream_frame(3, 0, 4)}, C::STREAM_STATE_ERROR, 0x0e},
      {"StreamOnClientSendOnlyStream", false, {stream_frame(2, 0, 4)}, C::STREAM_STATE_ERROR, 0x0e},
      // §19.4: RESET_STREAM for a send-only stream.
      {"ResetStreamOnSendOnlyStream", true, {reset_stream(3, 0)}, C::STREAM_STATE_ERROR, 0x04},
      {"ResetStreamOnUnopenedLocalBidi", true, {reset_stream(5, 0)}, C::STREAM_STATE_ERROR, 0x04},
      // §19.5: STOP_SENDING for a receive-only stream or a local stream not
      // yet created.
      {"StopSendingOnReceiveOnlyStream", true, {stop_sending(2)}, C::STREAM_STATE_ERROR, 0x05},
      {"StopSendingOnUnopenedLocalBidi", true, {stop_sending(5)}, C::STREAM_STATE_ERROR, 0x05},
      // §19.10: MAX_STREAM_DATA for a receive-only stream or a local stream
      // not yet created.
      {"MaxStreamDataOnReceiveOnlyStream", true, {max_stream_data(2, 5000)}, C::STREAM_STATE_ERROR, 0x11},
      {"MaxStreamDataOnUnopenedLocalBidi", true, {max_stream_data(5, 5000)}, C::STREAM_STATE_ERROR, 0x11},
      {"MaxStreamDataOnUnopenedLocalUniAtClient", false, {max_stream_data(6, 5000)}, C::STREAM_STATE_ERROR, 0x11},
      // §19.13: STREAM_DATA_BLOCKED for a send-only stream.
      {"StreamDataBlockedOnSendOnlyStream", true, {stream_data_blocked(3, 0)}, C::STREAM_STATE_ERROR, 0x15},
      // §4.5: once known, the final size cannot change, and no data may lie
      // beyond it.
      {"FinalSizeGrows", true, {stream_frame(0, 0, 10, true), stream_frame(0, 10, 10, true)},
       C::FINAL_SIZE_ERROR, 0x0f},
      {"FinalSizeShrinks", true, {stream_frame(0, 0, 10, true), stream_frame(0, 0, 5, true)}, C::FINAL_SIZE_ERROR,
       0x0f},
      {"DataBeyondFinalSize", true, {stream_frame(0, 0, 10, true), stream_frame(0, 8, 5)}, C::FINAL_SIZE_ERROR,
       0x0e},
      {"FinBelowDataReceived", true, {stream_frame(0, 0, 20), stream_frame(0, 0, 10, true)}, C::FINAL_SIZE_ERROR,
       0x0f},
      {"ResetDisagreesWithFin", true, {stream_frame(0, 0, 10, true), reset_stream(0, 12)}, C::FINAL_SIZE_ERROR,
       0x04},
      {"ResetBelowDataReceived", true, {stream_frame(0, 0, 20), reset_stream(0, 10)}, C::FINAL_SIZE_ERROR, 0x04},
      {"SecondResetChangesFinalSize", true, {reset_stream(0, 10), reset_stream(0, 12)}, C::FINAL_SIZE_ERROR, 0x04},
      {"DataBeyondResetFinalSize", true, {reset_stream(0, 10), stream_frame(0, 5, 10)}, C::FINAL_SIZE_ERROR, 0x0e},
      {"FinAfterResetDisagrees", true, {reset_stream(0, 10), stream_frame(0, 0, 12, true)}, C::FINAL_SIZE_ERROR,
       0x0f},
      {"FinalSizeChangeOnUniStream", true, {stream_frame(2, 0, 3, true), stream_frame(2, 0, 4, true)},
       C::FINAL_SIZE_ERROR, 0x0f},
      {"FinalSizeChangeAtClient", false, {stream_frame(1, 0, 3, true), reset_stream(1, 2)}, C::FINAL_SIZE_ERROR,
       0x04},
      // §7.5: CRYPTO data beyond what is buffered (64 KiB per level).
      {"CryptoBeyondBufferOneRtt", false, {Bytes().u8(0x06).v(1'000'000).v(4).fill(4, 1).data},
       C::CRYPTO_BUFFER_EXCEEDED, 0x06},
  };
}

class StreamStateViolation : public ::testing::TestWithParam<SequenceCase> {};

TEST_P(StreamStateViolation, ClosesWithTheRfcCode) {
  Pipe p;
  ASSERT_TRUE(establish(p));
  open_local_streams(p);
  run_sequence(p, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Table, StreamStateViolation, ::testing::ValuesIn(state_cases()), case_name);

// Repeating what was already said is not an error (§19: frames are
// idempotent).
TEST(StreamStateNot, RepeatedFinalSizeAndResetAreAccepted) {
  Pipe p;
  ASSERT_TRUE(establish(p));
  open_local_streams(p);
  inject(p, *p.server, L::one_rtt, stream_frame(0, 0, 10, true));
  inject(p, *p.server, L::one_rtt, stream_frame(0, 0, 10, true));
  inject(p, *p.server, L::one_rtt, stream_frame(0, 4, 6, true));
  inject(p, *p.server, L::one_rtt, reset_stream(0, 10));  // suppressed: all data received (§3.2)
  inject(p, *p.server, L::one_rtt, reset_stream(4, 10));
  inject(p, *p.server, L::one_rtt, reset_stream(4, 10));
  inject(p, *p.server, L::one_rtt, stream_frame(4, 0, 10));  // within the final size: dropped
  inject(p, *p.server, L::one_rtt, stop_sending(1));
  inject(p, *p.server, L::one_rtt, max_stream_data(1, 1 << 22));
  inject(p, *p.server, L::one_rtt, max_stream_data(3, 1 << 22));
  inject(p, *p.server, L::one_rtt, stream_data_blocked(0, 10));
  expect_still_open(p, *p.server);
}

// Handshake-level CRYPTO beyond the buffer, on either side.
TEST(StreamStateViolationHandshake, CryptoBeyondBufferInInitial) {
  Pipe p;
  ASSERT_TRUE(server_mid_handshake(p));
  inject(p, *p.server, L::initial, Bytes().u8(0x06).v(1'000'000).v(4).fill(4, 1).data);
  expect_connection_error(p, *p.server, *p.client, C::CRYPTO_BUFFER_EXCEEDED, 0x06);
}

TEST(StreamStateViolationHandshake, CryptoBeyondBufferInHandshake) {
  Pipe p;
  ASSERT_TRUE(client_unconfirmed(p));
  inject(p, *p.client, L::handshake, Bytes().u8(0x06).v(70'000).v(4).fill(4, 1).data);
  expect_connection_error(p, *p.client, *p.server, C::CRYPTO_BUFFER_EXCEEDED, 0x06);
}

}  // namespace
}  // namespace tquic::transport::testing
