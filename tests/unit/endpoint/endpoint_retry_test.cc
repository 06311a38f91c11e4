// Address validation: Retry (RFC 9000 §8.1.2) and NEW_TOKEN tokens (§8.1.3).
#include <gtest/gtest.h>

#include "endpoint_test_harness.h"
#include "wire/retry_packet.h"

namespace tquic::endpoint::testing {
namespace {

EndpointConfig retrying_server() {
  EndpointConfig c = server_config();
  c.require_retry = true;
  return c;
}

bool is_retry(const Datagram& d) {
  auto h = wire::parse_packet_header(d.bytes, 8);
  return h && h->type == wire::PacketType::retry;
}

// Offset and size of the token in a client Initial (0 if none).
std::pair<std::size_t, std::size_t> initial_token(const Datagram& d) {
  auto h = wire::parse_packet_header(d.bytes, 8);
  if (!h || h->type != wire::PacketType::initial || h->token.empty()) return {0, 0};
  return {static_cast<std::size_t>(h->token.data() - d.bytes.data()), h->token.size()};
}

bool established(EndpointPair& p, ConnectionHandle h) {
  if (!p.client->connection(h) || !p.client->connection(h)->is_established()) return false;
  auto acc = p.accepted();
  return acc.size() == 1 && p.server->connection(acc[0]) && p.server->connection(acc[0])->is_established();
}

TEST(Retry, ClientFollowsRetryTransparentlyAndIsValidated) {
  EndpointPair p(retrying_server());
  int retries = 0;
  std::vector<std::uint8_t> retry_bytes;
  p.client_filter = [&](Datagram& d) {
    if (is_retry(d)) {
      ++retries;
      retry_bytes = d.bytes;
    }
    return true;
  };
  auto h = p.connect(8000);
  ASSERT_TRUE(p.run_until([&] { return established(p, h); }));
  EXPECT_EQ(retries, 1);
  EXPECT_EQ(p.server->stats().retries_sent, 1u);
  EXPECT_EQ(p.server->stats().tokens_accepted, 1u);
  ASSERT_EQ(p.accepted().size(), 1u);
  for (const auto& e : p.server_events)
    if (e.type == EndpointEventType::accepted) {
      EXPECT_TRUE(e.address_validated);
    }
  // The Retry parses, carries a token, and its SCID routes to this server.
  auto r = wire::parse_retry(retry_bytes);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->token.empty());
  EXPECT_EQ(r->scid.size(), p.server->cid_length());
  // Data flows afterwards (the transport parameters' retry_source_connection_id
  // and original_destination_connection_id matched, or the client would have
  // closed the connection).
  auto id = p.client->connection(h)->open_stream(true);
  ASSERT_TRUE(id);
  const std::uint8_t msg[3] = {1, 2, 3};
  ASSERT_TRUE(p.client->connection(h)->stream_write(*id, ByteSpan(msg, 3), true));
  EXPECT_TRUE(p.run_until([&] {
    auto* s = p.server->connection(p.accepted()[0]);
    return s && s->stream_peek(*id).size() == 3;
  }));
}

TEST(Retry, WithoutRequireRetryConnectionsAreNotValidatedUpFront) {
  EndpointPair p;
  auto h = p.connect(8100);
  ASSERT_TRUE(p.run_until([&] { return established(p, h); }));
  EXPECT_EQ(p.server->stats().retries_sent, 0u);
  for (const auto& e : p.server_events)
    if (e.type == EndpointEventType::accepted) {
      EXPECT_FALSE(e.address_validated);
    }
}

TEST(Retry, ForgedTokenIsNotAccepted) {
  EndpointPair p(retrying_server());
  p.server_filter = [&](Datagram& d) {
    auto [at, n] = initial_token(d);
    if (n) d.bytes[at + n / 2] ^= 0x10;  // alter the token the client echoes
    return true;
  };
  auto h = p.connect(8200);
  p.settle(5s);
  EXPECT_EQ(p.server->connection_count(), 0u);
  EXPECT_GT(p.server->stats().tokens_rejected, 0u);
  EXPECT_EQ(p.server->stats().tokens_accepted, 0u);
  // Treated as no token: another Retry, which the client must ignore.
  EXPECT_GE(p.server->stats().retries_sent, 2u);
  EXPECT_FALSE(p.client->connection(h) && p.client->connection(h)->is_established());
}

TEST(Retry, ExpiredTokenDropsTheInitial) {
  EndpointPair p(retrying_server());
  p.server_filter = [&](Datagram& d) {
    if (initial_token(d).second) d.arrival += 11s;  // Retry tokens live 10 s
    return true;
  };
  auto h = p.connect(8300);
  p.settle(20s);
  EXPECT_EQ(p.server->connection_count(), 0u);
  EXPECT_EQ(p.server->stats().retries_sent, 1u);  // dropped, not answered again
  EXPECT_GT(p.server->stats().tokens_rejected, 0u);
  EXPECT_FALSE(p.client->connection(h) && p.client->connection(h)->is_established());
}

TEST(Retry, TokenFromAnotherAddressDropsTheInitial) {
  EndpointPair p(retrying_server());
  p.server_filter = [&](Datagram& d) {
    if (initial_token(d).second) d.tuple.remote = NetAddress::ipv4({10, 0, 0, 99}, d.tuple.remote.port);
    return true;
  };
  auto h = p.connect(8400);
  p.settle(5s);
  EXPECT_EQ(p.server->connection_count(), 0u);
  EXPECT_EQ(p.server->stats().retries_sent, 1u);
  EXPECT_GT(p.server->stats().tokens_rejected, 0u);
  EXPECT_FALSE(p.client->connection(h) && p.client->connection(h)->is_established());
}

TEST(Retry, TokenReplayedOnAnotherDcidIsDropped) {
  // A valid Retry token presented by a fresh connection attempt (another
  // DCID than the Retry's SCID) is refused.
  EndpointPair p(retrying_server());
  std::vector<std::uint8_t> token;
  p.client_filter = [&](Datagram& d) {
    if (is_retry(d)) {
      auto r = wire::parse_retry(d.bytes);
      if (r) token.assign(r->token.begin(), r->token.end());
    }
    return true;
  };
  auto first = p.connect(8500);
  ASSERT_TRUE(p.run_until([&] { return established(p, first); }));
  ASSERT_FALSE(token.empty());
  transport::ClientOptions o;
  o.token = token;
  const auto rejected_before = p.server->stats().tokens_rejected;
  p.connect(8500, o);
  p.settle(1s);
  EXPECT_GT(p.server->stats().tokens_rejected, rejected_before);
  EXPECT_EQ(p.server->stats().connections_accepted, 1u);
}

TEST(NewToken, NextConnectionSkipsRetry) {
  EndpointPair p(retrying_server());
  auto first = p.connect(8600);
  ASSERT_TRUE(p.run_until([&] {
    auto* c = p.client->connection(first);
    return c && c->is_established() && !c->new_token().empty();
  }));
  const std::vector<std::uint8_t> token = p.client->connection(first)->new_token();
  EXPECT_EQ(p.server->stats().retries_sent, 1u);
  transport::ClientOptions o;
  o.token = token;
  auto second = p.connect(8601, o);
  ASSERT_TRUE(p.run_until([&] {
    auto* c = p.client->connection(second);
    return c && c->is_established() && p.server->stats().connections_accepted == 2;
  }));
  EXPECT_EQ(p.server->stats().retries_sent, 1u);  // no Retry this time
  EXPECT_EQ(p.server->stats().tokens_accepted, 2u);
  int validated = 0;
  for (const auto& e : p.server_events) validated += e.type == EndpointEventType::accepted && e.address_validated;
  EXPECT_EQ(validated, 2);
}

TEST(NewToken, FromAnotherAddressFallsBackToRetry) {
  EndpointPair p(retrying_server());
  auto first = p.connect(8700);
  ASSERT_TRUE(p.run_until([&] {
    auto* c = p.client->connection(first);
    return c && c->is_established() && !c->new_token().empty();
  }));
  transport::ClientOptions o;
  o.token = p.client->connection(first)->new_token();
  p.server_filter = [&](Datagram& d) {
    if (d.tuple.remote.port == 8701) d.tuple.remote = NetAddress::ipv4({10, 0, 0, 50}, 8701);
    return true;
  };
  p.client_filter = nullptr;
  auto second = p.connect(8701, o);
  // The server answers to 10.0.0.50; route its datagrams back to the client.
  p.client_filter = [&](Datagram& d) {
    if (d.tuple.local.port == 8701) d.tuple.local = NetAddress::ipv4({10, 0, 0, 1}, 8701);
    return true;
  };
  ASSERT_TRUE(p.run_until([&] {
    auto* c = p.client->connection(second);
    return c && c->is_established() && p.server->stats().connections_accepted == 2;
  }));
  EXPECT_EQ(p.server->stats().retries_sent, 2u);  // the NEW_TOKEN token did not count
  EXPECT_GE(p.server->stats().tokens_rejected, 1u);
}

}  // namespace
}  // namespace tquic::endpoint::testing
