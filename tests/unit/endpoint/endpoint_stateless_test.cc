// What the endpoint answers without a connection: Version Negotiation,
// stateless resets, and the limits on both.
#include <gtest/gtest.h>

#include <cstring>

#include "endpoint_test_harness.h"
#include "wire/version_negotiation.h"

namespace tquic::endpoint::testing {
namespace {

const PathTuple kServerView{NetAddress::ipv4({10, 0, 0, 2}, 443), NetAddress::ipv4({198, 51, 100, 9}, 7777)};

// A long-header packet of `version` padded to `size` bytes.
std::vector<std::uint8_t> long_packet(std::uint32_t version, std::size_t size) {
  std::vector<std::uint8_t> p(size, 0x5c);
  ByteWriter w(p);
  EXPECT_TRUE(w.write_u8(0xc3) && w.write_u32(version) && w.write_u8(8));
  for (std::uint8_t i = 0; i < 8; ++i) EXPECT_TRUE(w.write_u8(static_cast<std::uint8_t>(0xd0 + i)));
  EXPECT_TRUE(w.write_u8(5));
  for (std::uint8_t i = 0; i < 5; ++i) EXPECT_TRUE(w.write_u8(static_cast<std::uint8_t>(0xe0 + i)));
  return p;
}

// A short-header packet with DCID `dcid`, `size` bytes long.
std::vector<std::uint8_t> short_packet(ByteSpan dcid, std::size_t size) {
  std::vector<std::uint8_t> p(size, 0x77);
  p[0] = 0x43;
  std::memcpy(p.data() + 1, dcid.data(), std::min(dcid.size(), size - 1));
  return p;
}

std::unique_ptr<Endpoint> make_server(EndpointConfig c, const crypto::TlsContext& tls) {
  auto s = Endpoint::create(std::move(c), EndpointTls{&tls, nullptr});
  EXPECT_TRUE(s);
  return s ? std::move(*s) : nullptr;
}

std::vector<std::uint8_t> next_datagram(Endpoint& ep, Timestamp now, PathTuple* tuple = nullptr) {
  std::vector<std::uint8_t> buf(65536);
  auto t = ep.write_train(buf, now);
  EXPECT_TRUE(t);
  if (!t || t->segments == 0) return {};
  EXPECT_EQ(t->segments, 1);
  if (tuple) *tuple = t->tuple;
  buf.resize(t->bytes);
  return buf;
}

const Timestamp kT0 = timestamp_from_ns(5'000'000'000);

TEST(VersionNegotiation, UnknownVersionGetsV1V2AndAGreasedVersion) {
  auto stls = transport::testing::server_tls();
  auto ep = make_server(server_config(), *stls);
  auto pkt = long_packet(0x1a2a3a4a, 1200);
  ASSERT_TRUE(ep->on_datagram(pkt, kServerView, transport::EcnMark::not_ect, kT0));
  PathTuple tuple;
  auto vn_bytes = next_datagram(*ep, kT0, &tuple);
  ASSERT_FALSE(vn_bytes.empty());
  EXPECT_EQ(tuple, kServerView);  // sent back from where it came
  auto vn = wire::parse_version_negotiation(vn_bytes);
  ASSERT_TRUE(vn);
  const std::uint8_t scid[5] = {0xe0, 0xe1, 0xe2, 0xe3, 0xe4}, dcid[8] = {0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7};
  EXPECT_TRUE(std::equal(vn->dcid.begin(), vn->dcid.end(), scid, scid + 5));  // echoes swapped
  EXPECT_TRUE(std::equal(vn->scid.begin(), vn->scid.end(), dcid, dcid + 8));
  ASSERT_EQ(vn->versions.size(), 3u);
  EXPECT_EQ(vn->versions[0], wire::kQuicVersion1);
  EXPECT_EQ(vn->versions[1], wire::kQuicVersion2);
  EXPECT_TRUE(wire::is_reserved_version(vn->versions[2]));
  EXPECT_EQ(ep->stats().version_negotiations_sent, 1u);
  EXPECT_EQ(ep->connection_count(), 0u);
  EXPECT_TRUE(next_datagram(*ep, kT0).empty());
}

TEST(VersionNegotiation, NotForSmallDatagramsVnPacketsOrClientEndpoints) {
  auto stls = transport::testing::server_tls();
  auto ctls = transport::testing::client_tls();
  auto ep = make_server(server_config(), *stls);
  auto small = long_packet(0x1a2a3a4a, 1199);
  ASSERT_TRUE(ep->on_datagram(small, kServerView, transport::EcnMark::not_ect, kT0));
  auto vn_in = long_packet(wire::kVersionNegotiationVersion, 1200);
  ASSERT_TRUE(ep->on_datagram(vn_in, kServerView, transport::EcnMark::not_ect, kT0));
  EXPECT_TRUE(next_datagram(*ep, kT0).empty());
  EXPECT_EQ(ep->stats().version_negotiations_sent, 0u);
  EXPECT_EQ(ep->stats().datagrams_dropped, 2u);

  auto client = Endpoint::create(client_config(), EndpointTls{nullptr, ctls.get()});
  ASSERT_TRUE(client);
  auto pkt = long_packet(0x1a2a3a4a, 1200);
  ASSERT_TRUE((*client)->on_datagram(pkt, kServerView, transport::EcnMark::not_ect, kT0));
  EXPECT_TRUE(next_datagram(**client, kT0).empty());
}

TEST(VersionNegotiation, IsRateLimited) {
  auto stls = transport::testing::server_tls();
  EndpointConfig c = server_config();
  c.version_negotiation_rate = RateLimit{1, 2};
  auto ep = make_server(c, *stls);
  for (int i = 0; i < 5; ++i) {
    auto pkt = long_packet(0x1a2a3a4a, 1200);
    ASSERT_TRUE(ep->on_datagram(pkt, kServerView, transport::EcnMark::not_ect, kT0));
  }
  EXPECT_EQ(ep->stats().version_negotiations_sent, 2u);
  EXPECT_EQ(ep->stats().stateless_rate_limited, 3u);
  auto pkt = long_packet(0x1a2a3a4a, 1200);
  ASSERT_TRUE(ep->on_datagram(pkt, kServerView, transport::EcnMark::not_ect, kT0 + 1s));
  EXPECT_EQ(ep->stats().version_negotiations_sent, 3u);
}

TEST(VersionNegotiation, ClientClosesWhenServerSpeaksNoneOfItsVersions) {
  EndpointConfig sc = server_config();
  sc.versions = {wire::kQuicVersion2};
  EndpointConfig cc = client_config();
  cc.connection.versions = {wire::kQuicVersion1};  // the client speaks v1 only
  EndpointPair p(sc, cc);
  std::vector<std::uint8_t> seen_vn;
  p.client_filter = [&](Datagram& d) {
    if (d.bytes.size() > 5 && (d.bytes[0] & 0x80) && d.bytes[1] == 0 && d.bytes[2] == 0 && d.bytes[3] == 0 &&
        d.bytes[4] == 0)
      seen_vn = d.bytes;
    return true;
  };
  auto h = p.connect(7000);
  ASSERT_TRUE(p.run_until([&] { return EndpointPair::saw(p.client_events, h, transport::ConnectionEventType::closed); }));
  auto vn = wire::parse_version_negotiation(seen_vn);
  ASSERT_TRUE(vn);
  EXPECT_TRUE(vn->versions.contains(wire::kQuicVersion2));
  EXPECT_FALSE(vn->versions.contains(wire::kQuicVersion1));
  transport::Connection* c = p.client->connection(h);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->close_info().error_code, static_cast<std::uint64_t>(TransportErrorCode::VERSION_NEGOTIATION_ERROR));
  EXPECT_EQ(p.server->connection_count(), 0u);
  ASSERT_TRUE(p.run_until([&] { return p.client->connection_count() == 0; }));
  EXPECT_EQ(p.client->routed_cid_count(), 0u);
}

TEST(StatelessReset, SizeRules) {
  EXPECT_EQ(StatelessResetter::reset_size(20, 0), 0u);
  EXPECT_EQ(StatelessResetter::reset_size(21, 0), 0u);  // a 21-byte reset would not be smaller
  EXPECT_EQ(StatelessResetter::reset_size(22, 0), 21u);
  EXPECT_EQ(StatelessResetter::reset_size(43, 0), 42u);
  for (std::uint64_t r = 0; r < 200; ++r) {
    const std::size_t n = StatelessResetter::reset_size(1200, r);
    EXPECT_GE(n, 42u);
    EXPECT_LE(n, kMaxResetSize);
    const std::size_t m = StatelessResetter::reset_size(45, r);
    EXPECT_GE(m, 42u);
    EXPECT_LE(m, 44u);
  }
}

TEST(StatelessReset, UnknownShortHeaderGetsAResetWithTheCidsToken) {
  auto stls = transport::testing::server_tls();
  auto ep = make_server(server_config(), *stls);
  const std::uint8_t dcid[8] = {0x01, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
  auto pkt = short_packet(ByteSpan(dcid, 8), 1200);
  ASSERT_TRUE(ep->on_datagram(pkt, kServerView, transport::EcnMark::not_ect, kT0));
  PathTuple tuple;
  auto reset = next_datagram(*ep, kT0, &tuple);
  ASSERT_GE(reset.size(), 42u);
  ASSERT_LE(reset.size(), kMaxResetSize);
  EXPECT_EQ(tuple, kServerView);
  EXPECT_EQ(reset[0] & 0xc0, 0x40);  // short header form, Fixed Bit set
  wire::ConnectionId cid;
  wire::ConnectionId::from_bytes(ByteSpan(dcid, 8), cid);
  auto token = ep->reset_token_for(cid);
  ASSERT_TRUE(token);
  EXPECT_TRUE(std::equal(token->begin(), token->end(), reset.end() - 16));
  EXPECT_EQ(ep->stats().stateless_resets_sent, 1u);

  // A small trigger gets a reset exactly one byte shorter.
  auto small = short_packet(ByteSpan(dcid, 8), 30);
  ASSERT_TRUE(ep->on_datagram(small, kServerView, transport::EcnMark::not_ect, kT0));
  EXPECT_EQ(next_datagram(*ep, kT0).size(), 29u);
}

TEST(StatelessReset, NeverAnswersTinyPackets) {
  auto stls = transport::testing::server_tls();
  auto ep = make_server(server_config(), *stls);
  const std::uint8_t dcid[8] = {9, 9, 9, 9, 9, 9, 9, 9};
  for (std::size_t size : {1u, 8u, 9u, 20u, 21u}) {
    auto pkt = short_packet(ByteSpan(dcid, 8), size);
    ASSERT_TRUE(ep->on_datagram(pkt, kServerView, transport::EcnMark::not_ect, kT0));
  }
  EXPECT_TRUE(next_datagram(*ep, kT0).empty());
  EXPECT_EQ(ep->stats().stateless_resets_sent, 0u);
  EXPECT_EQ(ep->stats().resets_not_sent_small, 3u);  // 9, 20, 21: a DCID but too small
  EXPECT_EQ(ep->stats().unknown_cid, 2u);            // 1, 8: no room for a DCID
  auto pkt = short_packet(ByteSpan(dcid, 8), 22);
  ASSERT_TRUE(ep->on_datagram(pkt, kServerView, transport::EcnMark::not_ect, kT0));
  EXPECT_EQ(next_datagram(*ep, kT0).size(), 21u);
}

// Two stateless endpoints answering each other's resets: every answer is
// smaller than its trigger, so the exchange dies out (RFC 9000 §10.3.3).
TEST(StatelessReset, ResetLoopsDieOut) {
  auto stls = transport::testing::server_tls();
  EndpointConfig other = server_config();
  other.seed = seed_of(77);
  auto a = make_server(server_config(), *stls);
  auto b = make_server(other, *stls);
  const std::uint8_t dcid[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  std::vector<std::uint8_t> pkt = short_packet(ByteSpan(dcid, 8), 1200);
  Endpoint* from = a.get();
  Endpoint* to = b.get();
  int exchanges = 0;
  while (!pkt.empty() && exchanges < 100) {
    ASSERT_TRUE(to->on_datagram(pkt, kServerView, transport::EcnMark::not_ect, kT0));
    auto answer = next_datagram(*to, kT0);
    if (!answer.empty()) {
      EXPECT_LT(answer.size(), pkt.size());
    }
    pkt = answer;
    std::swap(from, to);
    ++exchanges;
  }
  EXPECT_TRUE(pkt.empty());
  EXPECT_LT(exchanges, 50);
}

TEST(StatelessReset, IsRateLimitedAndQueueIsBounded) {
  auto stls = transport::testing::server_tls();
  EndpointConfig c = server_config();
  c.stateless_reset_rate = RateLimit{10, 5};
  c.stateless_queue_capacity = 3;
  auto ep = make_server(c, *stls);
  const std::uint8_t dcid[8] = {7, 7, 7, 7, 7, 7, 7, 7};
  for (int i = 0; i < 8; ++i) {
    auto pkt = short_packet(ByteSpan(dcid, 8), 100);
    ASSERT_TRUE(ep->on_datagram(pkt, kServerView, transport::EcnMark::not_ect, kT0));
  }
  EXPECT_EQ(ep->stats().stateless_resets_sent, 3u);   // queue of 3
  EXPECT_EQ(ep->stats().stateless_queue_drops, 5u);   // the rest did not fit
  EXPECT_EQ(ep->pending_stateless_packets(), 3u);
  while (!next_datagram(*ep, kT0).empty()) {
  }
  for (int i = 0; i < 5; ++i) {
    auto pkt = short_packet(ByteSpan(dcid, 8), 100);
    ASSERT_TRUE(ep->on_datagram(pkt, kServerView, transport::EcnMark::not_ect, kT0));
  }
  EXPECT_EQ(ep->stats().stateless_resets_sent, 5u);  // burst of 5 spent
  EXPECT_EQ(ep->stats().stateless_rate_limited, 3u);
}

// After the handshake the client's packets carry the server's CIDs; a
// server that lost its state (same static key) answers them with resets
// the client recognises.
struct ResetScenario {
  EndpointPair p;
  ConnectionHandle h;
  std::vector<std::uint8_t> client_1rtt;  // a short-header datagram from the client

  void run() {
    h = p.connect(7100);
    ASSERT_TRUE(p.run_until([&] {
      return p.client->connection(h)->is_established() && p.server->connection_count() == 1 &&
             p.server->connection(p.accepted().at(0))->is_established();
    }));
    p.server_filter = [&](Datagram& d) {
      if (!d.bytes.empty() && !(d.bytes[0] & 0x80)) client_1rtt = d.bytes;
      return true;
    };
    auto id = p.client->connection(h)->open_stream(true);
    ASSERT_TRUE(id);
    const std::uint8_t hello[5] = {'h', 'e', 'l', 'l', 'o'};
    ASSERT_TRUE(p.client->connection(h)->stream_write(*id, ByteSpan(hello, 5), false));
    ASSERT_TRUE(p.run_until([&] { return !client_1rtt.empty(); }));
  }

  // What a restarted server (same seed, so the same static reset key) sends
  // back for a trigger of `size` bytes with the client's current DCID.
  std::vector<std::uint8_t> reset_for(std::size_t size) {
    auto fresh = make_server(server_config(), *p.stls);
    std::vector<std::uint8_t> trigger(client_1rtt.begin(), client_1rtt.begin() + static_cast<long>(std::min(size, client_1rtt.size())));
    trigger.resize(size, 0);
    const PathTuple view{p.server_addr, p.client_tuple(7100).local};
    EXPECT_TRUE(fresh->on_datagram(trigger, view, transport::EcnMark::not_ect, p.now));
    return next_datagram(*fresh, p.now);
  }
};

TEST(StatelessReset, ClientConnectionRecognisesTheEndpointsReset) {
  ResetScenario s;
  s.run();
  if (::testing::Test::HasFatalFailure()) return;
  // 25-byte trigger -> 24-byte reset.
  auto reset = s.reset_for(25);
  ASSERT_EQ(reset.size(), 24u);
  transport::Connection* c = s.p.client->connection(s.h);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->on_datagram(reset, s.p.client_tuple(7100), transport::EcnMark::not_ect, s.p.now));
  EXPECT_TRUE(c->close_info().stateless_reset);
  EXPECT_TRUE(c->is_closed());
  // The endpoint notices at its next pass and forgets the connection.
  s.p.settle(1s);
  EXPECT_EQ(s.p.client->connection_count(), 0u);
  EXPECT_EQ(s.p.client->routed_cid_count(), 0u);
}

// DISABLED: engine bug, reported to the lead (src/transport/connection/
// conn_recv.cc, handle_datagram): the stateless-reset check runs only when
// parse_packet_header() fails. A reset of 29+ bytes (every reset answering
// a trigger larger than 29 bytes, e.g. any full-size packet) parses as a
// short-header packet, is dropped as "DCID not ours" (or undecryptable) and
// never compared with the reset tokens -- RFC 9000 §10.3.1 requires the
// comparison whenever the first packet cannot be associated with the
// connection or cannot be decrypted. Enable once fixed.
TEST(StatelessReset, ClientConnectionRecognisesFullSizeReset) {
  ResetScenario s;
  s.run();
  if (::testing::Test::HasFatalFailure()) return;
  auto reset = s.reset_for(1200);
  ASSERT_GE(reset.size(), 42u);
  transport::Connection* c = s.p.client->connection(s.h);
  ASSERT_NE(c, nullptr);
  ASSERT_TRUE(c->on_datagram(reset, s.p.client_tuple(7100), transport::EcnMark::not_ect, s.p.now));
  EXPECT_TRUE(c->close_info().stateless_reset);
}

}  // namespace
}  // namespace tquic::endpoint::testing
