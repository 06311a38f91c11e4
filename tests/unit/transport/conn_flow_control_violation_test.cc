// Flow-control violations (RFC 9000 §4.1, §4.5): data or a final size beyond
// MAX_STREAM_DATA or MAX_DATA is a FLOW_CONTROL_ERROR, whichever frame
// carries it (STREAM, a retransmission overlapping earlier data, or
// RESET_STREAM). Retransmitted bytes count once.
//
// Both sides advertise 1000 bytes per stream and 1500 for the connection;
// the application reads nothing, so no MAX_* update raises the limits.
#include <gtest/gtest.h>

#include "conn_violation_util.h"

namespace tquic::transport::testing {
namespace {

using C = TransportErrorCode;
using L = wire::EncryptionLevel;

ConnectionConfig small_windows() {
  ConnectionConfig c;
  c.initial_max_stream_data = 1000;
  c.max_stream_window = 1000;
  c.initial_max_data = 1500;
  c.max_connection_window = 1500;
  return c;
}

std::vector<SequenceCase> cases() {
  return {
      // --- MAX_STREAM_DATA (initial_max_stream_data_*) ---
      {"StreamBeyondStreamLimit", true, {stream_frame(0, 0, 1001)}, C::FLOW_CONTROL_ERROR, 0x0e},
      {"LastByteBeyondStreamLimit", true, {stream_frame(0, 0, 1000), stream_frame(0, 1000, 1)},
       C::FLOW_CONTROL_ERROR, 0x0e},
      {"EmptyFinBeyondStreamLimit", true, {stream_frame(0, 1001, 0, true)}, C::FLOW_CONTROL_ERROR, 0x0f},
      {"OverlappingRetransmissionBeyondStreamLimit", true, {stream_frame(0, 0, 600), stream_frame(0, 300, 701)},
       C::FLOW_CONTROL_ERROR, 0x0e},
      {"UniStreamBeyondStreamLimit", true, {stream_frame(2, 0, 1001)}, C::FLOW_CONTROL_ERROR, 0x0e},
      {"ServerStreamBeyondClientLimit", false, {stream_frame(1, 500, 501)}, C::FLOW_CONTROL_ERROR, 0x0e},
      {"ResetFinalSizeBeyondStreamLimit", true, {reset_stream(0, 1001)}, C::FLOW_CONTROL_ERROR, 0x04},
      {"ResetAfterDataBeyondStreamLimit", true, {stream_frame(0, 0, 1000), reset_stream(0, 1001)},
       C::FLOW_CONTROL_ERROR, 0x04},
      // --- MAX_DATA (initial_max_data): the sum over streams ---
      {"StreamsTogetherBeyondConnectionLimit", true, {stream_frame(0, 0, 800), stream_frame(4, 0, 701)},
       C::FLOW_CONTROL_ERROR, 0x0e},
      {"RetransmissionsCountOnce", true,
       {stream_frame(0, 0, 800), stream_frame(0, 0, 800), stream_frame(0, 200, 600), stream_frame(4, 0, 700),
        stream_frame(8, 0, 1)},
       C::FLOW_CONTROL_ERROR, 0x0e},
      {"ResetsTogetherBeyondConnectionLimit", true, {reset_stream(0, 800), reset_stream(4, 701)},
       C::FLOW_CONTROL_ERROR, 0x04},
      {"ResetExtendsBeyondConnectionLimit", true,
       {stream_frame(0, 0, 800), stream_frame(4, 0, 600), reset_stream(4, 701)}, C::FLOW_CONTROL_ERROR, 0x04},
      {"UniAndBidiBeyondConnectionLimitAtClient", false, {stream_frame(1, 0, 1000), stream_frame(3, 0, 501)},
       C::FLOW_CONTROL_ERROR, 0x0e},
  };
}

class FlowControlViolation : public ::testing::TestWithParam<SequenceCase> {};

TEST_P(FlowControlViolation, ClosesWithFlowControlError) {
  Pipe p(small_windows());
  ASSERT_TRUE(establish(p));
  // The server's first bidi and uni streams exist so the client can be sent
  // data on them.
  ASSERT_TRUE(p.server->open_stream(true));
  ASSERT_TRUE(p.server->open_stream(false));
  run_sequence(p, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Table, FlowControlViolation, ::testing::ValuesIn(cases()), case_name);

// Exactly at both limits is fine, and so are retransmissions of it.
TEST(FlowControlNot, DataUpToTheLimitsIsAccepted) {
  Pipe p(small_windows());
  ASSERT_TRUE(establish(p));
  inject(p, *p.server, L::one_rtt, stream_frame(0, 0, 1000));
  inject(p, *p.server, L::one_rtt, stream_frame(0, 0, 1000, true));
  inject(p, *p.server, L::one_rtt, stream_frame(4, 0, 400));
  inject(p, *p.server, L::one_rtt, stream_frame(4, 100, 300));
  inject(p, *p.server, L::one_rtt, reset_stream(4, 500));
  inject(p, *p.server, L::one_rtt, reset_stream(4, 500));
  expect_still_open(p, *p.server);
}

}  // namespace
}  // namespace tquic::transport::testing
