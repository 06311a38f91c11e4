#include <gtest/gtest.h>

#include <numeric>

#include "conn_test_harness.h"
#include "crypto/tls/tls_session.h"
#include "wire/packet_header.h"

namespace tquic::transport::testing {
namespace {

std::vector<std::uint8_t> pattern(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 131 + (i >> 9));
  return v;
}

bool has_event(const std::vector<ConnectionEvent>& evs, ConnectionEventType t) {
  return std::any_of(evs.begin(), evs.end(), [&](const ConnectionEvent& e) { return e.type == t; });
}

TEST(Connection, HandshakeCompletesAndConfirms) {
  Pipe p;
  ASSERT_TRUE(p.handshake());
  EXPECT_EQ(p.client->alpn(), "hq-interop");
  EXPECT_EQ(p.server->alpn(), "hq-interop");
  EXPECT_EQ(p.client->cipher_suite(), crypto::kTlsAes128GcmSha256);
  EXPECT_EQ(p.server->cipher_suite(), crypto::kTlsAes128GcmSha256);
  EXPECT_TRUE(p.run_until([&] { return has_event(p.client_events, ConnectionEventType::handshake_confirmed); }));
  EXPECT_TRUE(has_event(p.server_events, ConnectionEventType::handshake_completed));
}

// Sends `data` from client to server on a new stream; returns what arrived.
std::vector<std::uint8_t> transfer(Pipe& p, const std::vector<std::uint8_t>& data, Duration limit = 120s) {
  auto id = p.client->open_stream(true);
  EXPECT_TRUE(id);
  std::size_t written = 0;
  std::vector<std::uint8_t> got;
  bool fin = false;
  p.run_until([&] {
    if (written < data.size()) {
      auto n = p.client->stream_write(*id, ByteSpan(data).subspan(written), true);
      EXPECT_TRUE(n);
      written += *n;
    }
    for (ByteSpan v = p.server->stream_peek(*id); !v.empty(); v = p.server->stream_peek(*id)) {
      got.insert(got.end(), v.begin(), v.end());
      p.server->stream_consume(*id, v.size());
    }
    fin = p.server->stream_fin_received(*id);
    return fin && written == data.size();
  }, limit);
  EXPECT_TRUE(fin) << "client closed=" << p.client->close_info().closed << " code=" << p.client->close_info().error_code
                   << " reason=" << p.client->close_info().reason << " | server closed=" << p.server->close_info().closed
                   << " code=" << p.server->close_info().error_code << " reason=" << p.server->close_info().reason
                   << " written=" << written << " got=" << got.size();
  return got;
}

TEST(Connection, StreamTransferArrivesIntact) {
  Pipe p;
  ASSERT_TRUE(p.handshake());
  auto data = pattern(300'000);
  EXPECT_EQ(transfer(p, data), data);
}

TEST(Connection, SendSideTerminalOnceEverythingIsAcknowledged) {
  Pipe p;
  ASSERT_TRUE(p.handshake());
  auto id = p.client->open_stream(true);
  ASSERT_TRUE(id);
  EXPECT_FALSE(p.client->stream_send_terminal(*id + 4));  // never opened
  auto data = pattern(50'000);
  auto n = p.client->stream_write(*id, data, true);
  ASSERT_TRUE(n);
  ASSERT_EQ(*n, data.size());
  EXPECT_FALSE(p.client->stream_send_terminal(*id));  // nothing sent yet
  EXPECT_TRUE(p.run_until([&] { return p.client->stream_send_terminal(*id); }));
  // Acknowledged means delivered: the server holds the whole stream.
  std::size_t got = 0;
  for (ByteSpan v = p.server->stream_peek(*id); !v.empty(); v = p.server->stream_peek(*id))
    got += p.server->stream_consume(*id, v.size());
  EXPECT_EQ(got, data.size());
  EXPECT_TRUE(p.server->stream_fin_received(*id));
  EXPECT_FALSE(p.server->stream_send_terminal(*id));  // the server never finished its side
  // A reset send side becomes terminal once the RESET_STREAM is acknowledged.
  ASSERT_TRUE(p.server->stream_reset(*id, 7));
  EXPECT_TRUE(p.run_until([&] { return p.server->stream_send_terminal(*id); }));
}

TEST(Connection, TransferSurvivesRandomLoss) {
  Pipe p;
  ASSERT_TRUE(p.handshake());
  p.loss = 0.05;
  auto data = pattern(500'000);
  EXPECT_EQ(transfer(p, data), data);
  EXPECT_GT(p.client->stats().packets_lost, 0u);
}

TEST(Connection, ApplicationCloseReachesPeer) {
  Pipe p;
  ASSERT_TRUE(p.handshake());
  p.client->close(42, "bye", p.now);
  EXPECT_TRUE(p.run_until([&] { return p.server->close_info().closed; }));
  EXPECT_TRUE(p.server->close_info().by_peer);
  EXPECT_TRUE(p.server->close_info().is_application);
  EXPECT_EQ(p.server->close_info().error_code, 42u);
  EXPECT_EQ(p.server->close_info().reason, "bye");
  EXPECT_TRUE(p.run_until([&] { return p.client->is_closed() && p.server->is_closed(); }));
}

}  // namespace
}  // namespace tquic::transport::testing
