// Connection ID abuse (RFC 9000 §5.1, §19.15, §19.16): NEW_CONNECTION_ID and
// RETIRE_CONNECTION_ID frames that break the rules close the connection
// with CONNECTION_ID_LIMIT_ERROR, FRAME_ENCODING_ERROR or PROTOCOL_VIOLATION.
//
// Both sides advertise active_connection_id_limit 4, so after the handshake
// each holds the peer's CIDs with sequence numbers 0-3 and has issued its
// own 0-3.
#include <gtest/gtest.h>

#include "conn_violation_util.h"

namespace tquic::transport::testing {
namespace {

using C = TransportErrorCode;
using L = wire::EncryptionLevel;

std::vector<std::uint8_t> new_cid(std::uint64_t seq, std::uint64_t retire_prior_to, std::uint8_t cid_byte = 0x42,
                                  std::size_t len = 8) {
  return Bytes().u8(0x18).v(seq).v(retire_prior_to).u8(static_cast<std::uint8_t>(len)).fill(len, cid_byte)
      .fill(16, static_cast<std::uint8_t>(seq + 0x80)).data;
}
std::vector<std::uint8_t> retire_cid(std::uint64_t seq) { return Bytes().u8(0x19).v(seq).data; }

// NEW_CONNECTION_ID for the CID and reset token a side's CidSource gave for
// `seq` (the harness's generators are deterministic, one per side).
std::vector<std::uint8_t> replayed_cid_frame(std::uint8_t tag, std::uint64_t seq, bool same_token,
                                             std::uint64_t retire_prior_to = 0) {
  CounterCids replay(tag);
  wire::ConnectionId cid;
  wire::StatelessResetToken token{};
  for (std::uint64_t i = 0; i <= seq; ++i) replay.next_cid(cid, token);
  Bytes b;
  b.u8(0x18).v(seq).v(retire_prior_to).u8(static_cast<std::uint8_t>(cid.size()));
  for (std::uint8_t x : cid.span()) b.u8(x);
  for (std::uint8_t x : token) b.u8(same_token ? x : static_cast<std::uint8_t>(x ^ 0x99));
  return b.data;
}

// NEW_CONNECTION_ID with sequence number `seq` carrying the CID a side's
// CidSource gave for `cid_seq` and the reset token it gave for `token_seq`.
std::vector<std::uint8_t> mixed_cid_frame(std::uint8_t tag, std::uint64_t seq, std::uint64_t cid_seq,
                                          std::uint64_t token_seq, std::uint64_t retire_prior_to = 0) {
  auto draw = [&](std::uint64_t n, wire::ConnectionId& cid, wire::StatelessResetToken& token) {
    CounterCids replay(tag);
    for (std::uint64_t i = 0; i <= n; ++i) replay.next_cid(cid, token);
  };
  wire::ConnectionId cid, unused_cid;
  wire::StatelessResetToken token{}, unused_token{};
  draw(cid_seq, cid, unused_token);
  draw(token_seq, unused_cid, token);
  Bytes b;
  b.u8(0x18).v(seq).v(retire_prior_to).u8(static_cast<std::uint8_t>(cid.size()));
  for (std::uint8_t x : cid.span()) b.u8(x);
  for (std::uint8_t x : token) b.u8(x);
  return b.data;
}

// A new CID (bytes `cid_byte`) under sequence `seq` with the reset token a
// side's CidSource gave for `token_seq`.
std::vector<std::uint8_t> cid_with_token_of(std::uint8_t tag, std::uint64_t seq, std::uint64_t token_seq,
                                            std::uint64_t retire_prior_to) {
  auto frame = mixed_cid_frame(tag, seq, token_seq, token_seq, retire_prior_to);
  std::fill(frame.end() - 16 - 8, frame.end() - 16, 0x42);  // the harness's CIDs are 8 bytes
  return frame;
}

std::vector<SequenceCase> cases() {
  return {
      // §5.1.1: more active CIDs than our active_connection_id_limit.
      {"NewCidBeyondActiveLimit", true, {new_cid(4, 0)}, C::CONNECTION_ID_LIMIT_ERROR, 0x18},
      {"NewCidBeyondActiveLimitAtClient", false, {new_cid(4, 1), new_cid(5, 1, 0x43)}, C::CONNECTION_ID_LIMIT_ERROR, 0x18},
      // §19.15: Retire Prior To above Sequence Number; length 0 or above 20.
      {"RetirePriorToAboveSequence", true, {new_cid(4, 5)}, C::FRAME_ENCODING_ERROR, 0x18},
      {"ZeroLengthCid", true, {new_cid(4, 1, 0x42, 0)}, C::FRAME_ENCODING_ERROR, 0x18},
      {"CidLongerThan20", false, {new_cid(4, 1, 0x42, 21)}, C::FRAME_ENCODING_ERROR, 0x18},
      {"NewCidTruncated", true, {Bytes().u8(0x18).v(4).v(0).u8(8).fill(8, 1).fill(5, 2).data},
       C::FRAME_ENCODING_ERROR, 0x18},
      // §19.15: a sequence number reused for another CID or another token
      // (MAY be PROTOCOL_VIOLATION: tquic's choice).
      {"HandshakeSequenceReused", true, {new_cid(0, 0, 0x43)}, C::PROTOCOL_VIOLATION, 0x18},
      {"SequenceReusedForOtherCid", true, {new_cid(2, 0, 0x43)}, C::PROTOCOL_VIOLATION, 0x18},
      {"SequenceReusedForOtherToken", false, {replayed_cid_frame(0x51, 1, false)}, C::PROTOCOL_VIOLATION, 0x18},
      // §19.15: a known CID repeated under another sequence number (MAY be
      // PROTOCOL_VIOLATION: tquic's choice), with its own token or a new one.
      {"CidRepeatedUnderNewSequence", true, {mixed_cid_frame(0xc1, 4, 2, 2, 1)}, C::PROTOCOL_VIOLATION, 0x18},
      {"CidRepeatedUnderNewSequenceAndToken", false, {mixed_cid_frame(0x51, 4, 1, 4, 1)}, C::PROTOCOL_VIOLATION,
       0x18},
      {"HandshakeCidRepeatedUnderNewSequence", false, {mixed_cid_frame(0x51, 4, 0, 4, 1)}, C::PROTOCOL_VIOLATION,
       0x18},
      // §10.3: one reset token for two CIDs (MAY be PROTOCOL_VIOLATION).
      {"ResetTokenOfAnotherCid", false, {cid_with_token_of(0x51, 4, 2, 1)}, C::PROTOCOL_VIOLATION, 0x18},
      {"ResetTokenOfTheHandshakeCid", false, {cid_with_token_of(0x51, 4, 0, 1)}, C::PROTOCOL_VIOLATION, 0x18},
      // §19.16: retiring a sequence number never issued...
      {"RetireNeverIssued", true, {retire_cid(4)}, C::PROTOCOL_VIOLATION, 0x19},
      {"RetireFarBeyondIssued", false, {retire_cid(wire::kVarintMax)}, C::PROTOCOL_VIOLATION, 0x19},
      // ...or the CID the packet was sent to (MAY: tquic's choice). The
      // testing hook addresses the packet to the oldest active CID, 0.
      {"RetireTheCidInUse", true, {retire_cid(0)}, C::PROTOCOL_VIOLATION, 0x19},
      {"RetireTheCidInUseAfterOthers", false, {retire_cid(1), retire_cid(0)}, C::PROTOCOL_VIOLATION, 0x19},
  };
}

class CidAbuse : public ::testing::TestWithParam<SequenceCase> {};

TEST_P(CidAbuse, ClosesWithTheRfcCode) {
  Pipe p;
  ASSERT_TRUE(establish(p));
  run_sequence(p, GetParam());
}

INSTANTIATE_TEST_SUITE_P(Table, CidAbuse, ::testing::ValuesIn(cases()), case_name);

TEST(CidAbuseNot, LegalCidTrafficIsAccepted) {
  Pipe p;
  ASSERT_TRUE(establish(p));
  // A retransmitted NEW_CONNECTION_ID is not an error (§19.15).
  inject(p, *p.client, L::one_rtt, replayed_cid_frame(0x51, 1, true));
  inject(p, *p.server, L::one_rtt, replayed_cid_frame(0xc1, 2, true));
  // Retire Prior To retires older CIDs and makes room (§5.1.1): the
  // client's CID 4 arrives early (the replay is what the client will send)
  // with Retire Prior To 3, so the server moves to CID 3 or 4 and retires
  // 0-2; the client then issues 4 (again), 5 and 6.
  inject(p, *p.server, L::one_rtt, replayed_cid_frame(0xc1, 4, true, 3));
  settle(p, 100ms);
  // A late NEW_CONNECTION_ID below Retire Prior To is retired at once.
  inject(p, *p.server, L::one_rtt, replayed_cid_frame(0xc1, 1, true));
  // The same the other way: the client retires the server's CIDs 0-2 with
  // RETIRE_CONNECTION_ID frames and the server issues replacements.
  inject(p, *p.client, L::one_rtt, replayed_cid_frame(0x51, 4, true, 3));
  settle(p, 100ms);
  expect_still_open(p, *p.server);
  EXPECT_TRUE(has_event(p.server_events, ConnectionEventType::local_cid_retired));
  EXPECT_TRUE(has_event(p.client_events, ConnectionEventType::local_cid_retired));
  // Data still flows both ways on the new CIDs.
  auto id = p.client->open_stream(true);
  ASSERT_TRUE(id);
  const std::uint8_t b[3] = {1, 2, 3};
  ASSERT_TRUE(p.client->stream_write(*id, ByteSpan(b, 3), true));
  ASSERT_TRUE(p.run_until([&] { return p.server->stream_peek(*id).size() == 3; }, 5s));
  ASSERT_TRUE(p.server->stream_write(*id, ByteSpan(b, 3), true));
  EXPECT_TRUE(p.run_until([&] { return p.client->stream_peek(*id).size() == 3; }, 5s));
  EXPECT_FALSE(p.client->close_info().closed) << p.client->close_info().reason;
  EXPECT_FALSE(p.server->close_info().closed) << p.server->close_info().reason;
}

// §19.15: "A receiver MUST ignore any Retire Prior To fields that do not
// increase the largest received Retire Prior To value": one that does
// increase it counts even in a frame that repeats a known CID.
TEST(CidAbuseNot, RepeatedNewCidWithHigherRetirePriorToStillRetires) {
  Pipe p;
  ASSERT_TRUE(establish(p));
  inject(p, *p.server, L::one_rtt, replayed_cid_frame(0xc1, 3, true, 2));
  EXPECT_FALSE(p.server->close_info().closed) << p.server->close_info().reason;
  settle(p, 200ms);
  std::vector<std::uint64_t> retired;
  for (const ConnectionEvent& e : p.client_events)
    if (e.type == ConnectionEventType::local_cid_retired) retired.push_back(e.cid_sequence);
  EXPECT_EQ(retired, (std::vector<std::uint64_t>{0, 1}));
  // A smaller value later is ignored, and the same frame again changes nothing.
  inject(p, *p.server, L::one_rtt, replayed_cid_frame(0xc1, 3, true, 1));
  inject(p, *p.server, L::one_rtt, replayed_cid_frame(0xc1, 3, true, 2));
  settle(p, 200ms);
  std::size_t after = 0;
  for (const ConnectionEvent& e : p.client_events) after += e.type == ConnectionEventType::local_cid_retired;
  EXPECT_EQ(after, 2u);
  expect_still_open(p, *p.server);
}

}  // namespace
}  // namespace tquic::transport::testing
