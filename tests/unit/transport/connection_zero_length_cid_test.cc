// Zero-length connection IDs (RFC 9000 §5.1, §5.1.1, §7.2, §9.5, §10.3,
// §19.15, §19.16): either side may choose one. The side that did is sent
// packets with an empty DCID, never issues NEW_CONNECTION_ID and closes
// with PROTOCOL_VIOLATION on a RETIRE_CONNECTION_ID; its peer closes with
// PROTOCOL_VIOLATION on a NEW_CONNECTION_ID. The other direction is not
// special: the side with a non-empty CID still issues, rotates and retires
// CIDs.
#include <gtest/gtest.h>

#include <string>

#include "conn_violation_util.h"
#include "wire/packet_header.h"

namespace tquic::transport::testing {
namespace {

using C = TransportErrorCode;
using L = wire::EncryptionLevel;

struct Sides {
  bool client_zero = false;
  bool server_zero = false;
};

// Counts what each side put in the CID fields of its long headers (short
// headers carry no length: that they decrypt at all shows the DCID fits).
struct LongHeaderCids {
  std::size_t to_server = 0, to_client = 0;
  std::size_t empty_scid_to_server = 0, empty_dcid_to_client = 0;  // client -> server SCID, server -> client DCID
  std::size_t empty_scid_to_client = 0, empty_dcid_to_server = 0;
  std::size_t initials_to_server = 0;

  void observe(bool upstream, ByteSpan d) {
    while (!d.empty() && (d[0] & 0x80)) {
      auto h = wire::parse_packet_header(d, 0);
      if (!h) return;
      if (upstream) {
        ++to_server;
        empty_scid_to_server += h->scid.empty();
        // The first Initials carry the client's random DCID (§7.2).
        if (h->type == wire::PacketType::initial) ++initials_to_server;
        else empty_dcid_to_server += h->dcid.empty();
      } else {
        ++to_client;
        empty_dcid_to_client += h->dcid.empty();
        empty_scid_to_client += h->scid.empty();
      }
      d = d.subspan(h->packet_size);
    }
  }
};

void start(Pipe& p, Sides sides) {
  p.server_zero_length_cid = sides.server_zero;
  ClientOptions o;
  o.zero_length_cid = sides.client_zero;
  p.start_client(std::move(o));
}

// Handshake confirmed, post-handshake frames (NEW_CONNECTION_ID, tickets) delivered.
bool establish_with(Pipe& p, Sides sides) {
  start(p, sides);
  if (::testing::Test::HasFatalFailure()) return false;
  if (!p.run_until([&] { return p.client->is_established() && p.server && p.server->is_established(); }))
    return false;
  if (!p.run_until([&] { return has_event(p.client_events, ConnectionEventType::handshake_confirmed); }))
    return false;
  settle(p, 200ms);
  return !::testing::Test::HasFatalFailure();
}

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t salt) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 131 + (i >> 9) + salt);
  return v;
}

void read_into(Connection& c, StreamId id, std::vector<std::uint8_t>& out) {
  for (ByteSpan v = c.stream_peek(id); !v.empty(); v = c.stream_peek(id)) {
    out.insert(out.end(), v.begin(), v.end());
    c.stream_consume(id, v.size());
  }
}

std::size_t write_some(Connection& c, StreamId id, const std::vector<std::uint8_t>& data, std::size_t from) {
  if (from == data.size()) return 0;
  auto n = c.stream_write(id, ByteSpan(data).subspan(from), true);
  EXPECT_TRUE(n) << n.error().reason;
  return n ? *n : 0;
}

// The client sends `n` bytes on a new bidirectional stream, the server
// answers with `n` other bytes on it; both must arrive intact.
void exchange(Pipe& p, std::size_t n, Duration limit = 60s) {
  const auto up = pattern(n, 1), down = pattern(n, 2);
  auto id = p.client->open_stream(true);
  ASSERT_TRUE(id);
  std::size_t up_written = 0, down_written = 0;
  std::vector<std::uint8_t> got_up, got_down;
  const bool done = p.run_until([&] {
    up_written += write_some(*p.client, *id, up, up_written);
    read_into(*p.server, *id, got_up);
    if (!got_up.empty()) down_written += write_some(*p.server, *id, down, down_written);
    read_into(*p.client, *id, got_down);
    return p.server->stream_fin_received(*id) && p.client->stream_fin_received(*id);
  }, limit);
  ASSERT_TRUE(done) << "up " << got_up.size() << "/" << n << " down " << got_down.size() << "/" << n
                    << " client: " << p.client->close_info().reason << " server: " << p.server->close_info().reason;
  EXPECT_EQ(got_up, up);
  EXPECT_EQ(got_down, down);
}

void close_cleanly(Pipe& p) {
  p.client->close(7, "done", p.now);
  ASSERT_TRUE(p.run_until([&] { return p.server->close_info().closed; }, 5s));
  EXPECT_TRUE(p.server->close_info().by_peer);
  EXPECT_TRUE(p.server->close_info().is_application);
  EXPECT_EQ(p.server->close_info().error_code, 7u);
  EXPECT_TRUE(p.run_until([&] { return p.client->is_closed() && p.server->is_closed(); }, 10s));
}

std::size_t count_events(const std::vector<ConnectionEvent>& evs, ConnectionEventType t) {
  std::size_t n = 0;
  for (const ConnectionEvent& e : evs) n += e.type == t;
  return n;
}

TEST(ZeroLengthCid, ClientWithZeroLengthCidConnectsTransfersBothWaysAndCloses) {
  Pipe p;
  LongHeaderCids seen;
  p.observe = [&](bool to_server, ByteSpan d) { seen.observe(to_server, d); };
  ASSERT_TRUE(establish_with(p, {true, false}));
  exchange(p, 300'000);
  // The client's long headers carry an empty SCID and the server's an
  // empty DCID (§7.2); the server's never do.
  EXPECT_GT(seen.to_server, 0u);
  EXPECT_EQ(seen.empty_scid_to_server, seen.to_server);
  EXPECT_GT(seen.to_client, 0u);
  EXPECT_EQ(seen.empty_dcid_to_client, seen.to_client);
  EXPECT_EQ(seen.empty_scid_to_client, 0u);
  EXPECT_EQ(seen.empty_dcid_to_server, 0u);
  // Only the server issues CIDs (§5.1.1): the client has nothing to issue.
  EXPECT_EQ(count_events(p.client_events, ConnectionEventType::local_cid_issued), 0u);
  EXPECT_GE(count_events(p.server_events, ConnectionEventType::local_cid_issued), 1u);
  close_cleanly(p);
}

TEST(ZeroLengthCid, ServerWithZeroLengthCidConnectsTransfersBothWaysAndCloses) {
  Pipe p;
  LongHeaderCids seen;
  p.observe = [&](bool to_server, ByteSpan d) { seen.observe(to_server, d); };
  ASSERT_TRUE(establish_with(p, {false, true}));
  exchange(p, 300'000);
  // After the server's first Initial the client addresses it with an empty
  // DCID (§7.2); the server names itself with an empty SCID.
  EXPECT_GT(seen.to_server, seen.initials_to_server);
  EXPECT_EQ(seen.empty_dcid_to_server, seen.to_server - seen.initials_to_server);
  EXPECT_EQ(seen.empty_scid_to_client, seen.to_client);
  EXPECT_EQ(seen.empty_scid_to_server, 0u);
  EXPECT_EQ(count_events(p.server_events, ConnectionEventType::local_cid_issued), 0u);
  EXPECT_GE(count_events(p.client_events, ConnectionEventType::local_cid_issued), 1u);
  close_cleanly(p);
}

TEST(ZeroLengthCid, BothSidesWithZeroLengthCids) {
  Pipe p;
  ASSERT_TRUE(establish_with(p, {true, true}));
  exchange(p, 100'000);
  EXPECT_EQ(count_events(p.client_events, ConnectionEventType::local_cid_issued), 0u);
  EXPECT_EQ(count_events(p.server_events, ConnectionEventType::local_cid_issued), 0u);
  close_cleanly(p);
}

TEST(ZeroLengthCid, LossRecoveryAndKeyUpdateStillWork) {
  Pipe p;
  ASSERT_TRUE(establish_with(p, {true, false}));
  p.loss = 0.05;
  Status last;
  ASSERT_TRUE(p.run_until([&] { return (last = p.client->initiate_key_update()).ok(); }, 5s)) << last.error().reason;
  exchange(p, 300'000, 120s);
  EXPECT_GT(p.client->stats().packets_lost + p.server->stats().packets_lost, 0u);
  EXPECT_GE(p.client->stats().key_updates, 1u);
  EXPECT_GE(p.server->stats().key_updates, 1u);
  // And the other way round: the server updates the keys of a client it
  // addresses with an empty DCID.
  ASSERT_TRUE(p.run_until([&] { return (last = p.server->initiate_key_update()).ok(); }, 5s)) << last.error().reason;
  exchange(p, 100'000, 120s);
  EXPECT_GE(p.client->stats().key_updates, 2u);
  EXPECT_FALSE(p.client->close_info().closed) << p.client->close_info().reason;
}

// §9.5: a NAT rebinding is outside the client's control; the server keeps
// sending it an empty DCID on the new path and validates the path.
TEST(ZeroLengthCid, NatRebindingOfAZeroLengthClientIsFollowed) {
  Pipe p;
  ASSERT_TRUE(establish_with(p, {true, false}));
  p.client_tuple.local.port = 6000;
  p.rebind_client = true;
  exchange(p, 200'000);
  EXPECT_TRUE(has_event(p.server_events, ConnectionEventType::path_validated));
}

TEST(ZeroLengthCid, MigrationIsRefusedOnEitherSide) {
  PathTuple moved{NetAddress::ipv4({10, 0, 0, 9}, 7000), NetAddress::ipv4({10, 0, 0, 2}, 443)};
  for (Sides sides : {Sides{true, false}, Sides{false, true}}) {
    Pipe p;
    ASSERT_TRUE(establish_with(p, sides));
    const Status st = p.client->migrate(moved, p.now);
    ASSERT_FALSE(st);
    EXPECT_NE(std::string(st.error().reason).find("zero-length"), std::string::npos) << st.error().reason;
    exchange(p, 10'000);  // the connection stays where it was
  }
  // The control: with CIDs on both sides the same migration is accepted.
  Pipe p;
  ASSERT_TRUE(establish_with(p, {}));
  EXPECT_TRUE(p.client->migrate(moved, p.now));
}

// The side with a non-empty CID is not affected: the zero-length client
// still follows the server's Retire Prior To, retires its CIDs with
// RETIRE_CONNECTION_ID and moves to a new one; the server replaces them.
TEST(ZeroLengthCid, ThePeerOfAZeroLengthClientStillRotatesItsCids) {
  Pipe p;
  ASSERT_TRUE(establish_with(p, {true, false}));
  // The server's CID 4 (its CidSource's fifth draw) with Retire Prior To 3.
  CounterCids replay(0x51);
  wire::ConnectionId cid;
  wire::StatelessResetToken token{};
  for (int i = 0; i < 5; ++i) replay.next_cid(cid, token);
  Bytes b;
  b.u8(0x18).v(4).v(3).u8(static_cast<std::uint8_t>(cid.size()));
  for (std::uint8_t x : cid.span()) b.u8(x);
  for (std::uint8_t x : token) b.u8(x);
  inject(p, *p.client, L::one_rtt, b.data);
  settle(p, 200ms);
  EXPECT_EQ(count_events(p.server_events, ConnectionEventType::local_cid_retired), 3u);
  exchange(p, 50'000);
  EXPECT_FALSE(p.server->close_info().closed) << p.server->close_info().reason;
}

// §10.3.1: the zero-length client recognises the server's stateless reset
// by the token of the server CID it sends with.
TEST(ZeroLengthCid, ZeroLengthClientRecognisesTheServersStatelessReset) {
  Pipe p;
  ASSERT_TRUE(establish_with(p, {true, false}));
  CounterCids replay(0x51);  // the server's CID 0 and its token
  wire::ConnectionId cid;
  wire::StatelessResetToken token{};
  replay.next_cid(cid, token);
  std::vector<std::uint8_t> reset(40, 0x3c);
  reset[0] = 0x41;
  std::copy(token.begin(), token.end(), reset.end() - 16);
  ASSERT_TRUE(p.client->on_datagram(reset, p.client_tuple, EcnMark::not_ect, p.now));
  EXPECT_TRUE(p.client->close_info().stateless_reset);
  EXPECT_TRUE(p.client->is_closed());
}

// §18.2: "A server that chooses a zero-length connection ID MUST NOT
// provide a preferred address": configuring both is refused at setup.
TEST(ZeroLengthCid, ServerWithZeroLengthCidCannotOfferAPreferredAddress) {
  ConnectionConfig cfg;
  cfg.preferred_address_ipv4 = NetAddress::ipv4({10, 0, 0, 3}, 443);
  auto tls = server_tls();
  CounterCids cids(0x51);
  ServerOptions o;
  o.tuple = PathTuple{NetAddress::ipv4({10, 0, 0, 2}, 443), NetAddress::ipv4({10, 0, 0, 1}, 5000)};
  std::uint8_t dcid[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  wire::ConnectionId::from_bytes(ByteSpan(dcid, 8), o.client_dcid);
  o.original_dcid = o.client_dcid;
  o.version = wire::kQuicVersion1;
  o.random_seed = seed(9);
  o.zero_length_cid = true;
  auto refused = Connection::server(cfg, *tls, cids, o, timestamp_from_ns(1'000'000'000));
  ASSERT_FALSE(refused);
  EXPECT_NE(std::string(refused.error().reason).find("preferred address"), std::string::npos);
  o.zero_length_cid = false;
  EXPECT_TRUE(Connection::server(cfg, *tls, cids, o, timestamp_from_ns(1'000'000'000)));
}

// --- the rules of §19.15 and §19.16 toward a zero-length CID ---

struct ZeroLengthViolation {
  const char* name;
  Sides sides;
  bool at_server;
  std::vector<std::uint8_t> payload;
  std::uint64_t frame_type;
};

std::vector<std::uint8_t> new_cid(std::uint64_t seq) {
  return Bytes().u8(0x18).v(seq).v(0).u8(8).fill(8, 0x42).fill(16, 0x77).data;
}
std::vector<std::uint8_t> retire_cid(std::uint64_t seq) { return Bytes().u8(0x19).v(seq).data; }

std::vector<ZeroLengthViolation> violations() {
  return {
      // §19.15: "An endpoint that is sending packets with a zero-length
      // Destination Connection ID MUST treat receipt of a NEW_CONNECTION_ID
      // frame as a connection error of type PROTOCOL_VIOLATION."
      {"NewCidFromAZeroLengthClient", {true, false}, true, new_cid(1), 0x18},
      {"NewCidFromAZeroLengthServer", {false, true}, false, new_cid(1), 0x18},
      {"NewCidBetweenZeroLengthSides", {true, true}, true, new_cid(1), 0x18},
      // §19.16: "An endpoint that provides a zero-length connection ID MUST
      // treat receipt of a RETIRE_CONNECTION_ID frame as a connection error
      // of type PROTOCOL_VIOLATION."
      {"RetireCidAtAZeroLengthClient", {true, false}, false, retire_cid(0), 0x19},
      {"RetireCidAtAZeroLengthServer", {false, true}, true, retire_cid(0), 0x19},
      {"RetireUnissuedCidAtAZeroLengthClient", {true, false}, false, retire_cid(5), 0x19},
  };
}

class ZeroLengthCidViolation : public ::testing::TestWithParam<ZeroLengthViolation> {};

TEST_P(ZeroLengthCidViolation, ClosesWithProtocolViolation) {
  const ZeroLengthViolation& c = GetParam();
  Pipe p;
  ASSERT_TRUE(establish_with(p, c.sides));
  Connection& victim = c.at_server ? *p.server : *p.client;
  inject(p, victim, L::one_rtt, c.payload);
  EXPECT_NE(victim.close_info().reason.find("zero-length"), std::string::npos) << victim.close_info().reason;
  expect_connection_error(p, victim, c.at_server ? *p.client : *p.server, C::PROTOCOL_VIOLATION, c.frame_type);
}

INSTANTIATE_TEST_SUITE_P(Table, ZeroLengthCidViolation, ::testing::ValuesIn(violations()),
                         [](const ::testing::TestParamInfo<ZeroLengthViolation>& i) { return i.param.name; });

}  // namespace
}  // namespace tquic::transport::testing
