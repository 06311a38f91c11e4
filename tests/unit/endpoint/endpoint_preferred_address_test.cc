// The server's preferred address (RFC 9000 §9.6) through two endpoints:
// the client validates the path to it and moves there, the server endpoint
// routes the preferred-address CID (sequence 1), and the client stays on the
// original path when the preferred one is unreachable or not its family.
#include <gtest/gtest.h>

#include "unit/endpoint/endpoint_test_harness.h"

namespace tquic::endpoint::testing {
namespace {

using transport::ConnectionEventType;
using transport::PreferredAddressStatus;

const NetAddress kPreferredV4 = NetAddress::ipv4({10, 0, 0, 3}, 4433);
const NetAddress kPreferredV6 = NetAddress::ipv6({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3}, 4433);

EndpointConfig server_offering(NetAddress v4, NetAddress v6 = {}) {
  EndpointConfig c = server_config();
  c.connection.preferred_address_ipv4 = v4;
  c.connection.preferred_address_ipv6 = v6;
  return c;
}

// Datagrams each way, split by the server address they use.
struct Traffic {
  std::uint64_t to_preferred = 0, to_original = 0;      // client -> server
  std::uint64_t from_preferred = 0, from_original = 0;  // server -> client
};

void count_traffic(EndpointPair& p, Traffic& t, const NetAddress& preferred, bool preferred_reachable = true) {
  p.server_filter = [&t, preferred, preferred_reachable](Datagram& d) {
    const bool pa = d.tuple.local == preferred;
    ++(pa ? t.to_preferred : t.to_original);
    return !pa || preferred_reachable;
  };
  p.client_filter = [&t, preferred](Datagram& d) {
    ++(d.tuple.remote == preferred ? t.from_preferred : t.from_original);
    return true;
  };
}

// Sends `size` bytes on a new stream from client to server; true once all arrived.
bool transfer(EndpointPair& p, ConnectionHandle h, std::size_t size) {
  transport::Connection* c = p.client->connection(h);
  auto id = c->open_stream(true);
  if (!id) return false;
  const std::vector<std::uint8_t> data(size, 0x3c);
  std::size_t written = 0, got = 0;
  const ConnectionHandle server_h = p.accepted().at(0);
  const bool done = p.run_until([&] {
    transport::Connection* cc = p.client->connection(h);
    if (written < data.size()) written += *cc->stream_write(*id, ByteSpan(data).subspan(written), true);
    transport::Connection* s = p.server->connection(server_h);
    for (ByteSpan v = s->stream_peek(*id); !v.empty(); v = s->stream_peek(*id)) {
      got += v.size();
      s->stream_consume(*id, v.size());
    }
    return s->stream_fin_received(*id);
  });
  return done && got == size;
}

PreferredAddressStatus status(EndpointPair& p, ConnectionHandle h) {
  transport::Connection* c = p.client->connection(h);
  EXPECT_NE(c, nullptr) << "the client connection is gone";
  if (c && c->close_info().closed) ADD_FAILURE() << "closed: " << c->close_info().error_code << " " << c->close_info().reason;
  return c ? c->stats().preferred_address : PreferredAddressStatus::none;
}

TEST(PreferredAddress, ClientMovesThereAndTheTransferContinues) {
  EndpointPair p(server_offering(kPreferredV4));
  Traffic t;
  count_traffic(p, t, kPreferredV4);
  auto h = p.connect(7200);
  ASSERT_TRUE(p.run_until([&] { return status(p, h) == PreferredAddressStatus::migrated; }));
  EXPECT_TRUE(EndpointPair::saw(p.client_events, h, ConnectionEventType::path_validated));
  EXPECT_TRUE(EndpointPair::saw(p.client_events, h, ConnectionEventType::path_migrated));
  EXPECT_EQ(p.server->connection(p.accepted().at(0))->stats().preferred_address, PreferredAddressStatus::offered);
  const Traffic at_migration = t;
  ASSERT_TRUE(transfer(p, h, 300'000));
  // After the move the client sends everything to the preferred address, and
  // the server follows it there (RFC 9000 §9.6.3).
  EXPECT_EQ(t.to_original, at_migration.to_original);
  EXPECT_GT(t.to_preferred - at_migration.to_preferred, 100u);
  EXPECT_GT(t.from_preferred - at_migration.from_preferred, 10u);
  EXPECT_EQ(status(p, h), PreferredAddressStatus::migrated);
  // The preferred-address CID (sequence 1) reached the connection.
  EXPECT_EQ(p.server->stats().unknown_cid, 0u);
  EXPECT_EQ(p.server->stats().stateless_resets_sent, 0u);
  EXPECT_TRUE(EndpointPair::saw(p.server_events, p.accepted().at(0), ConnectionEventType::path_migrated));
  EXPECT_EQ(p.server->connection(p.accepted().at(0))->stats().preferred_address, PreferredAddressStatus::migrated);
  // The client reaches the preferred address with the CID of sequence 1
  // (RFC 9000 §5.1.1), which the server endpoint routes.
  std::vector<std::uint8_t> dcid;
  p.server_filter = [&](Datagram& d) {
    if (!(d.bytes[0] & 0x80) && d.tuple.local == kPreferredV4)
      dcid.assign(d.bytes.begin() + 1, d.bytes.begin() + 1 + static_cast<long>(p.server->cid_length()));
    return true;
  };
  ASSERT_TRUE(transfer(p, h, 1'000));
  wire::ConnectionId cid1;
  ASSERT_TRUE(p.server->connection(p.accepted().at(0))->local_cid(1, cid1));
  EXPECT_EQ(dcid, std::vector<std::uint8_t>(cid1.span().begin(), cid1.span().end()));
}

TEST(PreferredAddress, ServerPacketsFromTheOriginalAddressAreStillHandled) {
  EndpointPair p(server_offering(kPreferredV4));
  Traffic t;
  count_traffic(p, t, kPreferredV4);
  auto h = p.connect(7201);
  ASSERT_TRUE(p.run_until([&] { return status(p, h) == PreferredAddressStatus::migrated; }));
  // RFC 9000 §9.6.3: after the move, a packet from the server's original
  // address (here: the server's next datagram, as if it had left from
  // there) is processed, and the client does not move back.
  int rewritten = 0;
  p.client_filter = [&](Datagram& d) {
    if (rewritten == 0 && d.tuple.remote == kPreferredV4) {
      d.tuple.remote = p.server_addr;
      ++rewritten;
    }
    ++(d.tuple.remote == kPreferredV4 ? t.from_preferred : t.from_original);
    return true;
  };
  const Traffic at_migration = t;
  const std::uint64_t dropped = p.client->connection(h)->stats().packets_dropped;
  ASSERT_TRUE(transfer(p, h, 100'000));
  EXPECT_EQ(rewritten, 1);
  EXPECT_EQ(p.client->connection(h)->stats().packets_dropped, dropped) << "every packet was processed";
  EXPECT_EQ(t.to_original, at_migration.to_original) << "the client did not move back";
  EXPECT_EQ(status(p, h), PreferredAddressStatus::migrated);
}

TEST(PreferredAddress, UsedEvenWhenTheServerDisablesActiveMigration) {
  // RFC 9000 §18.2: disable_active_migration does not cover the preferred address.
  EndpointConfig sc = server_offering(kPreferredV4);
  sc.connection.disable_active_migration = true;
  EndpointPair p(sc);
  Traffic t;
  count_traffic(p, t, kPreferredV4);
  auto h = p.connect(7206);
  ASSERT_TRUE(p.run_until([&] { return status(p, h) == PreferredAddressStatus::migrated; }));
  const Traffic at_migration = t;
  ASSERT_TRUE(transfer(p, h, 50'000));
  EXPECT_EQ(t.to_original, at_migration.to_original);
  EXPECT_GT(t.from_preferred, at_migration.from_preferred);
}

TEST(PreferredAddress, UnreachableAddressKeepsTheOriginalPath) {
  EndpointPair p(server_offering(kPreferredV4));
  Traffic t;
  count_traffic(p, t, kPreferredV4, /*preferred_reachable=*/false);
  auto h = p.connect(7202);
  ASSERT_TRUE(p.run_until([&] { return status(p, h) == PreferredAddressStatus::failed; }));
  EXPECT_TRUE(EndpointPair::saw(p.client_events, h, ConnectionEventType::path_failed));
  EXPECT_FALSE(EndpointPair::saw(p.client_events, h, ConnectionEventType::path_migrated));
  EXPECT_GE(t.to_preferred, 2u) << "the challenge was resent before giving up";
  EXPECT_LE(t.to_preferred, 3u);
  const Traffic at_failure = t;
  ASSERT_TRUE(transfer(p, h, 200'000));
  EXPECT_EQ(t.to_preferred, at_failure.to_preferred);
  EXPECT_EQ(t.from_preferred, 0u);
  EXPECT_FALSE(p.client->connection(h)->close_info().closed);
}

TEST(PreferredAddress, AddressOfAnotherFamilyIsIgnored) {
  EndpointPair p(server_offering({}, kPreferredV6));
  Traffic t;
  count_traffic(p, t, kPreferredV6);
  auto h = p.connect(7203);
  ASSERT_TRUE(p.run_until(
      [&] { return EndpointPair::saw(p.client_events, h, ConnectionEventType::handshake_confirmed); }));
  ASSERT_TRUE(transfer(p, h, 50'000));
  EXPECT_EQ(status(p, h), PreferredAddressStatus::ignored);
  EXPECT_EQ(t.to_preferred, 0u);
  EXPECT_FALSE(EndpointPair::saw(p.client_events, h, ConnectionEventType::path_migrated));
}

TEST(PreferredAddress, ClientCanDecline) {
  EndpointPair p(server_offering(kPreferredV4, kPreferredV6));
  Traffic t;
  count_traffic(p, t, kPreferredV4);
  transport::ClientOptions o;
  o.use_preferred_address = false;
  auto h = p.connect(7204, std::move(o));
  ASSERT_TRUE(p.run_until(
      [&] { return EndpointPair::saw(p.client_events, h, ConnectionEventType::handshake_confirmed); }));
  ASSERT_TRUE(transfer(p, h, 50'000));
  EXPECT_EQ(status(p, h), PreferredAddressStatus::ignored);
  EXPECT_EQ(t.to_preferred, 0u);
}

TEST(PreferredAddress, WrongFamilyInTheServerConfigIsRefused) {
  auto tls = transport::testing::server_tls();
  auto ep = Endpoint::create(server_offering(kPreferredV6), EndpointTls{tls.get(), nullptr});
  ASSERT_FALSE(ep);
  EXPECT_NE(std::string(ep.error().reason).find("preferred_address_ipv4 must be an IPv4"), std::string::npos);
}

}  // namespace
}  // namespace tquic::endpoint::testing
