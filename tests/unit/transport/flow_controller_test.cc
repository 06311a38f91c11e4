#include "transport/flow/flow_controller.h"

#include <gtest/gtest.h>

namespace tquic::transport {
namespace {

Timestamp at_ms(std::int64_t ms) { return timestamp_from_ns(ms * 1'000'000); }

TEST(RecvFlowController, StreamLevelViolationIsFlowControlError) {
  RecvFlowController fc(1000, 1000);
  auto a = fc.on_received_offset(600);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 600u);
  auto dup = fc.on_received_offset(400);  // below highest: nothing new
  ASSERT_TRUE(dup.ok());
  EXPECT_EQ(*dup, 0u);
  auto b = fc.on_received_offset(1000);  // exactly the limit is fine
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, 400u);
  auto c = fc.on_received_offset(1001, 0x0f);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.error().is_transport(TransportErrorCode::FLOW_CONTROL_ERROR));
  EXPECT_EQ(c.error().frame_type, 0x0fu);
  EXPECT_EQ(fc.highest_received(), 1000u);
}

TEST(RecvFlowController, ConnectionLevelSumsStreams) {
  RecvFlowController conn(1000, 1000);
  EXPECT_TRUE(conn.on_received_bytes(700).ok());
  EXPECT_TRUE(conn.on_received_bytes(300).ok());
  auto st = conn.on_received_bytes(1);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.error().is_transport(TransportErrorCode::FLOW_CONTROL_ERROR));
  EXPECT_FALSE(conn.on_received_bytes(UINT64_MAX).ok());  // no overflow
  EXPECT_EQ(conn.highest_received(), 1000u);
}

TEST(RecvFlowController, UpdateDueWhenHalfTheWindowIsConsumed) {
  RecvFlowController fc(1000, 1000);
  ASSERT_TRUE(fc.on_received_offset(1000).ok());
  fc.on_consumed(499);
  EXPECT_FALSE(fc.should_update());
  fc.on_consumed(1);
  EXPECT_TRUE(fc.should_update());
  EXPECT_EQ(fc.make_update(10ms, at_ms(0)), 1500u);
  EXPECT_EQ(fc.max_data(), 1500u);
  EXPECT_FALSE(fc.should_update());
  fc.on_consumed(10000);  // clamped to what was received
  EXPECT_EQ(fc.consumed(), 1000u);
  EXPECT_TRUE(fc.should_update());
  fc.stop_updates();
  EXPECT_FALSE(fc.should_update());
}

TEST(RecvFlowController, AutoTuningDoublesWindowWhenUpdatesComeFasterThanTwoRtts) {
  RecvFlowController fc(1000, 4000);
  const Duration rtt = 50ms;
  std::uint64_t consumed = 0;
  auto consume_half = [&] {
    const std::uint64_t n = fc.window() / 2 + 1;
    ASSERT_TRUE(fc.on_received_offset(consumed + n).ok());
    fc.on_consumed(n);
    consumed += n;
    ASSERT_TRUE(fc.should_update());
  };
  consume_half();
  fc.make_update(rtt, at_ms(0));  // first update: only starts the clock
  EXPECT_EQ(fc.window(), 1000u);
  consume_half();
  fc.make_update(rtt, at_ms(60));  // 60 ms < 2 RTT: window-limited
  EXPECT_EQ(fc.window(), 2000u);
  EXPECT_EQ(fc.max_data(), consumed + 2000);
  consume_half();
  fc.make_update(rtt, at_ms(100));
  EXPECT_EQ(fc.window(), 4000u);
  consume_half();
  fc.make_update(rtt, at_ms(110));
  EXPECT_EQ(fc.window(), 4000u);  // capped
  EXPECT_EQ(fc.max_data(), consumed + 4000);
}

TEST(RecvFlowController, NoGrowthWhenTheApplicationIsSlow) {
  RecvFlowController fc(1000, 1 << 20);
  ASSERT_TRUE(fc.on_received_offset(1000).ok());
  fc.on_consumed(600);
  fc.make_update(50ms, at_ms(0));
  ASSERT_TRUE(fc.on_received_offset(1600).ok());
  fc.on_consumed(600);
  fc.make_update(50ms, at_ms(100));  // exactly 2 RTTs: not faster
  EXPECT_EQ(fc.window(), 1000u);
  fc.on_consumed(0);
  fc.make_update(Duration::zero(), at_ms(101));  // no RTT sample: no tuning
  EXPECT_EQ(fc.window(), 1000u);
}

TEST(RecvFlowController, EnsureWindowRespectsCapAndNeverShrinks) {
  RecvFlowController conn(1000, 5000);
  conn.ensure_window(3000);
  EXPECT_EQ(conn.window(), 3000u);
  conn.ensure_window(100);
  EXPECT_EQ(conn.window(), 3000u);
  conn.ensure_window(1 << 30);
  EXPECT_EQ(conn.window(), 5000u);
  EXPECT_TRUE(conn.should_update());  // larger window: more than half is free to renew
  EXPECT_EQ(conn.make_update(10ms, at_ms(1)), 5000u);
}

TEST(RecvFlowController, MaxWindowBelowInitialIsRaisedAndLimitsStayVarints) {
  RecvFlowController fc(5000, 10);
  EXPECT_EQ(fc.max_window(), 5000u);
  RecvFlowController huge(1000, UINT64_MAX);
  huge.ensure_window(UINT64_MAX);
  EXPECT_EQ(huge.make_update(1ms, at_ms(0)), (std::uint64_t{1} << 62) - 1);
  huge.make_update(1ms, at_ms(0));  // doubling a huge window does not overflow
  EXPECT_EQ(huge.window(), UINT64_MAX);
}

TEST(SendFlowController, CreditBlockedOncePerLimit) {
  SendFlowController fc(1000);
  EXPECT_EQ(fc.available(), 1000u);
  EXPECT_FALSE(fc.blocked_pending());
  ASSERT_TRUE(fc.on_sent(600).ok());
  EXPECT_FALSE(fc.on_sent(401).ok());  // beyond credit
  ASSERT_TRUE(fc.on_sent(400).ok());
  EXPECT_TRUE(fc.is_blocked());
  ASSERT_EQ(fc.blocked_pending(), std::optional<std::uint64_t>(1000));
  fc.on_blocked_sent(1000);
  EXPECT_FALSE(fc.blocked_pending());  // once per limit value
  EXPECT_FALSE(fc.on_max_data(900));   // smaller: ignored
  EXPECT_FALSE(fc.on_max_data(1000));
  EXPECT_TRUE(fc.on_max_data(1500));
  EXPECT_FALSE(fc.is_blocked());
  EXPECT_FALSE(fc.blocked_pending());
  ASSERT_TRUE(fc.on_sent(500).ok());
  EXPECT_EQ(fc.blocked_pending(), std::optional<std::uint64_t>(1500));  // new limit: again
}

}  // namespace
}  // namespace tquic::transport
