// Connection features beyond the basic transfer: resumption and 0-RTT, key
// update, DPLPMTUD, migration, DATAGRAM frames, stream limits.
#include <gtest/gtest.h>

#include "conn_test_harness.h"

namespace tquic::transport::testing {
namespace {

bool has_event(const std::vector<ConnectionEvent>& evs, ConnectionEventType t) {
  return std::any_of(evs.begin(), evs.end(), [&](const ConnectionEvent& e) { return e.type == t; });
}

std::vector<std::uint8_t> read_all(Connection& c, StreamId id) {
  std::vector<std::uint8_t> got;
  for (ByteSpan v = c.stream_peek(id); !v.empty(); v = c.stream_peek(id)) {
    got.insert(got.end(), v.begin(), v.end());
    c.stream_consume(id, v.size());
  }
  return got;
}

TEST(ConnectionResumption, SecondConnectionResumesAndSendsZeroRtt) {
  Pipe first;
  ASSERT_TRUE(first.handshake());
  ASSERT_TRUE(first.run_until([&] { return !first.client->session_ticket().empty(); }));
  auto ticket = first.client->session_ticket();
  auto params = first.client->session_params();
  ASSERT_FALSE(params.empty());

  Pipe second;
  second.stls = std::move(first.stls);  // same server (ticket key, anti-replay)
  ClientOptions o;
  o.session_ticket = ticket;
  o.remembered_params = params;
  second.start_client(std::move(o));
  auto id = second.client->open_stream(true);
  ASSERT_TRUE(id) << "0-RTT stream before the handshake";
  const std::string msg = "GET /early\r\n";
  auto n = second.client->stream_write(*id, ByteSpan(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()), true);
  ASSERT_TRUE(n);
  ASSERT_EQ(*n, msg.size());
  std::vector<std::uint8_t> got;
  bool done = second.run_until([&] {
    if (!second.server) return false;
    auto part = read_all(*second.server, *id);
    got.insert(got.end(), part.begin(), part.end());
    return second.server->stream_fin_received(*id);
  }, 5s);
  ASSERT_TRUE(done) << "server=" << (second.server != nullptr) << " got=" << got.size()
                    << " early=" << (second.server ? second.server->early_data_accepted() : false)
                    << " client closed=" << second.client->close_info().closed << " code=" << second.client->close_info().error_code
                    << " " << second.client->close_info().reason
                    << " server closed=" << (second.server ? second.server->close_info().error_code : 0) << " "
                    << (second.server ? second.server->close_info().reason : "");
  EXPECT_EQ(std::string(got.begin(), got.end()), msg);
  ASSERT_TRUE(second.run_until([&] { return second.client->is_established(); }));
  EXPECT_TRUE(second.client->is_resumed());
  EXPECT_TRUE(second.server->early_data_accepted());
}

TEST(ConnectionKeyUpdate, BothSidesFollowAnUpdateAndDataStillFlows) {
  Pipe p;
  ASSERT_TRUE(p.handshake());
  ASSERT_TRUE(p.run_until([&] { return has_event(p.client_events, ConnectionEventType::handshake_confirmed); }));
  auto id = p.client->open_stream(true);
  std::vector<std::uint8_t> data(50'000, 0x5a);
  ASSERT_TRUE(p.client->stream_write(*id, data, false));
  Status last;
  const bool updated = p.run_until([&] { return (last = p.client->initiate_key_update()).ok(); }, 5s);
  auto st = p.client->stats();
  ASSERT_TRUE(updated) << last.error().reason << " sent=" << st.packets_sent << " stream=" << st.stream_bytes_sent
                       << " cwnd=" << st.congestion_window << " inflight=" << st.bytes_in_flight
                       << " srv_rx=" << p.server->stats().packets_received << " srv_stream=" << p.server->stats().stream_bytes_received
                       << " srv_drop=" << p.server->stats().packets_dropped << " closed=" << p.client->close_info().closed << " code=" << p.client->close_info().error_code << " " << p.client->close_info().reason << " srvclosed=" << p.server->close_info().closed << " " << p.server->close_info().error_code << " " << p.server->close_info().reason;
  std::vector<std::uint8_t> more(50'000, 0xa5);
  ASSERT_TRUE(p.client->stream_write(*id, more, true));
  std::vector<std::uint8_t> got;
  ASSERT_TRUE(p.run_until([&] {
    auto part = read_all(*p.server, *id);
    got.insert(got.end(), part.begin(), part.end());
    return p.server->stream_fin_received(*id);
  }));
  EXPECT_EQ(got.size(), data.size() + more.size());
  EXPECT_GE(p.client->stats().key_updates, 1u);
  EXPECT_GE(p.server->stats().key_updates, 1u);
  EXPECT_FALSE(p.client->close_info().closed);
}

TEST(ConnectionPmtud, FindsTheLargestSizeThePathCarries) {
  ConnectionConfig cfg;
  cfg.max_datagram_size_ceiling = 1452;
  Pipe p(cfg);
  p.mtu = 1350;
  ASSERT_TRUE(p.handshake());
  p.run_until([&] { return false; }, 10s);
  const auto mds = p.client->stats().max_datagram_size;
  EXPECT_LE(mds, 1350);
  EXPECT_GE(mds, 1300) << "search should get within a few bytes of the path MTU";
  EXPECT_FALSE(p.client->close_info().closed);
  EXPECT_EQ(p.client->stats().packets_lost, 0u) << "lost probes are not congestion losses";
}

TEST(ConnectionMigration, NatRebindingIsFollowedByTheServer) {
  Pipe p;
  ASSERT_TRUE(p.handshake());
  ASSERT_TRUE(p.run_until([&] { return has_event(p.client_events, ConnectionEventType::handshake_confirmed); }));
  p.client_tuple.local.port = 6000;  // the NAT picked a new port
  p.rebind_client = true;
  auto id = p.client->open_stream(true);
  std::vector<std::uint8_t> data(200'000, 7);
  std::size_t written = 0;
  std::size_t got = 0;
  ASSERT_TRUE(p.run_until([&] {
    if (written < data.size()) written += *p.client->stream_write(*id, ByteSpan(data).subspan(written), true);
    got += read_all(*p.server, *id).size();
    return p.server->stream_fin_received(*id);
  }));
  EXPECT_EQ(got, data.size());
  EXPECT_TRUE(has_event(p.server_events, ConnectionEventType::path_validated));
}

TEST(ConnectionMigration, ClientStaysOnItsNewPathWhileTheServerStillSendsToTheOldOne) {
  Pipe p;
  ASSERT_TRUE(p.handshake());
  ASSERT_TRUE(p.run_until([&] { return has_event(p.client_events, ConnectionEventType::handshake_confirmed); }));
  auto id = p.server->open_stream(false);
  ASSERT_TRUE(id);
  std::vector<std::uint8_t> data(300'000, 3);
  ASSERT_TRUE(p.server->stream_write(*id, data, true));
  PathTuple moved = p.client_tuple;
  moved.local.port = 7000;
  ASSERT_TRUE(p.client->migrate(moved, p.now));
  // The pipe keeps delivering server packets to the old local address, as
  // the server's in-flight packets would arrive: the client must not move back.
  std::vector<std::uint8_t> buf(65536);
  bool left_new_path = false;
  p.run_until([&] {
    if (has_event(p.client_events, ConnectionEventType::path_validated)) return true;
    // Send what the client has, as the pipe would, but look at the path first.
    for (auto t = p.client->write_train(buf, p.now); t && t->segments > 0; t = p.client->write_train(buf, p.now)) {
      if (t->tuple.local.port != 7000) left_new_path = true;
      for (std::size_t off = 0; off < t->bytes; off += t->segment_size) {
        const std::size_t n = std::min<std::size_t>(t->segment_size, t->bytes - off);
        p.to_server.push_back({p.now + p.delay, std::vector<std::uint8_t>(buf.begin() + static_cast<long>(off),
                                                                          buf.begin() + static_cast<long>(off + n))});
      }
    }
    return left_new_path || has_event(p.client_events, ConnectionEventType::path_validated);
  }, 5s);
  EXPECT_FALSE(left_new_path);
  EXPECT_TRUE(has_event(p.client_events, ConnectionEventType::path_validated));
}

TEST(ConnectionDatagrams, DatagramsFlowBothWays) {
  ConnectionConfig cfg;
  cfg.max_datagram_frame_size = 1400;
  Pipe p(cfg);
  ASSERT_TRUE(p.handshake());
  ASSERT_GT(p.client->max_datagram_payload(), 1000u);
  for (int i = 0; i < 20; ++i) {
    std::vector<std::uint8_t> d(100, static_cast<std::uint8_t>(i));
    ASSERT_TRUE(p.client->send_datagram(d));
  }
  int received = 0;
  std::vector<std::uint8_t> buf(2000);
  ASSERT_TRUE(p.run_until([&] {
    while (auto n = p.server->read_datagram(buf)) {
      EXPECT_EQ(*n, 100u);
      ++received;
    }
    return received == 20;
  }));
  std::vector<std::uint8_t> too_big(p.client->max_datagram_payload() + 1);
  EXPECT_FALSE(p.client->send_datagram(too_big));
}

TEST(ConnectionStreams, PeerStreamLimitIsEnforcedAndCreditReturned) {
  ConnectionConfig cfg;
  cfg.initial_max_streams_bidi = 4;
  Pipe p(cfg);
  ASSERT_TRUE(p.handshake());
  std::vector<StreamId> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(*p.client->open_stream(true));
  auto fifth = p.client->open_stream(true);
  ASSERT_FALSE(fifth);
  EXPECT_EQ(fifth.error().kind, ErrorKind::blocked);
  const std::uint8_t b = 1;
  for (StreamId id : ids) ASSERT_TRUE(p.client->stream_write(id, ByteSpan(&b, 1), true));
  // The server reads each stream to the end and finishes its own half; once
  // both halves are closed the credit returns and MAX_STREAMS lets the
  // client open more (RFC 9000 §4.6).
  std::vector<bool> answered(ids.size(), false);
  ASSERT_TRUE(p.run_until([&] {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      read_all(*p.server, ids[i]);
      if (!answered[i] && p.server->stream_fin_received(ids[i]))
        answered[i] = p.server->stream_write(ids[i], {}, true).ok();
      read_all(*p.client, ids[i]);
    }
    return p.client->open_stream(true).ok();
  }));
}

}  // namespace
}  // namespace tquic::transport::testing
