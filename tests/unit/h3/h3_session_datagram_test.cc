// HTTP Datagrams (RFC 9297) between two Sessions: negotiation, the Quarter
// Stream ID mapping, extended CONNECT streams, and the rules for streams
// without datagram semantics.
#include <gtest/gtest.h>

#include "h3_session_harness.h"

namespace tquic::h3::test {
namespace {

struct DatagramPair : ::testing::Test {
  H3Pipe p;
  SessionConfig server_config;
  SessionConfig client_config;
  std::unique_ptr<RecordingSide> server;
  std::unique_ptr<RecordingSide> client;
  std::vector<std::pair<StreamId, std::string>> server_got, client_got;
  std::vector<Error> read_errors;
  std::vector<std::uint8_t> buffer = std::vector<std::uint8_t>(65536);

  void start() {
    server_config.enable_connect_protocol = true;
    server = std::make_unique<RecordingSide>(wire::Role::server, server_config);
    client = std::make_unique<RecordingSide>(wire::Role::client, client_config);
    // The server answers CONNECT with 200 and echoes every datagram.
    server->on_event = [this](Connection& c, const SessionEvent& ev, Timestamp now) {
      if (ev.type == SessionEventType::request) {
        const std::uint16_t status = server->session.request(ev.stream_id)->method == "CONNECT" ? 200 : 204;
        EXPECT_TRUE(server->session.send_response(c, ev.stream_id, status, {}, status != 200));
      }
      if (ev.type == SessionEventType::datagram) drain_datagrams(server->session, c, now, server_got, true);
    };
    client->on_event = [this](Connection& c, const SessionEvent& ev, Timestamp now) {
      if (ev.type == SessionEventType::datagram) drain_datagrams(client->session, c, now, client_got, false);
    };
    p.attach_server(*server);
    p.attach_client(*client);
    ASSERT_TRUE(p.handshake());
    ASSERT_TRUE(p.run_until([&] {
      return client->session.peer_settings_received() && server->session.peer_settings_received();
    }));
  }

  void drain_datagrams(Session& s, Connection& c, Timestamp now, std::vector<std::pair<StreamId, std::string>>& out,
                       bool echo) {
    for (;;) {
      auto d = s.read_datagram(c, buffer, now);
      if (!d) {
        if (d.error().kind != ErrorKind::blocked) read_errors.push_back(d.error());
        return;
      }
      const std::string payload(buffer.begin(), buffer.begin() + static_cast<long>(d->size));
      out.emplace_back(d->stream_id, payload);
      if (echo) {
        const std::string reply = "echo:" + payload;
        EXPECT_TRUE(s.send_datagram(c, d->stream_id, bytes(reply)));
      }
    }
  }

  StreamId connect_udp() {
    RequestSpec r;
    r.method = "CONNECT";
    r.protocol = "connect-udp";
    r.authority = "localhost";
    r.path = "/.well-known/masque/udp/192.0.2.6/443/";
    const FieldLine capsule[] = {{"capsule-protocol", "?1"}};
    r.headers = capsule;
    auto id = client->session.submit_request(p.client(), r, false, p.now());
    EXPECT_TRUE(id) << id.error().reason;
    return id ? *id : 0;
  }
};

TEST_F(DatagramPair, RoundTripOnAnExtendedConnectStream) {
  start();
  EXPECT_TRUE(client->session.datagrams_enabled());
  EXPECT_TRUE(server->session.datagrams_enabled());
  EXPECT_TRUE(client->session.peer_settings().enable_connect_protocol);
  const StreamId first = connect_udp();
  const StreamId second = connect_udp();
  ASSERT_TRUE(p.run_until([&] {
    return client->exchanges[first].status == 200 && client->exchanges[second].status == 200;
  }));
  ASSERT_TRUE(client->session.send_datagram(p.client(), first, bytes("ping-1")));
  ASSERT_TRUE(client->session.send_datagram(p.client(), second, bytes("ping-2")));
  ASSERT_TRUE(client->session.send_datagram(p.client(), first, ByteSpan{}));  // empty payloads are legal
  ASSERT_TRUE(p.run_until([&] { return client_got.size() == 3; }));
  ASSERT_EQ(server_got.size(), 3u);
  EXPECT_EQ(server_got[0], std::make_pair(first, std::string("ping-1")));
  EXPECT_EQ(server_got[1], std::make_pair(second, std::string("ping-2")));
  EXPECT_EQ(server_got[2], std::make_pair(first, std::string()));
  EXPECT_EQ(client_got[0], std::make_pair(first, std::string("echo:ping-1")));
  EXPECT_EQ(client_got[1], std::make_pair(second, std::string("echo:ping-2")));
  EXPECT_EQ(client_got[2], std::make_pair(first, std::string("echo:")));
  EXPECT_EQ(server->session.stats().datagrams_received, 3u);
  EXPECT_EQ(client->session.stats().datagrams_sent, 3u);
  // The tunnel also carries DATA both ways.
  ASSERT_TRUE(client->session.send_body(p.client(), first, bytes("stream bytes"), false));
  ASSERT_TRUE(p.run_until([&] { return server->exchanges[first].body == "stream bytes"; }));
}

TEST_F(DatagramPair, QuarterStreamIdOnTheWire) {
  start();
  connect_udp();
  const StreamId id = connect_udp();  // stream 4: Quarter Stream ID 1
  ASSERT_EQ(id, 4u);
  ASSERT_TRUE(p.run_until([&] { return client->exchanges[id].status == 200; }));
  // A DATAGRAM frame written by hand: 0x01 + payload.
  const std::uint8_t raw[] = {0x01, 'h', 'i'};
  ASSERT_TRUE(p.client().send_datagram(raw));
  ASSERT_TRUE(p.run_until([&] { return !server_got.empty(); }));
  EXPECT_EQ(server_got[0], std::make_pair(StreamId{4}, std::string("hi")));
}

TEST_F(DatagramPair, DatagramForAGetRequestAbortsThatRequest) {
  start();
  RequestSpec get;
  get.authority = "localhost";
  auto id = client->session.submit_request(p.client(), get, false, p.now());
  ASSERT_TRUE(id);
  ASSERT_TRUE(p.run_until([&] { return server->session.request(*id) != nullptr; }));
  // The client Session refuses; a peer that sends one anyway loses the request.
  EXPECT_FALSE(client->session.send_datagram(p.client(), *id, bytes("no")));
  const std::uint8_t raw[] = {0x00, 'n', 'o'};
  ASSERT_TRUE(p.client().send_datagram(raw));
  ASSERT_TRUE(p.run_until([&] { return server->exchanges[*id].reset; }));
  EXPECT_EQ(server->exchanges[*id].reset_code, code(H3Error::H3_DATAGRAM_ERROR));
  // The response (204) was complete already: only our request is stopped.
  EXPECT_TRUE(p.run_until([&] {
    return saw(p.client_seen, ConnectionEventType::stream_stop_sending, *id, code(H3Error::H3_DATAGRAM_ERROR));
  }));
  EXPECT_EQ(client->exchanges[*id].status, 204);
  EXPECT_FALSE(p.server_closed());
  EXPECT_TRUE(read_errors.empty());
}

TEST_F(DatagramPair, DatagramsForUnknownStreamsAreDropped) {
  start();
  const StreamId id = connect_udp();
  ASSERT_TRUE(p.run_until([&] { return client->exchanges[id].status == 200; }));
  const std::uint8_t unknown[] = {0x09, 'x'};  // stream 36: never opened
  ASSERT_TRUE(p.client().send_datagram(unknown));
  ASSERT_TRUE(client->session.send_datagram(p.client(), id, bytes("after")));
  ASSERT_TRUE(p.run_until([&] { return !server_got.empty(); }));
  EXPECT_EQ(server_got[0], std::make_pair(id, std::string("after")));
  EXPECT_EQ(server->session.stats().datagrams_dropped, 1u);
  EXPECT_FALSE(p.server_closed());
}

TEST_F(DatagramPair, TruncatedQuarterStreamIdIsDatagramError) {
  start();
  const std::uint8_t truncated[] = {0x40};  // a two-byte varint cut short
  ASSERT_TRUE(p.client().send_datagram(truncated));
  ASSERT_TRUE(p.run_until([&] { return p.server_closed(); }));
  EXPECT_EQ(p.server().close_info().error_code, code(H3Error::H3_DATAGRAM_ERROR));
  ASSERT_EQ(read_errors.size(), 1u);
  EXPECT_EQ(read_errors[0].code, code(H3Error::H3_DATAGRAM_ERROR));
}

TEST_F(DatagramPair, NotNegotiatedWhenThePeerDidNotOfferThem) {
  server_config.enable_datagrams = false;
  start();
  EXPECT_TRUE(server->session.peer_settings().h3_datagram);  // the client offered
  EXPECT_FALSE(client->session.peer_settings().h3_datagram);
  EXPECT_FALSE(client->session.datagrams_enabled());
  EXPECT_FALSE(server->session.datagrams_enabled());
  const StreamId id = connect_udp();
  ASSERT_TRUE(p.run_until([&] { return client->exchanges[id].status == 200; }));
  EXPECT_FALSE(client->session.send_datagram(p.client(), id, bytes("x")));
  // One arriving anyway is dropped: the server never offered to take them.
  const std::uint8_t raw[] = {0x00, 'x'};
  ASSERT_TRUE(p.client().send_datagram(raw));
  p.run_for(100ms);
  EXPECT_TRUE(server_got.empty());
  EXPECT_EQ(server->count(SessionEventType::datagram), 0u);
  EXPECT_FALSE(p.server_closed());
}

TEST_F(DatagramPair, ExtendedConnectNeedsTheServersSetting) {
  // start() turns the setting on: build the pair by hand.
  server = std::make_unique<RecordingSide>(wire::Role::server, SessionConfig{});
  client = std::make_unique<RecordingSide>(wire::Role::client, client_config);
  p.attach_server(*server);
  p.attach_client(*client);
  ASSERT_TRUE(p.handshake());
  ASSERT_TRUE(p.run_until([&] { return client->session.peer_settings_received(); }));
  EXPECT_FALSE(client->session.peer_settings().enable_connect_protocol);
  RequestSpec r;
  r.method = "CONNECT";
  r.protocol = "connect-udp";
  r.authority = "localhost";
  r.path = "/";
  EXPECT_FALSE(client->session.submit_request(p.client(), r, false, p.now()));
}

}  // namespace
}  // namespace tquic::h3::test
