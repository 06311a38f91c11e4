// In-process client/server pair over a virtual-time pipe with a fixed
// one-way delay and optional deterministic loss: enough to drive handshakes
// and transfers in unit tests (the full network simulator lives in netsim/).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "crypto/tls/self_signed.h"
#include "crypto/tls/tls_context.h"
#include "transport/connection/connection.h"
#include "wire/packet_header.h"

namespace tquic::transport::testing {

class CounterCids final : public CidSource {
 public:
  explicit CounterCids(std::uint8_t tag) : tag_(tag) {}
  bool next_cid(wire::ConnectionId& cid, wire::StatelessResetToken& token) override {
    std::uint8_t b[8] = {tag_, 0, 0, 0, 0, 0, 0, 0};
    std::uint64_t n = ++counter_;
    for (int i = 0; i < 7; ++i) b[1 + i] = static_cast<std::uint8_t>(n >> (8 * i));
    wire::ConnectionId::from_bytes(ByteSpan(b, 8), cid);
    token.fill(0);
    token[0] = tag_;
    token[1] = static_cast<std::uint8_t>(n);
    token[2] = 0xee;
    return true;
  }

 private:
  std::uint8_t tag_;
  std::uint64_t counter_ = 0;
};

struct Pki {
  crypto::PemCertificate cert;
  Pki() {
    std::string err;
    cert = crypto::generate_self_signed(std::time(nullptr), {"localhost"}, {}, 1, err);
  }
};

inline const Pki& pki() {
  static const Pki p;
  return p;
}

inline std::unique_ptr<crypto::TlsContext> server_tls(std::string ciphers = "") {
  crypto::TlsServerOptions o;
  o.cert_pem = pki().cert.cert_pem;
  o.key_pem = pki().cert.key_pem;
  o.alpn = {"hq-interop", "h3"};
  o.ciphers = std::move(ciphers);
  std::string err;
  auto c = crypto::TlsContext::make_server(o, err);
  EXPECT_TRUE(c) << err;
  return c;
}

inline std::unique_ptr<crypto::TlsContext> client_tls() {
  crypto::TlsClientOptions o;
  o.ca_pem = pki().cert.cert_pem;
  o.alpn = {"hq-interop"};
  std::string err;
  auto c = crypto::TlsContext::make_client(o, err);
  EXPECT_TRUE(c) << err;
  return c;
}

inline std::vector<std::uint8_t> seed(std::uint8_t v) { return std::vector<std::uint8_t>(32, v); }

struct InFlight {
  Timestamp arrival;
  std::vector<std::uint8_t> bytes;
  EcnMark ecn = EcnMark::not_ect;  // the IP header's ECN field, as the receiver sees it
};

// Drives two connections; datagrams from A reach B after `delay` unless the
// loss function drops them.
struct Pipe {
  ConnectionConfig config;
  std::unique_ptr<crypto::TlsContext> stls = server_tls();
  std::unique_ptr<crypto::TlsContext> ctls = client_tls();
  CounterCids client_cids{0xc1};
  CounterCids server_cids{0x51};
  std::unique_ptr<Connection> client;
  std::unique_ptr<Connection> server;
  PathTuple client_tuple{NetAddress::ipv4({10, 0, 0, 1}, 5000), NetAddress::ipv4({10, 0, 0, 2}, 443)};
  PathTuple server_tuple{NetAddress::ipv4({10, 0, 0, 2}, 443), NetAddress::ipv4({10, 0, 0, 1}, 5000)};
  Timestamp now = timestamp_from_ns(1'000'000'000);
  Duration delay = 10ms;
  std::deque<InFlight> to_server, to_client;
  std::vector<std::uint8_t> tx = std::vector<std::uint8_t>(65536);
  std::mt19937_64 rng{1};
  double loss = 0.0;
  std::size_t mtu = 65535;            // larger datagrams are dropped (both directions)
  bool rebind_client = false;         // deliver client datagrams from `rebound_tuple`
  std::uint64_t datagrams = 0;
  // What the network does to the ECN field of each datagram (default: keeps
  // it), e.g. bleaching, remarking, or CE marks of a congested queue.
  std::function<EcnMark(EcnMark mark, bool to_server, ByteSpan datagram)> ecn_path;
  std::function<bool(EcnMark mark, bool to_server)> drop_if;  // e.g. a path that drops ECT datagrams
  std::function<void(bool to_server, ByteSpan datagram)> observe;  // sees every datagram sent
  bool server_zero_length_cid = false;  // ServerOptions::zero_length_cid for the server
  std::uint64_t ect0_datagrams[2] = {0, 0};  // sent with ECT(0): [to_server, to_client]
  std::vector<ConnectionEvent> client_events, server_events;

  explicit Pipe(ConnectionConfig cfg = {}) : config(cfg) {}

  void start_client(ClientOptions extra = {}) {
    extra.server_name = "localhost";
    extra.tuple = client_tuple;
    extra.random_seed = seed(7);
    auto c = Connection::client(config, *ctls, client_cids, std::move(extra), now);
    ASSERT_TRUE(c) << c.error().reason;
    client = std::move(*c);
  }

  // The server is created from the client's first Initial, as an endpoint would.
  void accept_server(const std::vector<std::uint8_t>& first) {
    auto h = wire::parse_packet_header(first, 8);
    ASSERT_TRUE(h);
    ServerOptions o;
    o.tuple = server_tuple;
    o.client_dcid = h->dcid;
    o.client_scid = h->scid;
    o.original_dcid = h->dcid;
    o.version = h->version;
    o.random_seed = seed(9);
    o.zero_length_cid = server_zero_length_cid;
    auto s = Connection::server(config, *stls, server_cids, std::move(o), now);
    ASSERT_TRUE(s) << s.error().reason;
    server = std::move(*s);
  }

  void flush(Connection& from, std::deque<InFlight>& q) {
    for (int guard = 0; guard < 10000; ++guard) {
      auto t = from.write_train(tx, now);
      ASSERT_TRUE(t);
      if (t->segments == 0) return;
      const bool upstream = &q == &this->to_server;
      for (std::size_t off = 0; off < t->bytes; off += t->segment_size) {
        const std::size_t n = std::min<std::size_t>(t->segment_size, t->bytes - off);
        ++datagrams;
        ect0_datagrams[upstream ? 0 : 1] += t->ecn == EcnMark::ect0;
        if (observe) observe(upstream, ByteSpan(tx.data() + off, n));
        if (n > mtu) continue;
        if (loss > 0 && std::uniform_real_distribution<double>(0, 1)(rng) < loss) continue;
        if (drop_if && drop_if(t->ecn, upstream)) continue;
        std::vector<std::uint8_t> bytes(tx.begin() + static_cast<long>(off), tx.begin() + static_cast<long>(off + n));
        const EcnMark ecn = ecn_path ? ecn_path(t->ecn, upstream, bytes) : t->ecn;
        q.push_back({now + delay, std::move(bytes), ecn});
      }
    }
    FAIL() << "write_train never ran dry";
  }

  void drain_events() {
    ConnectionEvent ev;
    while (client && client->poll_event(ev)) client_events.push_back(ev);
    while (server && server->poll_event(ev)) server_events.push_back(ev);
  }

  // One step: send what is ready, advance to the next event, deliver it.
  void step() {
    flush(*client, to_server);
    if (server) flush(*server, to_client);
    Timestamp next = kTimeInfinite;
    if (!to_server.empty()) next = std::min(next, to_server.front().arrival);
    if (!to_client.empty()) next = std::min(next, to_client.front().arrival);
    next = std::min(next, client->next_deadline());
    if (server) next = std::min(next, server->next_deadline());
    ASSERT_NE(next, kTimeInfinite) << "nothing left to happen";
    now = std::max(now, next);
    while (!to_server.empty() && to_server.front().arrival <= now) {
      auto d = std::move(to_server.front());
      to_server.pop_front();
      if (!server) accept_server(d.bytes);
      PathTuple seen = server_tuple;
      if (rebind_client) seen.remote = client_tuple.local;
      ASSERT_TRUE(server->on_datagram(d.bytes, seen, d.ecn, now));
    }
    while (!to_client.empty() && to_client.front().arrival <= now) {
      auto d = std::move(to_client.front());
      to_client.pop_front();
      ASSERT_TRUE(client->on_datagram(d.bytes, client_tuple, d.ecn, now));
    }
    if (client->next_deadline() <= now) client->on_timeout(now);
    if (server && server->next_deadline() <= now) server->on_timeout(now);
    drain_events();
  }

  template <class Pred>
  bool run_until(Pred done, Duration limit = 60s) {
    const Timestamp end = now + limit;
    bool ok = false;  // the predicate may have side effects: evaluate it once per step
    while (!(ok = done()) && now < end) {
      step();
      if (::testing::Test::HasFatalFailure()) return false;
    }
    return ok;
  }

  bool handshake() {
    start_client();
    return run_until([&] { return client->is_established() && server && server->is_established(); });
  }
};

}  // namespace tquic::transport::testing
