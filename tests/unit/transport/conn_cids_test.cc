// The CID tables of one connection state, driven directly (conn_cids.h):
// slot states, the errors' frame types, retirement until acknowledged,
// which reset tokens count (RFC 9000 §5.1, §10.3.1, §19.15, §19.16).
#include <gtest/gtest.h>

#include "transport/connection/conn_cids.h"
#include "transport/connection/conn_state.h"

namespace tquic::transport {
namespace {

wire::ConnectionId cid_of(std::uint8_t b, std::size_t len = 8) {
  std::uint8_t bytes[20];
  std::fill(bytes, bytes + len, b);
  wire::ConnectionId c;
  wire::ConnectionId::from_bytes(ByteSpan(bytes, len), c);
  return c;
}

wire::StatelessResetToken token_of(std::uint8_t b) {
  wire::StatelessResetToken t;
  t.fill(b);
  return t;
}

wire::NewConnectionIdFrame new_cid(std::uint64_t seq, std::uint64_t retire_prior_to = 0) {
  return {seq, retire_prior_to, cid_of(static_cast<std::uint8_t>(0x40 + seq)),
          token_of(static_cast<std::uint8_t>(0x80 + seq))};
}

struct State {
  ConnectionConfig config;
  ConnectionState s{config, wire::Role::client};
  State() {
    s.local_params.active_connection_id_limit = 4;
    set_peer_handshake_cid(s, cid_of(0x40));
    s.paths[0] = std::make_unique<PathState>();
  }
  std::size_t count(PeerCidState st) const {
    std::size_t n = 0;
    for (const PeerCid& p : s.peer_cids) n += p.state == st;
    return n;
  }
};

TEST(ConnCids, ErrorsNameTheFrameTheyCameFrom) {
  State t;
  FrameContext ctx{wire::EncryptionLevel::one_rtt, PacketNumberSpace::application_data, nullptr, Timestamp{}, 0};
  auto retire = on_retire_connection_id(t.s, wire::RetireConnectionIdFrame{9}, ctx);
  ASSERT_FALSE(retire);
  EXPECT_EQ(retire.error().frame_type, 0x19u);
  EXPECT_EQ(retire.error().code, static_cast<std::uint64_t>(TransportErrorCode::PROTOCOL_VIOLATION));
  auto repeat = on_new_connection_id(t.s, {1, 0, cid_of(0x40), token_of(1)});  // seq 0's CID again
  ASSERT_FALSE(repeat);
  EXPECT_EQ(repeat.error().frame_type, 0x18u);
}

TEST(ConnCids, AZeroLengthCidIsAValueNotAFreeSlot) {
  ConnectionConfig config;
  ConnectionState s{config, wire::Role::server};
  set_peer_handshake_cid(s, wire::ConnectionId{});
  EXPECT_TRUE(s.peer_cid_zero_length);
  EXPECT_EQ(s.peer_cids[0].state, PeerCidState::active);
  PathState path;
  const PeerCid* p = peer_cid_for(s, path);
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->cid.empty());
  ASSERT_TRUE(take_first_local_cid(s, true));  // no CidSource needed
  EXPECT_TRUE(s.local_cid_zero_length);
  EXPECT_EQ(local_cid_sequence(s, wire::ConnectionId{}), 0u);
  EXPECT_FALSE(cid_frames_pending(s));
}

TEST(ConnCids, RetiredCidsKeepTheirSlotUntilTheRetirementIsAcked) {
  State t;
  for (std::uint64_t seq = 1; seq <= 3; ++seq) ASSERT_TRUE(on_new_connection_id(t.s, new_cid(seq)));
  ASSERT_TRUE(on_new_connection_id(t.s, new_cid(4, 2)));  // retires 0 and 1
  EXPECT_EQ(t.count(PeerCidState::retiring), 2u);
  EXPECT_EQ(t.count(PeerCidState::active), 3u);
  EXPECT_TRUE(cid_frames_pending(t.s));
  // The path moved off CID 0 onto one it had not used.
  EXPECT_GE(t.s.paths[0]->peer_cid_seq, 2u);
  for (PeerCid& p : t.s.peer_cids)
    if (p.state == PeerCidState::retiring) p.state = PeerCidState::retire_sent;  // as write_cid_frames does
  EXPECT_FALSE(cid_frames_pending(t.s));
  requeue_retire_connection_id(t.s, 0);  // lost: sent again
  EXPECT_TRUE(cid_frames_pending(t.s));
  on_retire_connection_id_acked(t.s, 1);
  EXPECT_EQ(t.count(PeerCidState::retiring), 1u);
  EXPECT_EQ(t.count(PeerCidState::retire_sent), 0u);
  // Repeats: of an active CID's frame, nothing; of a CID whose retirement
  // was acknowledged, it is retired again (below Retire Prior To, §19.15).
  ASSERT_TRUE(on_new_connection_id(t.s, new_cid(4, 2)));
  EXPECT_EQ(t.count(PeerCidState::retiring), 1u);
  ASSERT_TRUE(on_new_connection_id(t.s, new_cid(1)));
  EXPECT_EQ(t.count(PeerCidState::retiring), 2u);
  EXPECT_EQ(t.count(PeerCidState::active), 3u);
}

TEST(ConnCids, LateCidBelowRetirePriorToIsRetiredAtOnce) {
  State t;
  ASSERT_TRUE(on_new_connection_id(t.s, new_cid(3, 2)));
  EXPECT_EQ(t.count(PeerCidState::retiring), 1u);  // CID 0
  ASSERT_TRUE(on_new_connection_id(t.s, new_cid(1)));  // arrived late
  EXPECT_EQ(t.count(PeerCidState::retiring), 2u);
  ASSERT_TRUE(on_new_connection_id(t.s, new_cid(1)));  // and again: nothing new
  EXPECT_EQ(t.count(PeerCidState::retiring), 2u);
}

TEST(ConnCids, TooManyRetirementsOutstandingIsAConnectionIdLimitError) {
  State t;
  // Each frame retires everything before it: the retirements pile up
  // unacknowledged until the table is full (RFC 9000 §5.1.2).
  Status st = ok_status();
  std::uint64_t seq = 1;
  for (; seq < 64 && st; ++seq) st = on_new_connection_id(t.s, new_cid(seq, seq));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, static_cast<std::uint64_t>(TransportErrorCode::CONNECTION_ID_LIMIT_ERROR));
  EXPECT_EQ(seq - 1, kMaxPeerCids);
}

TEST(ConnCids, OnlyTokensOfActiveCidsInUseCountAsStatelessResets) {
  State t;
  t.s.peer_cids[0].reset_token = token_of(0x80);
  t.s.peer_cids[0].has_reset_token = true;
  ASSERT_TRUE(on_new_connection_id(t.s, new_cid(1)));
  std::vector<std::uint8_t> d(40, 0x41);
  auto ending_in = [&](std::uint8_t b) {
    std::fill(d.end() - 16, d.end(), b);
    return ByteSpan(d);
  };
  EXPECT_TRUE(is_stateless_reset(t.s, ending_in(0x80)));   // CID 0: in use
  EXPECT_FALSE(is_stateless_reset(t.s, ending_in(0x81)));  // CID 1: not used yet (§10.3.1)
  ASSERT_TRUE(on_new_connection_id(t.s, new_cid(2, 1)));   // retires 0, the path moves to 1
  EXPECT_FALSE(is_stateless_reset(t.s, ending_in(0x80)));  // retired
  EXPECT_TRUE(is_stateless_reset(t.s, ending_in(0x81)));
}

}  // namespace
}  // namespace tquic::transport
