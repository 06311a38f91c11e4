// Where each frame type may appear and what it means for ACKs, congestion
// control and migration (RFC 9000 §12.4 Table 3, §12.5, §9.1; RFC 9002 §2;
// RFC 9221; draft-ietf-quic-ack-frequency; draft-ietf-quic-multipath).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wire/frame_rules.h"

namespace tquic::wire {
namespace {

using L = EncryptionLevel;
using T = FrameType;

std::vector<T> all_frame_types() {
  std::vector<T> v;
  for (std::uint64_t x = 0; x <= 0x3fff; ++x)
    if (is_known_frame_type(x)) v.push_back(static_cast<T>(x));
  return v;
}

// Expected "Pkts" letters per type: I, H, 0, 1.
std::string expected_levels(T t) {
  switch (t) {
    case T::padding: case T::ping: return "IH01";
    case T::ack: case T::ack_ecn: return "IH1";
    case T::crypto: return "IH1";
    case T::connection_close: return "IH01";
    case T::connection_close_app: return "01";
    case T::new_token: case T::path_response: case T::handshake_done: return "1";
    case T::retire_connection_id: return "1";  // §12.5: not in 0-RTT
    case T::datagram: case T::datagram_len: return "01";
    case T::ack_frequency: case T::immediate_ack: return "1";
    default:
      if (is_multipath_frame_type(t)) return "1";
      return "01";  // the remaining RFC 9000 application-data frames
  }
}

TEST(FrameRules, AllowedLevelsMatchTable3) {
  const std::pair<L, char> levels[] = {
      {L::initial, 'I'}, {L::handshake, 'H'}, {L::zero_rtt, '0'}, {L::one_rtt, '1'}};
  for (T t : all_frame_types()) {
    SCOPED_TRACE(std::to_string(to_wire(t)));
    const std::string expect = expected_levels(t);
    for (auto [level, letter] : levels) {
      const bool allowed = expect.find(letter) != std::string::npos;
      EXPECT_EQ(is_frame_allowed(t, level), allowed) << encryption_level_name(level);
      const Status s = check_frame_allowed(t, level);
      EXPECT_EQ(s.ok(), allowed);
      if (!allowed) {
        EXPECT_TRUE(s.error().is_transport(TransportErrorCode::PROTOCOL_VIOLATION));
        EXPECT_EQ(s.error().frame_type, to_wire(t));
      }
    }
  }
}

TEST(FrameRules, SpotChecks) {
  EXPECT_TRUE(is_frame_allowed(T::crypto, L::initial));
  EXPECT_FALSE(is_frame_allowed(T::crypto, L::zero_rtt));
  EXPECT_FALSE(is_frame_allowed(T::stream_off_len_fin, L::handshake));
  EXPECT_TRUE(is_frame_allowed(T::stream, L::zero_rtt));
  EXPECT_FALSE(is_frame_allowed(T::connection_close_app, L::initial));
  EXPECT_TRUE(is_frame_allowed(T::connection_close, L::handshake));
  EXPECT_FALSE(is_frame_allowed(T::path_ack, L::zero_rtt));
  EXPECT_TRUE(is_frame_allowed(T::path_cids_blocked, L::one_rtt));
  EXPECT_TRUE(is_frame_allowed(T::datagram_len, L::zero_rtt));
  EXPECT_FALSE(is_frame_allowed(T::datagram_len, L::handshake));
  EXPECT_FALSE(is_frame_allowed(static_cast<T>(0x21), L::one_rtt));
}

TEST(FrameRules, AckEliciting) {
  for (T t : all_frame_types()) {
    const bool not_eliciting = t == T::padding || t == T::ack || t == T::ack_ecn ||
                               t == T::path_ack || t == T::path_ack_ecn ||
                               t == T::connection_close || t == T::connection_close_app;
    EXPECT_EQ(is_ack_eliciting(t), !not_eliciting) << to_wire(t);
  }
  EXPECT_TRUE(is_ack_eliciting(T::datagram));
  EXPECT_TRUE(is_ack_eliciting(T::immediate_ack));
  EXPECT_TRUE(is_ack_eliciting(T::path_abandon));
}

TEST(FrameRules, CountsInFlight) {
  for (T t : all_frame_types()) {
    EXPECT_EQ(counts_in_flight(t), is_ack_eliciting(t) || t == T::padding) << to_wire(t);
  }
  EXPECT_TRUE(counts_in_flight(T::padding));
  EXPECT_FALSE(counts_in_flight(T::ack));
  EXPECT_FALSE(counts_in_flight(T::path_ack_ecn));
  EXPECT_FALSE(counts_in_flight(T::connection_close));
}

TEST(FrameRules, ProbingFrames) {
  std::vector<T> probing;
  for (T t : all_frame_types())
    if (is_probing_frame(t)) probing.push_back(t);
  EXPECT_EQ(probing,
            (std::vector<T>{T::padding, T::new_connection_id, T::path_challenge, T::path_response}));
}

TEST(FrameRules, EncryptionLevelNames) {
  EXPECT_STREQ(encryption_level_name(L::initial), "initial");
  EXPECT_STREQ(encryption_level_name(L::zero_rtt), "0rtt");
  EXPECT_STREQ(encryption_level_name(L::handshake), "handshake");
  EXPECT_STREQ(encryption_level_name(L::one_rtt), "1rtt");
  EXPECT_EQ(index_of(L::one_rtt), kEncryptionLevelCount - 1);
}

}  // namespace
}  // namespace tquic::wire
