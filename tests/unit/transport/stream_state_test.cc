#include <gtest/gtest.h>

#include <array>
#include <optional>

#include "transport/stream/recv_state.h"
#include "transport/stream/send_state.h"

namespace tquic::transport {
namespace {

using SS = SendStreamState;
using SE = SendStreamEvent;
using RS = RecvStreamState;
using RE = RecvStreamEvent;
constexpr std::nullopt_t X = std::nullopt;

// RFC 9000 §3.1, every (state, event) pair. Rows: states; columns: events in
// the order stream_sent, stream_data_blocked_sent, fin_sent, all_data_acked,
// reset_stream_sent, reset_stream_acked.
TEST(SendStreamTransition, FullTable) {
  const std::array<SS, 6> states{SS::ready, SS::send, SS::data_sent,
                                 SS::reset_sent, SS::data_recvd, SS::reset_recvd};
  const std::array<SE, 6> events{SE::stream_sent, SE::stream_data_blocked_sent, SE::fin_sent,
                                 SE::all_data_acked, SE::reset_stream_sent,
                                 SE::reset_stream_acked};
  using O = std::optional<SS>;
  const std::array<std::array<O, 6>, 6> expected{{
      /* ready      */ {O(SS::send), O(SS::send), O(SS::data_sent), X, O(SS::reset_sent), X},
      /* send       */ {O(SS::send), O(SS::send), O(SS::data_sent), X, O(SS::reset_sent), X},
      /* data_sent  */ {O(SS::data_sent), O(SS::data_sent), O(SS::data_sent), O(SS::data_recvd),
                        O(SS::reset_sent), X},
      /* reset_sent */ {X, X, X, O(SS::reset_sent), O(SS::reset_sent), O(SS::reset_recvd)},
      /* data_recvd */ {X, X, X, O(SS::data_recvd), X, X},
      /* reset_recvd*/ {X, X, X, O(SS::reset_recvd), X, O(SS::reset_recvd)},
  }};
  for (std::size_t s = 0; s < states.size(); ++s) {
    for (std::size_t e = 0; e < events.size(); ++e) {
      EXPECT_EQ(send_stream_transition(states[s], events[e]), expected[s][e])
          << send_stream_state_name(states[s]) << " event " << e;
    }
  }
}

// RFC 9000 §3.2. Columns: stream_received, fin_received, all_data_received,
// reset_stream_received, app_read_all, app_read_reset.
TEST(RecvStreamTransition, FullTable) {
  const std::array<RS, 6> states{RS::recv, RS::size_known, RS::data_recvd,
                                 RS::reset_recvd, RS::data_read, RS::reset_read};
  const std::array<RE, 6> events{RE::stream_received, RE::fin_received, RE::all_data_received,
                                 RE::reset_stream_received, RE::app_read_all, RE::app_read_reset};
  using O = std::optional<RS>;
  const std::array<std::array<O, 6>, 6> expected{{
      /* recv        */ {O(RS::recv), O(RS::size_known), X, O(RS::reset_recvd), X, X},
      /* size_known  */ {O(RS::size_known), O(RS::size_known), O(RS::data_recvd),
                         O(RS::reset_recvd), X, X},
      /* data_recvd  */ {O(RS::data_recvd), O(RS::data_recvd), O(RS::data_recvd),
                         O(RS::data_recvd), O(RS::data_read), X},
      /* reset_recvd */ {O(RS::reset_recvd), O(RS::reset_recvd), O(RS::reset_recvd),
                         O(RS::reset_recvd), X, O(RS::reset_read)},
      /* data_read   */ {O(RS::data_read), O(RS::data_read), O(RS::data_read), O(RS::data_read),
                         O(RS::data_read), X},
      /* reset_read  */ {O(RS::reset_read), O(RS::reset_read), O(RS::reset_read),
                         O(RS::reset_read), X, O(RS::reset_read)},
  }};
  for (std::size_t s = 0; s < states.size(); ++s) {
    for (std::size_t e = 0; e < events.size(); ++e) {
      EXPECT_EQ(recv_stream_transition(states[s], events[e]), expected[s][e])
          << recv_stream_state_name(states[s]) << " event " << e;
    }
  }
}

TEST(SendStreamMachine, NormalLifecycle) {
  SendStreamMachine m;
  EXPECT_EQ(m.state(), SS::ready);
  EXPECT_TRUE(m.on_app_write().ok());
  ASSERT_TRUE(m.on_event(SE::stream_sent).ok());
  EXPECT_EQ(m.state(), SS::send);
  ASSERT_TRUE(m.on_app_finish().ok());
  EXPECT_FALSE(m.on_app_write().ok());
  EXPECT_FALSE(m.on_app_finish().ok());
  EXPECT_FALSE(m.writable());
  ASSERT_TRUE(m.on_event(SE::fin_sent).ok());
  EXPECT_EQ(m.state(), SS::data_sent);
  ASSERT_TRUE(m.on_event(SE::stream_sent).ok());  // retransmission
  ASSERT_TRUE(m.on_event(SE::all_data_acked).ok());
  EXPECT_EQ(m.state(), SS::data_recvd);
  EXPECT_TRUE(m.is_terminal());
  m.on_app_reset(7);  // nothing to reset any more
  EXPECT_FALSE(m.reset_requested());
  m.on_stop_sending(9);
  EXPECT_FALSE(m.reset_requested());
  EXPECT_FALSE(m.on_event(SE::reset_stream_sent).ok());
}

TEST(SendStreamMachine, StopSendingForcesResetWithPeersCode) {
  for (SE first : {SE::stream_sent, SE::fin_sent}) {
    SendStreamMachine m;
    ASSERT_TRUE(m.on_event(first).ok());
    m.on_stop_sending(0x42);
    EXPECT_TRUE(m.reset_pending());
    EXPECT_EQ(m.reset_error_code(), std::optional<std::uint64_t>(0x42));
    EXPECT_FALSE(m.on_app_write().ok());
    m.on_app_reset(0x99);  // the first code sticks
    EXPECT_EQ(m.reset_error_code(), std::optional<std::uint64_t>(0x42));
    EXPECT_FALSE(m.on_event(SE::stream_sent).ok());  // no STREAM after a reset request
    ASSERT_TRUE(m.on_event(SE::reset_stream_sent).ok());
    EXPECT_EQ(m.state(), SS::reset_sent);
    EXPECT_FALSE(m.reset_pending());
    ASSERT_TRUE(m.on_event(SE::reset_stream_sent).ok());  // retransmitted RESET_STREAM
    ASSERT_TRUE(m.on_event(SE::all_data_acked).ok());     // late ACK: ignored
    EXPECT_EQ(m.state(), SS::reset_sent);
    ASSERT_TRUE(m.on_event(SE::reset_stream_acked).ok());
    EXPECT_EQ(m.state(), SS::reset_recvd);
  }
  SendStreamMachine ready;  // Ready: must reset too
  ready.on_stop_sending(1);
  EXPECT_TRUE(ready.reset_pending());
}

TEST(SendStreamMachine, ResetSentWithoutRequestIsMisuse) {
  SendStreamMachine m;
  EXPECT_FALSE(m.on_event(SE::reset_stream_sent).ok());
  EXPECT_FALSE(m.on_event(SE::all_data_acked).ok());  // nothing was finished
  EXPECT_EQ(m.state(), SS::ready);
  m.on_app_reset(3);
  EXPECT_TRUE(m.reset_pending());
  ASSERT_TRUE(m.on_event(SE::reset_stream_sent).ok());  // RESET_STREAM as the first frame
  EXPECT_EQ(m.state(), SS::reset_sent);
}

TEST(RecvStreamMachine, LifecycleAndResetHandling) {
  RecvStreamMachine m;
  EXPECT_TRUE(m.wants_max_stream_data());
  EXPECT_TRUE(m.wants_stop_sending());
  EXPECT_FALSE(m.on_event(RE::all_data_received).ok());  // size unknown
  EXPECT_FALSE(m.on_event(RE::app_read_all).ok());
  ASSERT_TRUE(m.on_event(RE::fin_received).ok());
  EXPECT_EQ(m.state(), RS::size_known);
  EXPECT_FALSE(m.wants_max_stream_data());
  EXPECT_TRUE(m.wants_stop_sending());
  ASSERT_TRUE(m.on_event(RE::all_data_received).ok());
  EXPECT_FALSE(m.wants_stop_sending());
  m.on_reset_stream(5);  // suppressed: all data is here
  EXPECT_EQ(m.state(), RS::data_recvd);
  EXPECT_FALSE(m.reset_error_code());
  ASSERT_TRUE(m.on_event(RE::app_read_all).ok());
  EXPECT_TRUE(m.is_terminal());

  RecvStreamMachine r;
  r.on_reset_stream(11);
  EXPECT_EQ(r.state(), RS::reset_recvd);
  EXPECT_EQ(r.reset_error_code(), std::optional<std::uint64_t>(11));
  r.on_reset_stream(12);  // repeated: first code stays
  EXPECT_EQ(r.reset_error_code(), std::optional<std::uint64_t>(11));
  EXPECT_FALSE(r.on_event(RE::app_read_all).ok());
  ASSERT_TRUE(r.on_event(RE::app_read_reset).ok());
  EXPECT_EQ(r.state(), RS::reset_read);
  EXPECT_TRUE(r.is_terminal());
}

}  // namespace
}  // namespace tquic::transport
