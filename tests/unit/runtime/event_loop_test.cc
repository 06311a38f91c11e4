// runtime::EventLoop and UdpNode on real loopback sockets: a client and a
// server endpoint in one loop exchange a stream; events reach the
// application; the loop ends on its predicate, on stop and on a time limit.
#include <gtest/gtest.h>

#include <ctime>
#include <thread>

#include "crypto/tls/self_signed.h"
#include "runtime/clock.h"
#include "runtime/event_loop.h"
#include "runtime/os_random.h"
#include "runtime/stop_signal.h"

namespace tquic::runtime {
namespace {

endpoint::EndpointConfig config() {
  endpoint::EndpointConfig c;
  std::string err;
  EXPECT_TRUE(os_random_bytes(32, c.seed, err)) << err;
  c.unix_seconds_at_time_zero = unix_seconds_at_monotonic_zero();
  return c;
}

struct Tls {
  std::unique_ptr<crypto::TlsContext> server, client;
  Tls() {
    std::string err;
    const auto cert = crypto::generate_self_signed(std::time(nullptr), {"localhost"}, {}, 1, err);
    crypto::TlsServerOptions so;
    so.cert_pem = cert.cert_pem;
    so.key_pem = cert.key_pem;
    so.alpn = {"hq-interop"};
    crypto::TlsClientOptions co;
    co.ca_pem = cert.cert_pem;
    co.alpn = {"hq-interop"};
    server = crypto::TlsContext::make_server(so, err);
    client = crypto::TlsContext::make_client(co, err);
  }
};

// Echoes every stream back with FIN.
struct EchoServer final : Application {
  int accepted = 0, removed = 0;
  void on_accepted(UdpNode&, endpoint::ConnectionHandle, bool, Timestamp) override { ++accepted; }
  void on_removed(UdpNode&, endpoint::ConnectionHandle, Timestamp) override { ++removed; }
  void on_connection_event(UdpNode& node, endpoint::ConnectionHandle h, const transport::ConnectionEvent& e,
                           Timestamp) override {
    if (e.type != transport::ConnectionEventType::stream_readable) return;
    auto* c = node.endpoint().connection(h);
    std::vector<std::uint8_t> got;
    for (ByteSpan v = c->stream_peek(e.stream_id); !v.empty(); v = c->stream_peek(e.stream_id)) {
      got.insert(got.end(), v.begin(), v.end());
      c->stream_consume(e.stream_id, v.size());
    }
    (void)c->stream_write(e.stream_id, got, c->stream_fin_received(e.stream_id));
  }
};

struct EchoClient final : Application {
  endpoint::ConnectionHandle conn;
  transport::StreamId stream = 0;
  std::string reply;
  bool done = false;
  int turns = 0;
  void on_connection_event(UdpNode& node, endpoint::ConnectionHandle h, const transport::ConnectionEvent& e,
                           Timestamp) override {
    auto* c = node.endpoint().connection(h);
    if (e.type == transport::ConnectionEventType::handshake_completed) {
      stream = *c->open_stream(true);
      const std::string msg = "ping over real sockets";
      (void)c->stream_write(stream, ByteSpan(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()), true);
    }
    if (e.type == transport::ConnectionEventType::stream_readable && e.stream_id == stream) {
      for (ByteSpan v = c->stream_peek(stream); !v.empty(); v = c->stream_peek(stream)) {
        reply.append(reinterpret_cast<const char*>(v.data()), v.size());
        c->stream_consume(stream, v.size());
      }
      done = c->stream_fin_received(stream);
    }
  }
  void on_turn(UdpNode&, Timestamp) override { ++turns; }
};

std::unique_ptr<UdpNode> open_node(const endpoint::EndpointTls& tls, io::EngineKind engine, bool shared) {
  NodeOptions o;
  o.local = NetAddress::ipv4({127, 0, 0, 1}, 0);
  o.engine = engine;
  o.shared_loop = shared;
  std::string err;
  auto n = UdpNode::open(o, config(), tls, err);
  EXPECT_TRUE(n) << err;
  return n;
}

class EventLoopEngines : public ::testing::TestWithParam<io::EngineKind> {};

TEST_P(EventLoopEngines, ClientAndServerInOneLoopExchangeAStream) {
  if (GetParam() == io::EngineKind::uring && !io::uring_support().usable) GTEST_SKIP() << io::uring_support().reason;
  Tls tls;
  auto server = open_node({tls.server.get(), nullptr}, GetParam(), true);
  auto client = open_node({nullptr, tls.client.get()}, GetParam(), true);
  ASSERT_TRUE(server && client);
  EchoServer s;
  EchoClient c;
  EventLoop loop;
  loop.add(*server, s);
  loop.add(*client, c);
  transport::ClientOptions o;
  o.server_name = "localhost";
  o.tuple = PathTuple{client->local(), server->local()};
  auto h = client->endpoint().connect(std::move(o), monotonic_now());
  ASSERT_TRUE(h);
  LoopOptions lo;
  lo.time_limit = 10s;
  EXPECT_EQ(loop.run([&] { return c.done; }, lo), LoopExit::done) << loop.error();
  EXPECT_EQ(c.reply, "ping over real sockets");
  EXPECT_EQ(s.accepted, 1);
  EXPECT_GT(c.turns, 0);
  EXPECT_GT(client->io_stats().rx_segments, 0u);
}

INSTANTIATE_TEST_SUITE_P(Engines, EventLoopEngines, ::testing::Values(io::EngineKind::mmsg, io::EngineKind::uring),
                         [](const auto& p) { return std::string(io::engine_kind_name(p.param)); });

TEST(EventLoop, RefusesToPollNodesThatWereNotOpenedForSharing) {
  if (!io::uring_support().usable || !io::uring_support().defer_taskrun) GTEST_SKIP() << "needs DEFER_TASKRUN";
  Tls tls;
  auto a = open_node({tls.server.get(), nullptr}, io::EngineKind::uring, false);
  auto b = open_node({nullptr, tls.client.get()}, io::EngineKind::uring, false);
  EXPECT_FALSE(a->pollable());
  EchoServer s;
  EchoClient c;
  EventLoop loop;
  loop.add(*a, s);
  loop.add(*b, c);
  EXPECT_EQ(loop.run(nullptr), LoopExit::io_error);
  EXPECT_NE(loop.error().find("shared_loop"), std::string::npos) << loop.error();
}

TEST(EventLoop, TimeLimitEndsAnIdleLoop) {
  Tls tls;
  auto server = open_node({tls.server.get(), nullptr}, io::EngineKind::automatic, false);
  EchoServer s;
  EventLoop loop;
  loop.add(*server, s);
  LoopOptions lo;
  lo.time_limit = 150ms;
  const Timestamp t0 = monotonic_now();
  EXPECT_EQ(loop.run(nullptr, lo), LoopExit::time_limit);
  EXPECT_GE(monotonic_now() - t0, 150ms);
}

TEST(EventLoop, StopFromAnotherThreadAndSignalFlagEndTheLoop) {
  Tls tls;
  auto server = open_node({tls.server.get(), nullptr}, io::EngineKind::automatic, false);
  EchoServer s;
  EventLoop loop;
  loop.add(*server, s);
  std::thread stopper([&] {
    std::this_thread::sleep_for(50ms);
    loop.stop();
  });
  EXPECT_EQ(loop.run(nullptr), LoopExit::stopped);
  stopper.join();

  EventLoop second;
  second.add(*server, s);
  request_stop();
  EXPECT_EQ(second.run(nullptr), LoopExit::stopped);
  clear_stop_request();
  EXPECT_FALSE(stop_requested());
}

TEST(UdpNode, SecondSocketNeedsASharedLoopNode) {
  Tls tls;
  auto lone = open_node({nullptr, tls.client.get()}, io::EngineKind::automatic, false);
  NetAddress bound;
  std::string err;
  EXPECT_FALSE(lone->add_socket(NetAddress::ipv4({127, 0, 0, 1}, 0), bound, err));
  EXPECT_NE(err.find("shared_loop"), std::string::npos);
  auto shared = open_node({nullptr, tls.client.get()}, io::EngineKind::automatic, true);
  ASSERT_TRUE(shared->add_socket(NetAddress::ipv4({127, 0, 0, 1}, 0), bound, err)) << err;
  EXPECT_NE(bound.port, 0);
  EXPECT_NE(bound.port, shared->local().port);
  EXPECT_EQ(shared->socket_count(), 2u);
  EXPECT_TRUE(shared->pollable());
}

TEST(Clock, MonotonicAndWallClockAgree) {
  const Timestamp a = monotonic_now();
  const Timestamp b = monotonic_now();
  EXPECT_LE(a, b);
  const std::uint64_t wall = unix_seconds_now();
  EXPECT_GT(wall, 1'600'000'000u);
  const std::uint64_t at_zero = unix_seconds_at_monotonic_zero();
  EXPECT_NEAR(static_cast<double>(at_zero + static_cast<std::uint64_t>(to_ns(b) / 1'000'000'000)),
              static_cast<double>(wall), 2.0);
}

TEST(OsRandom, FillsTheRequestedBytes) {
  std::vector<std::uint8_t> a, b;
  std::string err;
  ASSERT_TRUE(os_random_bytes(32, a, err));
  ASSERT_TRUE(os_random_bytes(32, b, err));
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace tquic::runtime
