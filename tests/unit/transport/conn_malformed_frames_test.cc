// Frames in a packet type that may not carry them (RFC 9000 §12.4 Table 3,
// §12.5; RFC 9221 §4; draft-ietf-quic-ack-frequency) and frames that do not
// decode (RFC 9000 §12.4, §19): each closes the connection with the RFC's
// code and frame type, and the peer is told.
#include <gtest/gtest.h>

#include "conn_violation_util.h"

namespace tquic::transport::testing {
namespace {

using C = TransportErrorCode;
using L = wire::EncryptionLevel;

// Where the malformed payload is handled.
enum class At : std::uint8_t {
  server_mid_handshake,  // server: client's Initial processed, nothing sent yet
  client_unconfirmed,    // client: handshake complete, HANDSHAKE_DONE not received
  server_established,
  client_established,
};

struct Case {
  const char* name;
  At at;
  L level;
  std::vector<std::uint8_t> payload;
  C code;
  std::uint64_t frame_type;
};

std::vector<std::uint8_t> stream_abc() { return Bytes().u8(0x0a).v(0).v(3).raw({'a', 'b', 'c'}).data; }
std::vector<std::uint8_t> ack_of(std::uint64_t largest) { return Bytes().u8(0x02).v(largest).v(0).v(0).v(0).data; }
std::vector<std::uint8_t> new_token() { return Bytes().u8(0x07).v(4).raw({1, 2, 3, 4}).data; }
std::vector<std::uint8_t> new_cid() {
  return Bytes().u8(0x18).v(7).v(0).u8(8).fill(8, 0xab).fill(16, 0xcd).data;
}
std::vector<std::uint8_t> ack_frequency() { return Bytes().v(0xaf).v(1).v(2).v(25000).v(1).data; }

constexpr std::uint64_t kMax = wire::kVarintMax;  // 2^62-1

std::vector<Case> cases() {
  std::vector<Case> v = {
      // --- RFC 9000 §12.4 Table 3 "Pkts": Initial and Handshake carry only
      //     PADDING, PING, ACK, CRYPTO and CONNECTION_CLOSE 0x1c ---
      {"StreamInInitial", At::server_mid_handshake, L::initial, stream_abc(), C::PROTOCOL_VIOLATION, 0x0a},
      {"StreamInHandshake", At::server_mid_handshake, L::handshake, Bytes().u8(0x08).v(0).u8('x').data,
       C::PROTOCOL_VIOLATION, 0x08},
      {"MaxDataInInitial", At::server_mid_handshake, L::initial, Bytes().u8(0x10).v(100000).data,
       C::PROTOCOL_VIOLATION, 0x10},
      {"ResetStreamInInitial", At::server_mid_handshake, L::initial, Bytes().u8(0x04).v(0).v(0).v(0).data,
       C::PROTOCOL_VIOLATION, 0x04},
      {"NewTokenInHandshake", At::server_mid_handshake, L::handshake, new_token(), C::PROTOCOL_VIOLATION, 0x07},
      {"HandshakeDoneInInitial", At::server_mid_handshake, L::initial, {0x1e}, C::PROTOCOL_VIOLATION, 0x1e},
      {"AppCloseInInitial", At::server_mid_handshake, L::initial, Bytes().u8(0x1d).v(5).v(0).data,
       C::PROTOCOL_VIOLATION, 0x1d},
      {"NewConnectionIdInHandshake", At::server_mid_handshake, L::handshake, new_cid(), C::PROTOCOL_VIOLATION, 0x18},
      {"RetireConnectionIdInInitial", At::server_mid_handshake, L::initial, Bytes().u8(0x19).v(0).data,
       C::PROTOCOL_VIOLATION, 0x19},
      {"PathChallengeInHandshake", At::server_mid_handshake, L::handshake, Bytes().u8(0x1a).fill(8, 1).data,
       C::PROTOCOL_VIOLATION, 0x1a},
      {"DatagramInInitial", At::server_mid_handshake, L::initial, Bytes().u8(0x31).v(2).raw({1, 2}).data,
       C::PROTOCOL_VIOLATION, 0x31},
      {"AckFrequencyInHandshake", At::server_mid_handshake, L::handshake, ack_frequency(), C::PROTOCOL_VIOLATION,
       0xaf},
      {"ImmediateAckInInitial", At::server_mid_handshake, L::initial, {0x1f}, C::PROTOCOL_VIOLATION, 0x1f},
      {"PingThenStreamInInitial", At::server_mid_handshake, L::initial, Bytes().u8(0x01).append(stream_abc()).data,
       C::PROTOCOL_VIOLATION, 0x0a},
      {"MaxStreamsInHandshakeAtClient", At::client_unconfirmed, L::handshake, Bytes().u8(0x12).v(10).data,
       C::PROTOCOL_VIOLATION, 0x12},
      {"HandshakeDoneInHandshakeAtClient", At::client_unconfirmed, L::handshake, {0x1e}, C::PROTOCOL_VIOLATION, 0x1e},
      {"NewTokenInHandshakeAtClient", At::client_unconfirmed, L::handshake, new_token(), C::PROTOCOL_VIOLATION, 0x07},
      // --- §12.5: ACK, CRYPTO, HANDSHAKE_DONE, NEW_TOKEN, PATH_RESPONSE and
      //     RETIRE_CONNECTION_ID cannot be in 0-RTT; a server MAY treat them
      //     as PROTOCOL_VIOLATION and tquic does. ACK_FREQUENCY and
      //     IMMEDIATE_ACK are not in 0-RTT either (ack-frequency draft) ---
      {"AckInZeroRtt", At::server_mid_handshake, L::zero_rtt, ack_of(0), C::PROTOCOL_VIOLATION, 0x02},
      {"CryptoInZeroRtt", At::server_mid_handshake, L::zero_rtt, Bytes().u8(0x06).v(0).v(1).u8('x').data,
       C::PROTOCOL_VIOLATION, 0x06},
      {"NewTokenInZeroRtt", At::server_mid_handshake, L::zero_rtt, new_token(), C::PROTOCOL_VIOLATION, 0x07},
      {"HandshakeDoneInZeroRtt", At::server_mid_handshake, L::zero_rtt, {0x1e}, C::PROTOCOL_VIOLATION, 0x1e},
      {"PathResponseInZeroRtt", At::server_mid_handshake, L::zero_rtt, Bytes().u8(0x1b).fill(8, 2).data,
       C::PROTOCOL_VIOLATION, 0x1b},
      {"RetireConnectionIdInZeroRtt", At::server_mid_handshake, L::zero_rtt, Bytes().u8(0x19).v(0).data,
       C::PROTOCOL_VIOLATION, 0x19},
      {"AckFrequencyInZeroRtt", At::server_mid_handshake, L::zero_rtt, ack_frequency(), C::PROTOCOL_VIOLATION, 0xaf},
      {"ImmediateAckInZeroRtt", At::server_mid_handshake, L::zero_rtt, {0x1f}, C::PROTOCOL_VIOLATION, 0x1f},
      // --- frames only the server may send (§19.7, §19.20) ---
      {"NewTokenFromClient", At::server_established, L::one_rtt, new_token(), C::PROTOCOL_VIOLATION, 0x07},
      {"HandshakeDoneFromClient", At::server_established, L::one_rtt, {0x1e}, C::PROTOCOL_VIOLATION, 0x1e},
      // --- extensions we did not offer. RFC 9221 §3 says PROTOCOL_VIOLATION
      //     for DATAGRAM; for ACK_FREQUENCY / IMMEDIATE_ACK (no min_ack_delay
      //     sent) and multipath frames (no initial_max_path_id) the drafts
      //     leave the code open: tquic uses PROTOCOL_VIOLATION as for DATAGRAM
      //     rather than treating a known codepoint as unknown ---
      {"DatagramNotNegotiated", At::server_established, L::one_rtt, Bytes().u8(0x30).raw({1, 2, 3}).data,
       C::PROTOCOL_VIOLATION, 0x30},
      {"AckFrequencyNotNegotiated", At::server_established, L::one_rtt, ack_frequency(), C::PROTOCOL_VIOLATION, 0xaf},
      {"ImmediateAckNotNegotiated", At::client_established, L::one_rtt, {0x1f}, C::PROTOCOL_VIOLATION, 0x1f},
      {"PathAbandonNotNegotiated", At::server_established, L::one_rtt, Bytes().v(0x3e75).v(0).v(0).data,
       C::PROTOCOL_VIOLATION, 0x3e75},
      // --- §12.4: unknown type -> FRAME_ENCODING_ERROR; the shortest
      //     encoding is required, and a longer one MAY be PROTOCOL_VIOLATION
      //     (tquic's choice) ---
      {"UnknownFrameType", At::server_established, L::one_rtt, Bytes().u8(0x21).fill(4, 0).data,
       C::FRAME_ENCODING_ERROR, 0x21},
      {"UnknownTwoByteFrameType", At::client_established, L::one_rtt, Bytes().v(0x4000).data,
       C::FRAME_ENCODING_ERROR, 0x4000},
      {"UnknownAfterValidFrames", At::server_established, L::one_rtt, Bytes().u8(0x01).u8(0x00).u8(0x20).data,
       C::FRAME_ENCODING_ERROR, 0x20},
      {"FrameTypeNotMinimal", At::server_established, L::one_rtt, Bytes().v_fixed(0x01, 2).data,
       C::PROTOCOL_VIOLATION, 0x01},
      {"TruncatedFrameType", At::server_established, L::one_rtt, {0x01, 0x40}, C::FRAME_ENCODING_ERROR, 0},
      // --- truncated frames and lengths beyond the packet (§19) ---
      {"StreamLengthBeyondPacket", At::server_established, L::one_rtt,
       Bytes().u8(0x0a).v(0).v(100).raw({'a', 'b', 'c'}).data, C::FRAME_ENCODING_ERROR, 0x0a},
      {"MaxDataTruncatedVarint", At::server_established, L::one_rtt, {0x10, 0x80, 0x01}, C::FRAME_ENCODING_ERROR,
       0x10},
      {"AckTruncated", At::client_established, L::one_rtt, {0x02, 0x05}, C::FRAME_ENCODING_ERROR, 0x02},
      {"AckEcnTruncatedCounts", At::server_established, L::one_rtt, Bytes().u8(0x03).v(0).v(0).v(0).v(0).v(1).data,
       C::FRAME_ENCODING_ERROR, 0x03},
      {"AckRangeBelowZero", At::server_established, L::one_rtt, Bytes().u8(0x02).v(3).v(0).v(0).v(5).data,
       C::FRAME_ENCODING_ERROR, 0x02},
      {"CryptoLengthBeyondPacket", At::client_established, L::one_rtt, Bytes().u8(0x06).v(0).v(50).u8('x').data,
       C::FRAME_ENCODING_ERROR, 0x06},
      {"ConnectionCloseReasonBeyondPacket", At::server_established, L::one_rtt,
       Bytes().u8(0x1c).v(0).v(0).v(30).raw({'a', 'b'}).data, C::FRAME_ENCODING_ERROR, 0x1c},
      {"PathChallengeShort", At::server_established, L::one_rtt, Bytes().u8(0x1a).fill(4, 9).data,
       C::FRAME_ENCODING_ERROR, 0x1a},
      {"ResetStreamTruncated", At::server_established, L::one_rtt, Bytes().u8(0x04).v(0).v(0).data,
       C::FRAME_ENCODING_ERROR, 0x04},
      {"NewTokenLengthBeyondPacket", At::client_established, L::one_rtt, Bytes().u8(0x07).v(40).fill(3, 1).data,
       C::FRAME_ENCODING_ERROR, 0x07},
      {"DatagramLengthBeyondPacket", At::server_established, L::one_rtt, Bytes().u8(0x31).v(9).fill(3, 1).data,
       C::FRAME_ENCODING_ERROR, 0x31},
      // §19.7: a client MUST treat an empty NEW_TOKEN as FRAME_ENCODING_ERROR.
      {"NewTokenEmpty", At::client_established, L::one_rtt, Bytes().u8(0x07).v(0).data, C::FRAME_ENCODING_ERROR,
       0x07},
      // §19.6 / §19.8: offset + length above 2^62-1.
      {"StreamEndBeyondMaxOffset", At::server_established, L::one_rtt,
       Bytes().u8(0x0e).v(0).v(kMax - 1).v(3).raw({1, 2, 3}).data, C::FRAME_ENCODING_ERROR, 0x0e},
      {"StreamNoLengthAtMaxOffset", At::server_established, L::one_rtt, Bytes().u8(0x0c).v(0).v(kMax).u8(1).data,
       C::FRAME_ENCODING_ERROR, 0x0c},
      {"CryptoEndBeyondMaxOffset", At::client_established, L::one_rtt, Bytes().u8(0x06).v(kMax).v(1).u8(1).data,
       C::FRAME_ENCODING_ERROR, 0x06},
      // §12.4: a packet carries at least one frame.
      {"EmptyPayload", At::server_established, L::one_rtt, {}, C::PROTOCOL_VIOLATION, 0},
      {"EmptyHandshakePayload", At::server_mid_handshake, L::handshake, {}, C::PROTOCOL_VIOLATION, 0},
      // RFC 9002 §13.1 / RFC 9000 §13.1: acknowledging a packet never sent.
      {"AckOfUnsentPacket", At::server_established, L::one_rtt, ack_of(1'000'000), C::PROTOCOL_VIOLATION, 0x02},
      {"AckOfUnsentPacketAtClient", At::client_established, L::one_rtt, ack_of(1'000'000), C::PROTOCOL_VIOLATION,
       0x02},
      {"AckOfUnsentInitial", At::server_mid_handshake, L::initial, ack_of(0), C::PROTOCOL_VIOLATION, 0x02},
  };
  return v;
}

bool prepare(Pipe& p, At at) {
  switch (at) {
    case At::server_mid_handshake: return server_mid_handshake(p);
    case At::client_unconfirmed: return client_unconfirmed(p);
    default: return establish(p);
  }
}

bool victim_is_server(At at) { return at == At::server_mid_handshake || at == At::server_established; }

class MalformedFrame : public ::testing::TestWithParam<Case> {};

TEST_P(MalformedFrame, ClosesWithTheRfcCode) {
  const Case& c = GetParam();
  Pipe p;
  ASSERT_TRUE(prepare(p, c.at));
  Connection& victim = victim_is_server(c.at) ? *p.server : *p.client;
  Connection& peer = victim_is_server(c.at) ? *p.client : *p.server;
  inject(p, victim, c.level, c.payload);
  expect_connection_error(p, victim, peer, c.code, c.frame_type);
}

INSTANTIATE_TEST_SUITE_P(Table, MalformedFrame, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return std::string(i.param.name); });

// --- inputs that are fine ---

TEST(MalformedFrameNot, PaddingOnlyPacketIsAccepted) {
  Pipe p;
  ASSERT_TRUE(establish(p));
  inject(p, *p.server, L::one_rtt, std::vector<std::uint8_t>(40, 0x00));
  inject(p, *p.server, L::one_rtt, {0x00});
  expect_still_open(p, *p.server);
}

TEST(MalformedFrameNot, PaddingOnlyInitialIsAccepted) {
  Pipe p;
  ASSERT_TRUE(server_mid_handshake(p));
  inject(p, *p.server, L::initial, std::vector<std::uint8_t>(100, 0x00));
  EXPECT_FALSE(p.server->close_info().closed) << p.server->close_info().reason;
  EXPECT_TRUE(p.run_until([&] { return p.client->is_established() && p.server->is_established(); }))
      << "client: " << p.client->close_info().reason << " server: " << p.server->close_info().reason;
}

// RFC 9000 §8.2.2: a PATH_RESPONSE that matches no challenge is ignored.
TEST(MalformedFrameNot, UnmatchedPathResponseIsIgnored) {
  Pipe p;
  ASSERT_TRUE(establish(p));
  inject(p, *p.server, L::one_rtt, Bytes().u8(0x1b).fill(8, 0x77).data);
  inject(p, *p.client, L::one_rtt, Bytes().u8(0x1b).fill(8, 0x78).data);
  expect_still_open(p, *p.server);
}

// CONNECTION_CLOSE 0x1c may appear at every level (Table 3 "ih01").
TEST(MalformedFrameNot, TransportCloseInInitialIsHonoured) {
  Pipe p;
  ASSERT_TRUE(server_mid_handshake(p));
  inject(p, *p.server, L::initial, Bytes().u8(0x1c).v(0x0a).v(0x08).v(0).data);
  EXPECT_TRUE(p.server->close_info().closed);
  EXPECT_TRUE(p.server->close_info().by_peer);
  EXPECT_EQ(p.server->close_info().error_code, 0x0au);
  EXPECT_EQ(p.server->close_info().frame_type, 0x08u);
}

// --- DATAGRAM limits (RFC 9221 §3) ---

TEST(MalformedDatagram, LargerThanAdvertisedLimitIsProtocolViolation) {
  ConnectionConfig cfg;
  cfg.max_datagram_frame_size = 100;
  Pipe p(cfg);
  ASSERT_TRUE(establish(p));
  // 1 (type) + 2 (length varint) + 97 = 100 bytes: allowed.
  inject(p, *p.server, L::one_rtt, Bytes().u8(0x31).v(97).fill(97, 1).data);
  ASSERT_FALSE(p.server->close_info().closed) << p.server->close_info().reason;
  // 1 + 2 + 98 = 101 bytes: one above the limit.
  inject(p, *p.server, L::one_rtt, Bytes().u8(0x31).v(98).fill(98, 1).data);
  expect_connection_error(p, *p.server, *p.client, C::PROTOCOL_VIOLATION, 0x31);
}

TEST(MalformedDatagram, WithoutLengthCountsTheWholeFrame) {
  ConnectionConfig cfg;
  cfg.max_datagram_frame_size = 100;
  Pipe p(cfg);
  ASSERT_TRUE(establish(p));
  inject(p, *p.client, L::one_rtt, Bytes().u8(0x30).fill(100, 1).data);
  expect_connection_error(p, *p.client, *p.server, C::PROTOCOL_VIOLATION, 0x30);
}

}  // namespace
}  // namespace tquic::transport::testing
