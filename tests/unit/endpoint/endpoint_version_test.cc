// Version negotiation between endpoints (RFC 9368): a Version Negotiation
// packet answered with a new attempt or a clear close, a forged one caught
// as a downgrade, and compatible negotiation behind a Retry.
#include <gtest/gtest.h>

#include "unit/endpoint/endpoint_test_harness.h"
#include "wire/retry_packet.h"
#include "wire/version_negotiation.h"

namespace tquic::endpoint::testing {
namespace {

using transport::ConnectionEventType;
constexpr std::uint32_t kV1 = wire::kQuicVersion1;
constexpr std::uint32_t kV2 = wire::kQuicVersion2;

EndpointConfig server_with(std::vector<std::uint32_t> versions) {
  EndpointConfig c = server_config();
  c.versions = std::move(versions);
  return c;
}

EndpointConfig client_with(std::uint32_t version, std::vector<std::uint32_t> versions) {
  EndpointConfig c = client_config();
  c.connection.version = version;
  c.connection.versions = std::move(versions);
  return c;
}

bool is_version_negotiation(const std::vector<std::uint8_t>& d) {
  return d.size() > 5 && (d[0] & 0x80) && d[1] == 0 && d[2] == 0 && d[3] == 0 && d[4] == 0;
}

bool both_established(EndpointPair& p, ConnectionHandle h) {
  transport::Connection* c = p.client->connection(h);
  const auto acc = p.accepted();
  return c && c->is_established() && !acc.empty() && p.server->connection(acc.back()) &&
         p.server->connection(acc.back())->is_established();
}

TEST(VersionNegotiation, V2OnlyClientAndV1OnlyServerFailWithAClearClose) {
  EndpointPair p(server_with({kV1}), client_with(kV2, {kV2}));
  bool vn_seen = false;
  p.client_filter = [&](Datagram& d) {
    vn_seen |= is_version_negotiation(d.bytes);
    return true;
  };
  auto h = p.connect(7100);
  ASSERT_TRUE(p.run_until([&] { return EndpointPair::saw(p.client_events, h, ConnectionEventType::closed); }));
  EXPECT_TRUE(vn_seen);
  transport::Connection* c = p.client->connection(h);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->close_info().error_code, static_cast<std::uint64_t>(TransportErrorCode::VERSION_NEGOTIATION_ERROR));
  EXPECT_NE(c->close_info().reason.find("none of our versions"), std::string::npos) << c->close_info().reason;
  EXPECT_EQ(p.server->connection_count(), 0u);
}

TEST(VersionNegotiation, ClientStartsAgainInAVersionTheServerOffers) {
  EndpointPair p(server_with({kV1}), client_with(kV2, {kV2, kV1}));
  int vn_count = 0;
  p.client_filter = [&](Datagram& d) {
    vn_count += is_version_negotiation(d.bytes);
    return true;
  };
  auto h = p.connect(7101);
  ASSERT_TRUE(p.run_until([&] { return both_established(p, h); }));
  EXPECT_EQ(vn_count, 1);
  transport::Connection* c = p.client->connection(h);
  EXPECT_EQ(c->version(), kV1);
  EXPECT_TRUE(c->stats().version_negotiation_received);
  EXPECT_EQ(c->stats().original_version, kV2);
  EXPECT_EQ(c->stats().negotiated_version, kV1);
  EXPECT_EQ(p.server->stats().version_negotiations_sent, 1u);
  EXPECT_EQ(p.server->connection_count(), 1u);
}

// An attacker drops the client's first Initial and answers with a Version
// Negotiation packet offering only `offer`.
void forge_version_negotiation(EndpointPair& p, std::uint32_t offer, bool& forged) {
  p.server_filter = [&p, offer, &forged](Datagram& d) {
    if (forged) return true;
    auto h = wire::parse_packet_header(d.bytes, p.server->cid_length());
    if (!h || h->type != wire::PacketType::initial) return true;
    forged = true;
    const std::uint32_t versions[] = {offer};
    std::vector<std::uint8_t> vn(wire::version_negotiation_size(h->scid.size(), h->dcid.size(), 1));
    ByteWriter w(vn);
    EXPECT_TRUE(wire::write_version_negotiation(w, h->scid.span(), h->dcid.span(), versions, 0));
    p.to_client.push_back(Datagram{p.now + p.delay, PathTuple{d.tuple.remote, d.tuple.local}, vn});
    return false;
  };
}

TEST(VersionNegotiation, ForgedVersionNegotiationIsCaughtAsADowngrade) {
  // The server speaks v2 (which the client prefers) but would keep a v1
  // client on v1; a forged VN offering only v1 makes the client retry in v1.
  EndpointPair p(server_with({kV1, kV2}), client_with(kV2, {kV2, kV1}));
  bool forged = false;
  forge_version_negotiation(p, kV1, forged);
  auto h = p.connect(7102);
  ASSERT_TRUE(p.run_until([&] { return EndpointPair::saw(p.client_events, h, ConnectionEventType::closed); }));
  transport::Connection* c = p.client->connection(h);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(forged);
  EXPECT_TRUE(c->stats().version_negotiation_received);
  // RFC 9368 §4: the server's Available Versions show the client would have
  // kept v2.
  EXPECT_EQ(c->close_info().error_code, static_cast<std::uint64_t>(TransportErrorCode::VERSION_NEGOTIATION_ERROR));
  EXPECT_FALSE(c->close_info().by_peer);
  EXPECT_NE(c->close_info().reason.find("downgrade"), std::string::npos) << c->close_info().reason;
  EXPECT_FALSE(c->is_established());
}

TEST(VersionNegotiation, ForgedVersionNegotiationIsUndoneByAServerPreferringV2) {
  // The same attack against a server that prefers v2: compatible negotiation
  // moves the client's v1 retry back to v2, which the checks accept.
  EndpointPair p(server_with({kV2, kV1}), client_with(kV2, {kV2, kV1}));
  bool forged = false;
  forge_version_negotiation(p, kV1, forged);
  auto h = p.connect(7104);
  ASSERT_TRUE(p.run_until([&] { return both_established(p, h); }));
  transport::Connection* c = p.client->connection(h);
  EXPECT_TRUE(forged);
  EXPECT_TRUE(c->stats().version_negotiation_received);
  EXPECT_EQ(c->version(), kV2);
}

TEST(CompatibleVersionNegotiation, FollowsARetryInTheOriginalVersion) {
  EndpointConfig sc = server_with({kV2, kV1});
  sc.require_retry = true;
  EndpointPair p(sc, client_with(kV1, {kV1, kV2}));
  std::uint32_t retry_version = 0;
  std::vector<std::uint32_t> server_initial_versions;
  p.client_filter = [&](Datagram& d) {
    auto h = wire::parse_packet_header(d.bytes, p.client->cid_length());
    if (h && h->type == wire::PacketType::retry) retry_version = h->version;
    if (h && h->type == wire::PacketType::initial) server_initial_versions.push_back(h->version);
    return true;
  };
  auto h = p.connect(7103);
  ASSERT_TRUE(p.run_until([&] { return both_established(p, h); }));
  EXPECT_EQ(p.server->stats().retries_sent, 1u);
  EXPECT_EQ(retry_version, kV1) << "RFC 9369 §4.1: the Retry uses the original version";
  ASSERT_FALSE(server_initial_versions.empty());
  for (std::uint32_t v : server_initial_versions) EXPECT_EQ(v, kV2);
  EXPECT_EQ(p.client->connection(h)->version(), kV2);
  EXPECT_EQ(p.server->connection(p.accepted().back())->version(), kV2);
  // The connection moves data in v2 through both endpoints' routing.
  transport::Connection* c = p.client->connection(h);
  auto id = c->open_stream(true);
  ASSERT_TRUE(id);
  const std::vector<std::uint8_t> data(50'000, 0x77);
  ASSERT_TRUE(c->stream_write(*id, data, true));
  std::size_t got = 0;
  ASSERT_TRUE(p.run_until([&] {
    transport::Connection* s = p.server->connection(p.accepted().back());
    for (ByteSpan v = s->stream_peek(*id); !v.empty(); v = s->stream_peek(*id)) {
      got += v.size();
      s->stream_consume(*id, v.size());
    }
    return s->stream_fin_received(*id);
  }));
  EXPECT_EQ(got, data.size());
}

}  // namespace
}  // namespace tquic::endpoint::testing
