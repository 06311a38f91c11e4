// Client connections with zero-length connection IDs behind an endpoint
// (RFC 9000 §5.1, §5.2.1): found by the local address their datagrams
// arrive on, one per local address, beside connections with CIDs on the
// same socket; never answered with a stateless reset.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "endpoint/zero_length_routes.h"
#include "endpoint_test_harness.h"

namespace tquic::endpoint::testing {
namespace {

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t salt) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 131 + (i >> 9) + salt);
  return v;
}

std::vector<std::uint8_t> answer_to(std::vector<std::uint8_t> v) {
  for (auto& b : v) b = static_cast<std::uint8_t>(~b);
  return v;
}

transport::ClientOptions zero_length() {
  transport::ClientOptions o;
  o.zero_length_cid = true;
  return o;
}

void read_into(transport::Connection& c, transport::StreamId id, std::vector<std::uint8_t>& out) {
  for (ByteSpan v = c.stream_peek(id); !v.empty(); v = c.stream_peek(id)) {
    out.insert(out.end(), v.begin(), v.end());
    c.stream_consume(id, v.size());
  }
}

std::size_t write_some(transport::Connection& c, transport::StreamId id, const std::vector<std::uint8_t>& d,
                       std::size_t from) {
  if (from == d.size()) return 0;
  auto n = c.stream_write(id, ByteSpan(d).subspan(from), true);
  EXPECT_TRUE(n) << n.error().reason;
  return n ? *n : 0;
}

bool all_established(EndpointPair& p, const std::vector<ConnectionHandle>& clients) {
  if (p.accepted().size() != clients.size()) return false;
  for (auto h : clients)
    if (!p.client->connection(h) || !p.client->connection(h)->is_established()) return false;
  for (auto h : p.accepted())
    if (!p.server->connection(h) || !p.server->connection(h)->is_established()) return false;
  return true;
}

// Each client uploads its own pattern on stream 0; the server answers each
// upload, once complete, with its complement. Every client must get the
// answer to its own upload: routing works in both directions.
void upload_and_answer(EndpointPair& p, const std::vector<ConnectionHandle>& clients) {
  constexpr transport::StreamId kStream = 0;  // the client's first bidirectional stream
  std::vector<std::vector<std::uint8_t>> up, down(clients.size());
  std::vector<std::size_t> up_written(clients.size(), 0);
  for (std::size_t i = 0; i < clients.size(); ++i) {
    up.push_back(pattern(60'000 + 1000 * i, static_cast<std::uint8_t>(i)));
    auto id = p.client->connection(clients[i])->open_stream(true);
    ASSERT_TRUE(id);
    ASSERT_EQ(*id, kStream);
  }
  std::map<std::uint32_t, std::vector<std::uint8_t>> received, answer;  // by server slot
  std::map<std::uint32_t, std::size_t> answered;
  ASSERT_TRUE(p.run_until([&] {
    for (std::size_t i = 0; i < clients.size(); ++i)
      up_written[i] += write_some(*p.client->connection(clients[i]), kStream, up[i], up_written[i]);
    for (auto h : p.accepted()) {
      transport::Connection& c = *p.server->connection(h);
      read_into(c, kStream, received[h.index]);
      if (c.stream_fin_received(kStream) && answer[h.index].empty()) answer[h.index] = answer_to(received[h.index]);
      if (!answer[h.index].empty()) answered[h.index] += write_some(c, kStream, answer[h.index], answered[h.index]);
    }
    bool done = true;
    for (std::size_t i = 0; i < clients.size(); ++i) {
      read_into(*p.client->connection(clients[i]), kStream, down[i]);
      done &= p.client->connection(clients[i])->stream_fin_received(kStream);
    }
    return done;
  }, 120s));
  for (std::size_t i = 0; i < clients.size(); ++i) EXPECT_EQ(down[i], answer_to(up[i])) << "client " << i;
}

TEST(EndpointZeroLengthCid, ClientConnectsMovesDataBothWaysAndCloses) {
  EndpointPair p;
  auto h = p.connect(5000, zero_length());
  ASSERT_TRUE(h.valid());
  ASSERT_TRUE(p.run_until([&] { return all_established(p, {h}); }));
  upload_and_answer(p, {h});
  // The server's CIDs are routed at the server; the client has none to route.
  EXPECT_GT(p.server->routed_cid_count(), 0u);
  EXPECT_EQ(p.client->routed_cid_count(), 0u);
  EXPECT_GT(p.client->stats().datagrams_routed, 0u);
  EXPECT_EQ(p.client->stats().unknown_cid, 0u);
  EXPECT_EQ(p.client->stats().stateless_resets_sent, 0u);
  p.client->connection(h)->close(3, "bye", p.now);
  ASSERT_TRUE(p.run_until([&] { return p.client->connection_count() == 0 && p.server->connection_count() == 0; }));
  EXPECT_TRUE(EndpointPair::saw(p.server_events, p.accepted()[0], transport::ConnectionEventType::closed));
  // The address route went with the connection: the address is free again.
  auto again = p.connect(5000, zero_length());
  ASSERT_TRUE(again.valid());
  EXPECT_TRUE(p.run_until([&] { return p.client->connection(again)->is_established(); }));
}

// Zero-length clients on distinct ports and a client with CIDs on the same
// local address as one of them: every datagram reaches its connection.
TEST(EndpointZeroLengthCid, ZeroLengthClientsAndAClientWithCidsShareTheEndpoint) {
  EndpointPair p;
  std::vector<ConnectionHandle> clients = {p.connect(5000, zero_length()), p.connect(5001, zero_length()),
                                           p.connect(5000), p.connect(5002, zero_length())};
  for (auto h : clients) ASSERT_TRUE(h.valid());
  ASSERT_TRUE(p.run_until([&] { return all_established(p, clients); }));
  upload_and_answer(p, clients);
  EXPECT_EQ(p.client->stats().unknown_cid, 0u);
  EXPECT_EQ(p.server->stats().unknown_cid, 0u);
  EXPECT_EQ(p.client->stats().stateless_resets_sent, 0u);
}

TEST(EndpointZeroLengthCid, OneZeroLengthConnectionPerLocalAddress) {
  EndpointPair p;
  ASSERT_TRUE(p.connect(5000, zero_length()).valid());
  transport::ClientOptions o = zero_length();
  o.server_name = "localhost";
  o.tuple = p.client_tuple(5000);
  auto same = p.client->connect(o, p.now);
  ASSERT_FALSE(same);
  EXPECT_NE(std::string(same.error().reason).find("tuple.local"), std::string::npos) << same.error().reason;
  o.tuple.local = NetAddress{};  // unset: could be any address, so it overlaps too
  EXPECT_FALSE(p.client->connect(o, p.now));
  o.tuple.local = NetAddress::ipv4({0, 0, 0, 0}, 5000);  // wildcard IP, same port
  EXPECT_FALSE(p.client->connect(o, p.now));
  // Another port, or the same address with CIDs, is fine.
  o.tuple = p.client_tuple(5001);
  EXPECT_TRUE(p.client->connect(o, p.now));
  EXPECT_TRUE(p.connect(5000).valid());
  EXPECT_EQ(p.client->connection_count(), 3u);
}

// Datagrams on the zero-length client's address that its connection cannot
// use are dropped by the connection: no stateless reset answers them (a
// token belongs to a CID, RFC 9000 §10.3). On an address without such a
// connection the same datagram is answered with a reset.
TEST(EndpointZeroLengthCid, NoStatelessResetForAZeroLengthClientsAddress) {
  EndpointPair p;
  auto h = p.connect(5000, zero_length());
  ASSERT_TRUE(p.run_until([&] { return all_established(p, {h}); }));
  std::vector<std::uint8_t> junk(200, 0x5a);
  junk[0] = 0x40;
  const std::uint64_t routed = p.client->stats().datagrams_routed;
  ASSERT_TRUE(p.client->on_datagram(junk, PathTuple{p.client_tuple(5000).local, p.server_addr},
                                    transport::EcnMark::not_ect, p.now));
  EXPECT_EQ(p.client->stats().datagrams_routed, routed + 1);
  EXPECT_EQ(p.client->stats().stateless_resets_sent, 0u);
  EXPECT_FALSE(p.client->connection(h)->close_info().closed);
  std::vector<std::uint8_t> junk2(200, 0x5a);
  junk2[0] = 0x40;
  ASSERT_TRUE(p.client->on_datagram(junk2, PathTuple{p.client_tuple(5999).local, p.server_addr},
                                    transport::EcnMark::not_ect, p.now));
  EXPECT_EQ(p.client->stats().stateless_resets_sent, 1u);
  upload_and_answer(p, {h});  // still working
}

// The server's preferred address (RFC 9000 §9.6) moves the client's remote
// address, not its local one: a zero-length client stays routable and the
// server keeps addressing it with an empty DCID on the new path.
TEST(EndpointZeroLengthCid, ZeroLengthClientMovesToThePreferredAddress) {
  EndpointConfig scfg = server_config();
  const NetAddress preferred = NetAddress::ipv4({10, 0, 0, 3}, 4433);
  scfg.connection.preferred_address_ipv4 = preferred;
  EndpointPair p(scfg);
  std::uint64_t from_preferred = 0;
  p.client_filter = [&](Datagram& d) {
    from_preferred += d.tuple.remote == preferred;
    return true;
  };
  auto h = p.connect(5000, zero_length());
  ASSERT_TRUE(p.run_until([&] {
    return p.client->connection(h)->stats().preferred_address == transport::PreferredAddressStatus::migrated;
  }));
  ASSERT_TRUE(p.run_until([&] { return all_established(p, {h}); }));
  const std::uint64_t before = from_preferred;
  upload_and_answer(p, {h});
  EXPECT_GT(from_preferred, before);
  EXPECT_EQ(p.client->stats().unknown_cid, 0u);
  EXPECT_EQ(p.client->stats().stateless_resets_sent, 0u);
}

TEST(ZeroLengthRoutes, WildcardsOverlapWhatTheyCouldReceive) {
  const NetAddress a = NetAddress::ipv4({10, 0, 0, 1}, 5000);
  EXPECT_TRUE(local_addresses_overlap(a, a));
  EXPECT_FALSE(local_addresses_overlap(a, NetAddress::ipv4({10, 0, 0, 1}, 5001)));
  EXPECT_FALSE(local_addresses_overlap(a, NetAddress::ipv4({10, 0, 0, 2}, 5000)));
  EXPECT_TRUE(local_addresses_overlap(a, NetAddress::ipv4({10, 0, 0, 1}, 0)));
  EXPECT_TRUE(local_addresses_overlap(a, NetAddress::ipv4({0, 0, 0, 0}, 5000)));
  EXPECT_FALSE(local_addresses_overlap(a, NetAddress::ipv4({0, 0, 0, 0}, 5001)));
  EXPECT_TRUE(local_addresses_overlap(a, NetAddress{}));
  EXPECT_FALSE(local_addresses_overlap(a, NetAddress::ipv6({}, 5000)));

  ZeroLengthRoutes r;
  EXPECT_TRUE(r.add(a, 1));
  EXPECT_TRUE(r.add(NetAddress::ipv4({10, 0, 0, 1}, 5001), 2));
  EXPECT_FALSE(r.add(NetAddress::ipv4({0, 0, 0, 0}, 5001), 3));
  EXPECT_EQ(r.find(NetAddress::ipv4({10, 0, 0, 1}, 5001)), 2u);
  EXPECT_EQ(r.find(NetAddress::ipv4({10, 0, 0, 1}, 5002)), ZeroLengthRoutes::kNoValue);
  r.remove(2);
  EXPECT_EQ(r.find(NetAddress::ipv4({10, 0, 0, 1}, 5001)), ZeroLengthRoutes::kNoValue);
  EXPECT_EQ(r.find(a), 1u);
  EXPECT_EQ(r.size(), 1u);
}

}  // namespace
}  // namespace tquic::endpoint::testing
