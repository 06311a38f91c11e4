// Compatible version negotiation between QUIC versions 1 and 2 (RFC 9368
// §2.3, RFC 9369 §4.1) on a client/server pair: which version each packet
// header carries, the switch, loss of the switching packet, 0-RTT staying
// on the original version, and a Version field rewritten on the path.
#include <gtest/gtest.h>

#include "conn_test_harness.h"
#include "crypto/initial_secrets.h"
#include "crypto/packet_protection.h"
#include "wire/packet_header_writer.h"

namespace tquic::transport::testing {
namespace {

constexpr std::uint32_t kV1 = wire::kQuicVersion1;
constexpr std::uint32_t kV2 = wire::kQuicVersion2;

struct SeenPacket {
  wire::PacketType type;
  std::uint32_t version;
};

// Long-header packets of a datagram, in order (a short header ends it).
std::vector<SeenPacket> long_packets(const std::vector<std::uint8_t>& d) {
  std::vector<SeenPacket> out;
  for (std::size_t off = 0; off < d.size();) {
    auto h = wire::parse_packet_header(ByteSpan(d).subspan(off), 8);
    if (!h || !h->is_long_header()) break;
    out.push_back({h->type, h->version});
    off += h->packet_size;
  }
  return out;
}

// Every long-header packet each side put on the wire, in order.
struct Recorder {
  std::vector<SeenPacket> client, server;

  void step(Pipe& p) {
    record(p, *p.client, p.to_server, client);
    if (p.server) record(p, *p.server, p.to_client, server);
    p.step();
  }
  template <class Pred>
  bool run_until(Pipe& p, Pred done, Duration limit = 20s) {
    const Timestamp end = p.now + limit;
    while (!done() && p.now < end) {
      step(p);
      if (::testing::Test::HasFatalFailure()) return false;
    }
    return done();
  }
  static void record(Pipe& p, Connection& from, std::deque<InFlight>& q, std::vector<SeenPacket>& log) {
    const std::size_t before = q.size();
    p.flush(from, q);
    for (std::size_t i = before; i < q.size(); ++i)
      for (const SeenPacket& s : long_packets(q[i].bytes)) log.push_back(s);
  }
  static bool all(const std::vector<SeenPacket>& log, wire::PacketType t, std::uint32_t v) {
    return std::all_of(log.begin(), log.end(), [&](const SeenPacket& s) { return s.type != t || s.version == v; });
  }
  static std::size_t count(const std::vector<SeenPacket>& log, wire::PacketType t, std::uint32_t v) {
    return static_cast<std::size_t>(
        std::count_if(log.begin(), log.end(), [&](const SeenPacket& s) { return s.type == t && s.version == v; }));
  }
};

ConnectionConfig config_with(std::uint32_t version, std::vector<std::uint32_t> versions) {
  ConnectionConfig c;
  c.version = version;
  c.versions = std::move(versions);
  return c;
}

// The Pipe builds the client from `config` at start and the server from it
// at the client's first Initial: switch configurations in between.
void start(Pipe& p, const ConnectionConfig& client, const ConnectionConfig& server, ClientOptions o = {}) {
  p.config = client;
  p.start_client(std::move(o));
  p.config = server;
}

bool established(const Pipe& p) { return p.client->is_established() && p.server && p.server->is_established(); }

void expect_transfer(Pipe& p) {
  auto id = p.client->open_stream(true);
  ASSERT_TRUE(id);
  const std::vector<std::uint8_t> data(100'000, 0x5a);
  std::size_t written = 0, got = 0;
  ASSERT_TRUE(p.run_until([&] {
    if (written < data.size()) written += *p.client->stream_write(*id, ByteSpan(data).subspan(written), true);
    for (ByteSpan v = p.server->stream_peek(*id); !v.empty(); v = p.server->stream_peek(*id)) {
      got += v.size();
      p.server->stream_consume(*id, v.size());
    }
    return p.server->stream_fin_received(*id);
  }));
  EXPECT_EQ(got, data.size());
}

TEST(CompatibleVersionNegotiation, ServerPreferringV2SwitchesFromTheClientsV1) {
  Pipe p;
  start(p, config_with(kV1, {kV1, kV2}), config_with(kV1, {kV2, kV1}));
  Recorder r;
  ASSERT_TRUE(r.run_until(p, [&] { return established(p); }));
  ASSERT_FALSE(r.client.empty());
  EXPECT_EQ(r.client.front().type, wire::PacketType::initial);
  EXPECT_EQ(r.client.front().version, kV1) << "the first Initial uses the original version";
  ASSERT_FALSE(r.server.empty());
  EXPECT_TRUE(Recorder::all(r.server, wire::PacketType::initial, kV2)) << "the server answers in v2 only";
  EXPECT_TRUE(Recorder::all(r.server, wire::PacketType::handshake, kV2));
  EXPECT_TRUE(Recorder::all(r.client, wire::PacketType::handshake, kV2));
  EXPECT_GT(Recorder::count(r.server, wire::PacketType::handshake, kV2), 0u);
  // After the first Initial, the client's Initials follow the server to v2.
  EXPECT_EQ(Recorder::count(r.client, wire::PacketType::initial, kV1), 1u);
  EXPECT_EQ(p.client->version(), kV2);
  EXPECT_EQ(p.server->version(), kV2);
  EXPECT_EQ(p.client->stats().original_version, kV1);
  EXPECT_EQ(p.client->stats().negotiated_version, kV2);
  EXPECT_FALSE(p.client->stats().version_negotiation_received);
  expect_transfer(p);
}

TEST(CompatibleVersionNegotiation, ServerSpeakingOnlyV1StaysOnV1) {
  Pipe p;
  start(p, config_with(kV1, {kV2, kV1}), config_with(kV1, {kV1}));
  Recorder r;
  ASSERT_TRUE(r.run_until(p, [&] { return established(p); }));
  EXPECT_TRUE(Recorder::all(r.server, wire::PacketType::initial, kV1));
  EXPECT_TRUE(Recorder::all(r.server, wire::PacketType::handshake, kV1));
  EXPECT_TRUE(Recorder::all(r.client, wire::PacketType::initial, kV1));
  EXPECT_EQ(p.client->version(), kV1);
  EXPECT_EQ(p.server->version(), kV1);
  expect_transfer(p);
}

TEST(CompatibleVersionNegotiation, ClientOfferingOnlyV1IsNotSwitched) {
  Pipe p;
  start(p, config_with(kV1, {kV1}), config_with(kV1, {kV2, kV1}));
  Recorder r;
  ASSERT_TRUE(r.run_until(p, [&] { return established(p); }));
  EXPECT_TRUE(Recorder::all(r.server, wire::PacketType::initial, kV1));
  EXPECT_EQ(p.server->version(), kV1);
}

TEST(CompatibleVersionNegotiation, WorksFromV2ToV1Too) {
  // Versions 1 and 2 are compatible in both directions (RFC 9369 §4): a
  // server preferring v1 moves a client that started in v2.
  Pipe p;
  start(p, config_with(kV2, {kV2, kV1}), config_with(kV1, {kV1, kV2}));
  Recorder r;
  ASSERT_TRUE(r.run_until(p, [&] { return established(p); }));
  EXPECT_EQ(r.client.front().version, kV2);
  EXPECT_TRUE(Recorder::all(r.server, wire::PacketType::initial, kV1));
  EXPECT_TRUE(Recorder::all(r.client, wire::PacketType::handshake, kV1));
  EXPECT_EQ(p.client->version(), kV1);
  EXPECT_EQ(p.server->version(), kV1);
}

TEST(CompatibleVersionNegotiation, ClientStartingInTheServersPreferredVersionStaysThere) {
  Pipe p;
  start(p, config_with(kV2, {kV2, kV1}), config_with(kV1, {kV2, kV1}));
  Recorder r;
  ASSERT_TRUE(r.run_until(p, [&] { return established(p); }));
  EXPECT_TRUE(Recorder::all(r.server, wire::PacketType::initial, kV2));
  EXPECT_TRUE(Recorder::all(r.client, wire::PacketType::initial, kV2));
  EXPECT_EQ(p.server->version(), kV2);
}

TEST(CompatibleVersionNegotiation, LostFirstV2InitialStillEndsInV2) {
  Pipe p;
  start(p, config_with(kV1, {kV1, kV2}), config_with(kV1, {kV2, kV1}));
  Recorder r;
  ASSERT_TRUE(r.run_until(p, [&] { return p.server != nullptr; }));
  Recorder::record(p, *p.server, p.to_client, r.server);
  ASSERT_FALSE(p.to_client.empty());
  ASSERT_EQ(long_packets(p.to_client.front().bytes).front().version, kV2);
  p.to_client.clear();  // the server's whole first flight is lost
  // The client, not having heard from the server, retransmits in v1 on its
  // PTO; the server, already in v2, still opens it (RFC 9369 §4.1).
  ASSERT_TRUE(p.to_server.empty());
  for (int i = 0; i < 10 && p.to_server.empty(); ++i) {
    p.now = std::max(p.now, p.client->next_deadline());
    p.client->on_timeout(p.now);
    p.flush(*p.client, p.to_server);
  }
  ASSERT_FALSE(p.to_server.empty());
  std::vector<std::uint8_t> retransmission = p.to_server.front().bytes;
  p.to_server.pop_front();
  ASSERT_EQ(long_packets(retransmission).front().type, wire::PacketType::initial);
  ASSERT_EQ(long_packets(retransmission).front().version, kV1);
  const std::uint64_t server_rx = p.server->stats().packets_received;
  ASSERT_TRUE(p.server->on_datagram(retransmission, p.server_tuple, EcnMark::not_ect, p.now));
  EXPECT_EQ(p.server->stats().packets_received, server_rx + 1) << "the v1 Initial was opened";
  ASSERT_TRUE(r.run_until(p, [&] { return established(p); }));
  EXPECT_EQ(p.client->version(), kV2);
  EXPECT_EQ(p.server->version(), kV2);
  EXPECT_TRUE(Recorder::all(r.server, wire::PacketType::initial, kV2));
  expect_transfer(p);
}

TEST(CompatibleVersionNegotiation, ZeroRttStaysOnTheOriginalVersion) {
  // A ticket from a v1 connection is used for a v1 first flight (RFC 9369
  // §5); this time the server switches to v2.
  Pipe first;
  start(first, config_with(kV1, {kV1, kV2}), config_with(kV1, {kV1}));
  ASSERT_TRUE(first.run_until([&] { return established(first) && !first.client->session_ticket().empty(); }));
  Pipe second;
  second.stls = std::move(first.stls);
  ClientOptions o;
  o.session_ticket = first.client->session_ticket();
  o.remembered_params = first.client->session_params();
  start(second, config_with(kV1, {kV1, kV2}), config_with(kV1, {kV2, kV1}), std::move(o));
  auto id = second.client->open_stream(true);
  ASSERT_TRUE(id);
  const std::string msg = "early data";
  ASSERT_TRUE(second.client->stream_write(*id, ByteSpan(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()), true));
  Recorder r;
  std::string got;
  ASSERT_TRUE(r.run_until(second, [&] {
    if (!established(second)) return false;
    for (ByteSpan v = second.server->stream_peek(*id); !v.empty(); v = second.server->stream_peek(*id)) {
      got.append(v.begin(), v.end());
      second.server->stream_consume(*id, v.size());
    }
    return second.server->stream_fin_received(*id);
  }));
  EXPECT_EQ(got, msg);
  EXPECT_GT(Recorder::count(r.client, wire::PacketType::zero_rtt, kV1), 0u);
  EXPECT_TRUE(Recorder::all(r.client, wire::PacketType::zero_rtt, kV1)) << "0-RTT never uses the negotiated version";
  EXPECT_TRUE(second.server->early_data_accepted());
  EXPECT_EQ(second.client->version(), kV2);
  EXPECT_EQ(second.server->version(), kV2);
}

// An on-path attacker can read and rewrite Initial packets (their keys come
// from the DCID): here it turns the client's v2 Initial into a v1 one.
std::vector<std::uint8_t> rewrite_initial_version(std::vector<std::uint8_t> d, std::uint32_t to) {
  auto h = wire::parse_packet_header(d, 8);
  EXPECT_TRUE(h && h->type == wire::PacketType::initial);
  crypto::QuicVersion from_v, to_v;
  EXPECT_TRUE(crypto::quic_version_from_wire(h->version, from_v) && crypto::quic_version_from_wire(to, to_v));
  auto from_keys = crypto::make_initial_keys(from_v, h->dcid.span());
  auto to_keys = crypto::make_initial_keys(to_v, h->dcid.span());
  EXPECT_TRUE(from_keys && to_keys);
  auto opened = crypto::unprotect(MutByteSpan(d).first(h->packet_size), h->pn_offset, crypto::kNoPacketNumber,
                                  *from_keys->client.aead, *from_keys->client.header_protector);
  EXPECT_TRUE(opened && opened->outcome == crypto::UnprotectOutcome::ok);
  const std::vector<std::uint8_t> payload(opened->payload.begin(), opened->payload.end());
  std::vector<std::uint8_t> out(d.size() + 64);
  ByteWriter w(out);
  wire::LongHeaderFields f;
  f.type = wire::PacketType::initial;
  f.version = to;
  f.dcid = h->dcid;
  f.scid = h->scid;
  auto layout = wire::write_long_header(w, f, opened->packet_number, opened->pn_length);
  EXPECT_TRUE(layout);
  EXPECT_TRUE(w.write_bytes(payload));
  const std::size_t end = w.written() + 16;
  EXPECT_TRUE(wire::set_long_header_length(out, *layout, end));
  auto n = crypto::protect(MutByteSpan(out).first(end), layout->pn_offset, layout->pn_length, opened->packet_number,
                           payload.size(), *to_keys->client.aead, *to_keys->client.header_protector);
  EXPECT_TRUE(n);
  out.resize(end);
  return out;
}

TEST(CompatibleVersionNegotiation, RewrittenVersionFieldIsAVersionNegotiationError) {
  Pipe p;
  start(p, config_with(kV2, {kV2, kV1}), config_with(kV1, {kV1, kV2}));
  p.flush(*p.client, p.to_server);
  ASSERT_FALSE(p.to_server.empty());
  p.to_server.front().bytes = rewrite_initial_version(p.to_server.front().bytes, kV1);
  ASSERT_EQ(long_packets(p.to_server.front().bytes).front().version, kV1);
  ASSERT_TRUE(p.run_until([&] { return p.server && p.server->close_info().closed; }, 5s));
  // RFC 9368 §4: the client's Chosen Version (v2) is not the version of the
  // packets that carried it (v1).
  EXPECT_EQ(p.server->close_info().error_code,
            static_cast<std::uint64_t>(TransportErrorCode::VERSION_NEGOTIATION_ERROR));
  EXPECT_FALSE(p.server->close_info().by_peer);
}

TEST(CompatibleVersionNegotiation, ClientVersionMustBeListed) {
  ConnectionConfig c = config_with(kV2, {kV1});
  CounterCids cids{1};
  auto tls = client_tls();
  ClientOptions o;
  o.server_name = "localhost";
  o.random_seed = seed(3);
  auto conn = Connection::client(c, *tls, cids, std::move(o), timestamp_from_ns(0));
  ASSERT_FALSE(conn);
  EXPECT_NE(std::string(conn.error().reason).find("versions"), std::string::npos);
}

}  // namespace
}  // namespace tquic::transport::testing
