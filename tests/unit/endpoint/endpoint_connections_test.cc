// Client and server endpoints in one process: many handshakes, stream data
// on each connection, routing, and removal of closed connections.
#include <gtest/gtest.h>

#include <map>

#include "endpoint_test_harness.h"

namespace tquic::endpoint::testing {
namespace {

using transport::ConnectionEventType;

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t salt) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 131 + (i >> 9) + salt);
  return v;
}

TEST(Endpoint, TwentyConcurrentConnectionsHandshakeAndMoveData) {
  EndpointPair p;
  constexpr int kConnections = 20;
  std::vector<ConnectionHandle> clients;
  for (int i = 0; i < kConnections; ++i) clients.push_back(p.connect(static_cast<std::uint16_t>(5000 + i)));
  ASSERT_TRUE(p.run_until([&] {
    if (p.accepted().size() != kConnections) return false;
    for (auto h : clients)
      if (!p.client->connection(h) || !p.client->connection(h)->is_established()) return false;
    for (auto h : p.accepted())
      if (!p.server->connection(h) || !p.server->connection(h)->is_established()) return false;
    return true;
  }));
  EXPECT_EQ(p.server->connection_count(), static_cast<std::size_t>(kConnections));
  EXPECT_EQ(p.client->connection_count(), static_cast<std::size_t>(kConnections));
  EXPECT_EQ(p.server->stats().connections_accepted, static_cast<std::uint64_t>(kConnections));

  // Each client sends its own pattern on one stream; the server collects
  // what arrives per connection.
  std::vector<std::vector<std::uint8_t>> sent;
  std::vector<transport::StreamId> ids;
  std::vector<std::size_t> written(kConnections, 0);
  for (int i = 0; i < kConnections; ++i) {
    sent.push_back(pattern(40'000 + 1000 * static_cast<std::size_t>(i), static_cast<std::uint8_t>(i)));
    auto id = p.client->connection(clients[i])->open_stream(true);
    ASSERT_TRUE(id);
    ids.push_back(*id);
  }
  std::map<std::uint32_t, std::vector<std::uint8_t>> got;  // by server slot index
  std::map<std::uint32_t, bool> fin;
  std::size_t scanned = 0;
  ASSERT_TRUE(p.run_until([&] {
    for (int i = 0; i < kConnections; ++i) {
      if (written[i] == sent[i].size()) continue;
      auto n = p.client->connection(clients[i])->stream_write(ids[i], ByteSpan(sent[i]).subspan(written[i]), true);
      EXPECT_TRUE(n);
      if (n) written[i] += *n;
    }
    for (; scanned < p.server_events.size(); ++scanned) {
      const EndpointEvent& e = p.server_events[scanned];
      if (e.type != EndpointEventType::connection || e.event.type != ConnectionEventType::stream_readable) continue;
      transport::Connection* c = p.server->connection(e.handle);
      EXPECT_NE(c, nullptr);
      if (!c) continue;
      auto& buf = got[e.handle.index];
      for (ByteSpan v = c->stream_peek(e.event.stream_id); !v.empty(); v = c->stream_peek(e.event.stream_id)) {
        buf.insert(buf.end(), v.begin(), v.end());
        c->stream_consume(e.event.stream_id, v.size());
      }
      if (c->stream_fin_received(e.event.stream_id)) fin[e.handle.index] = true;
    }
    return fin.size() == kConnections;
  }, 120s));
  // Every payload arrived intact, each on its own connection.
  std::vector<bool> matched(kConnections, false);
  for (const auto& [slot, bytes] : got) {
    bool found = false;
    for (int i = 0; i < kConnections; ++i)
      if (!matched[i] && bytes == sent[i]) matched[i] = found = true;
    EXPECT_TRUE(found) << "server slot " << slot << " got " << bytes.size() << " bytes matching no client";
  }
  EXPECT_EQ(std::count(matched.begin(), matched.end(), true), kConnections);
  EXPECT_EQ(p.server->stats().unknown_cid, 0u);
  EXPECT_EQ(p.client->stats().unknown_cid, 0u);
}

TEST(Endpoint, ClosedConnectionsFreeEverySlotAndRoute) {
  EndpointPair p;
  std::vector<ConnectionHandle> clients;
  for (int i = 0; i < 5; ++i) clients.push_back(p.connect(static_cast<std::uint16_t>(6000 + i)));
  ASSERT_TRUE(p.run_until([&] {
    if (p.accepted().size() != 5) return false;
    for (auto h : p.accepted())
      if (!p.server->connection(h)->is_established()) return false;
    for (auto h : clients)
      if (!p.client->connection(h)->is_established()) return false;
    return true;
  }));
  // Connection IDs beyond the handshake ones were issued and routed.
  ASSERT_TRUE(p.run_until([&] { return p.server->routed_cid_count() > 10 && p.client->routed_cid_count() > 5; }));
  for (auto h : clients) p.client->connection(h)->close(7, "done", p.now);
  ASSERT_TRUE(p.run_until([&] {
    return p.client->connection_count() == 0 && p.server->connection_count() == 0;
  }));
  for (auto h : clients) {
    EXPECT_TRUE(EndpointPair::removed(p.client_events, h));
    EXPECT_EQ(p.client->connection(h), nullptr) << "handle must be stale after removal";
  }
  for (auto h : p.accepted()) {
    EXPECT_TRUE(EndpointPair::saw(p.server_events, h, ConnectionEventType::closed));
    EXPECT_TRUE(EndpointPair::removed(p.server_events, h));
  }
  EXPECT_EQ(p.server->routed_cid_count(), 0u);
  EXPECT_EQ(p.client->routed_cid_count(), 0u);
  EXPECT_EQ(p.server->next_deadline(), kTimeInfinite);
  EXPECT_EQ(p.client->next_deadline(), kTimeInfinite);
  EXPECT_EQ(p.server->stats().connections_removed, 5u);

  // Freed slots are reused under a new generation.
  auto h = p.connect(6100);
  ASSERT_TRUE(h.valid());
  bool reused = false;
  for (auto old : clients) reused |= old.index == h.index && old.generation != h.generation;
  EXPECT_TRUE(reused);
  EXPECT_TRUE(p.run_until([&] { return p.client->connection(h)->is_established(); }));
}

TEST(Endpoint, RemovedConnectionStillAnswersUntilNextCall) {
  EndpointPair p;
  auto h = p.connect(6200);
  ASSERT_TRUE(p.run_until([&] { return p.client->connection(h)->is_established(); }));
  p.client->connection(h)->close(3, "bye", p.now);
  // Drive the pair by hand so the client's `removed` event stays unpolled.
  bool seen = false;
  for (int i = 0; i < 10000 && !seen; ++i) {
    p.flush(*p.client, p.to_server, nullptr, p.to_server_count);
    p.flush(*p.server, p.to_client, nullptr, p.to_client_count);
    Timestamp next = std::min(p.client->next_deadline(), p.server->next_deadline());
    for (const auto& d : p.to_server) next = std::min(next, d.arrival);
    for (const auto& d : p.to_client) next = std::min(next, d.arrival);
    if (next == kTimeInfinite) break;
    p.now = std::max(p.now, next);
    EndpointPair::deliver_due(*p.server, p.to_server, p.now);
    EndpointPair::deliver_due(*p.client, p.to_client, p.now);
    p.client->on_timeout(p.now);
    p.server->on_timeout(p.now);
    EndpointEvent ev;
    while (p.server->poll_event(ev)) {
    }
    while (!seen && p.client->poll_event(ev)) seen = ev.type == EndpointEventType::removed;
  }
  ASSERT_TRUE(seen);
  transport::Connection* c = p.client->connection(h);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->is_closed());
  EXPECT_EQ(c->close_info().error_code, 3u);
  EndpointEvent ev;
  while (p.client->poll_event(ev)) {
  }
  EXPECT_EQ(p.client->connection(h), nullptr);
}

// A client moving to a new address switches to a server CID issued with
// NEW_CONNECTION_ID: the server endpoint must route it.
TEST(Endpoint, MigratedClientIsRoutedByItsNewCid) {
  EndpointPair p;
  auto h = p.connect(6250);
  ASSERT_TRUE(p.run_until([&] {
    auto acc = p.accepted();
    return p.client->connection(h)->is_established() && acc.size() == 1 &&
           EndpointPair::saw(p.client_events, h, ConnectionEventType::handshake_confirmed) &&
           p.server->routed_cid_count() > 2;
  }));
  std::vector<std::uint8_t> seen_dcids, old_dcids;
  p.server_filter = [&](Datagram& d) {
    if (!(d.bytes[0] & 0x80)) (d.tuple.remote.port == 6251 ? seen_dcids : old_dcids).assign(d.bytes.begin() + 1, d.bytes.begin() + 9);
    return true;
  };
  p.settle(50ms);
  ASSERT_TRUE(p.client->connection(h)->migrate(p.client_tuple(6251), p.now));
  auto id = p.client->connection(h)->open_stream(true);
  ASSERT_TRUE(id);
  const std::uint8_t msg[4] = {9, 8, 7, 6};
  ASSERT_TRUE(p.client->connection(h)->stream_write(*id, ByteSpan(msg, 4), true));
  const auto server_h = p.accepted().at(0);
  ASSERT_TRUE(p.run_until([&] { return p.server->connection(server_h)->stream_peek(*id).size() == 4; }));
  ASSERT_FALSE(seen_dcids.empty());
  ASSERT_FALSE(old_dcids.empty());
  EXPECT_NE(seen_dcids, old_dcids);  // a CID issued in NEW_CONNECTION_ID
  EXPECT_EQ(p.server->stats().unknown_cid, 0u);
  EXPECT_EQ(p.server->stats().stateless_resets_sent, 0u);
}

// Timers: an idle connection is closed by on_timeout() and removed,
// without any datagram arriving.
TEST(Endpoint, IdleTimeoutRemovesConnectionsThroughTheTimerHeap) {
  EndpointConfig sc = server_config(), cc = client_config();
  sc.connection.max_idle_timeout = 2s;
  cc.connection.max_idle_timeout = 2s;
  EndpointPair p(sc, cc);
  auto h = p.connect(6270);
  ASSERT_TRUE(p.run_until([&] { return p.client->connection(h)->is_established() && p.accepted().size() == 1; }));
  EXPECT_NE(p.client->next_deadline(), kTimeInfinite);
  const Timestamp start = p.now;
  ASSERT_TRUE(p.run_until([&] { return p.client->connection_count() == 0 && p.server->connection_count() == 0; }, 30s));
  EXPECT_GE(p.now - start, 1s);
  EXPECT_TRUE(EndpointPair::removed(p.client_events, h));
  EXPECT_EQ(p.client->routed_cid_count(), 0u);
  EXPECT_EQ(p.server->routed_cid_count(), 0u);
  EXPECT_EQ(p.client->next_deadline(), kTimeInfinite);
  EXPECT_EQ(p.server->next_deadline(), kTimeInfinite);
}

TEST(Endpoint, UndersizedInitialIsDropped) {
  EndpointPair p;
  // Shorten the client's Initial by one byte and fix its Length field, so
  // the header still parses and only the datagram size is wrong.
  p.server_filter = [](Datagram& d) {
    auto h = wire::parse_packet_header(d.bytes, 8);
    if (!h || h->type != wire::PacketType::initial || h->packet_size != d.bytes.size()) return true;
    const std::size_t at = h->pn_offset - 2;  // 2-byte Length varint
    EXPECT_EQ(d.bytes[at] & 0xc0, 0x40);
    const std::uint64_t length = h->length - 1;
    d.bytes[at] = static_cast<std::uint8_t>(0x40 | (length >> 8));
    d.bytes[at + 1] = static_cast<std::uint8_t>(length);
    d.bytes.pop_back();
    EXPECT_TRUE(wire::parse_packet_header(d.bytes, 8));
    return true;
  };
  auto h = p.connect(6300);
  p.settle(2s);
  EXPECT_EQ(p.server->connection_count(), 0u);
  EXPECT_GT(p.server->stats().initial_too_small, 0u);
  EXPECT_FALSE(p.client->connection(h)->is_established());
  EXPECT_EQ(p.server->pending_stateless_packets(), 0u);
}

TEST(Endpoint, ConnectionLimitRefusesAndCounts) {
  EndpointConfig sc = server_config();
  sc.max_connections = 2;
  EndpointPair p(sc);
  std::vector<ConnectionHandle> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(p.connect(static_cast<std::uint16_t>(6400 + i)));
  p.settle(3s);
  EXPECT_EQ(p.server->connection_count(), 2u);
  EXPECT_GT(p.server->stats().connections_refused, 0u);
  int established = 0;
  for (auto h : clients) established += p.client->connection(h)->is_established();
  EXPECT_EQ(established, 2);
}

TEST(Endpoint, ClientEndpointCannotAcceptAndServerCannotConnect) {
  EndpointPair p;
  transport::ClientOptions o;
  o.server_name = "localhost";
  o.tuple = p.client_tuple(1);
  EXPECT_FALSE(p.server->connect(o, p.now));
  EXPECT_EQ(p.server->connection_count(), 0u);
  // A client Initial delivered to the client endpoint is dropped.
  auto h = p.connect(6500);
  (void)h;
  auto t = p.client->write_train(p.tx, p.now);
  ASSERT_TRUE(t);
  ASSERT_GT(t->segments, 0);
  std::vector<std::uint8_t> copy(p.tx.begin(), p.tx.begin() + t->segment_size);
  ASSERT_TRUE(p.client->on_datagram(copy, p.client_tuple(6500), transport::EcnMark::not_ect, p.now));
  EXPECT_EQ(p.client->connection_count(), 1u);
  EXPECT_EQ(p.client->stats().unknown_cid, 1u);
}

TEST(Endpoint, StaleAndInvalidHandlesGiveNoConnection) {
  EndpointPair p;
  EXPECT_EQ(p.client->connection(ConnectionHandle{}), nullptr);
  EXPECT_EQ(p.client->connection(ConnectionHandle{12345, 0}), nullptr);
  auto h = p.connect(6600);
  ASSERT_NE(p.client->connection(h), nullptr);
  EXPECT_EQ(p.client->connection(ConnectionHandle{h.index, h.generation + 1}), nullptr);
}

}  // namespace
}  // namespace tquic::endpoint::testing
