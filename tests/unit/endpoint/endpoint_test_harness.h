// A client Endpoint and a server Endpoint exchanging datagrams in-process
// over a virtual-time pipe with a fixed one-way delay (the endpoint
// counterpart of tests/unit/transport/conn_test_harness.h, whose PKI and TLS
// contexts it reuses). A filter on each direction lets a test drop, change
// or redirect datagrams.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "endpoint/endpoint.h"
#include "unit/transport/conn_test_harness.h"

namespace tquic::endpoint::testing {

inline constexpr std::uint64_t kUnixAtZero = 1'700'000'000;

inline std::vector<std::uint8_t> seed_of(std::uint8_t v) {
  std::vector<std::uint8_t> s(32);
  for (std::size_t i = 0; i < s.size(); ++i) s[i] = static_cast<std::uint8_t>(v * 31 + i);
  return s;
}

inline EndpointConfig server_config() {
  EndpointConfig c;
  c.seed = seed_of(1);
  c.server_id = {0x5e};
  c.unix_seconds_at_time_zero = kUnixAtZero;
  return c;
}

inline EndpointConfig client_config() {
  EndpointConfig c;
  c.seed = seed_of(2);
  c.server_id = {0xc1};
  c.unix_seconds_at_time_zero = kUnixAtZero;
  return c;
}

struct Datagram {
  Timestamp arrival;
  PathTuple tuple;  // as the receiver sees it: local = receiver, remote = sender
  std::vector<std::uint8_t> bytes;
};


struct EndpointPair {
  std::unique_ptr<crypto::TlsContext> stls = transport::testing::server_tls();
  std::unique_ptr<crypto::TlsContext> ctls = transport::testing::client_tls();
  std::unique_ptr<Endpoint> server;
  std::unique_ptr<Endpoint> client;
  NetAddress server_addr = NetAddress::ipv4({10, 0, 0, 2}, 443);
  Timestamp now = timestamp_from_ns(1'000'000'000);
  Duration delay = 10ms;
  std::deque<Datagram> to_server, to_client;
  std::vector<std::uint8_t> tx = std::vector<std::uint8_t>(65536);
  std::vector<EndpointEvent> server_events, client_events;
  // Return false to drop the datagram; may change it (bytes, tuple, arrival).
  std::function<bool(Datagram&)> server_filter, client_filter;
  std::uint64_t to_server_count = 0, to_client_count = 0;

  explicit EndpointPair(EndpointConfig scfg = server_config(), EndpointConfig ccfg = client_config()) {
    auto s = Endpoint::create(std::move(scfg), EndpointTls{stls.get(), nullptr});
    EXPECT_TRUE(s) << s.error().reason;
    if (s) server = std::move(*s);
    auto c = Endpoint::create(std::move(ccfg), EndpointTls{nullptr, ctls.get()});
    EXPECT_TRUE(c) << c.error().reason;
    if (c) client = std::move(*c);
  }

  PathTuple client_tuple(std::uint16_t port) const {
    return PathTuple{NetAddress::ipv4({10, 0, 0, 1}, port), server_addr};
  }

  ConnectionHandle connect(std::uint16_t port, transport::ClientOptions o = {}) {
    o.server_name = "localhost";
    o.tuple = client_tuple(port);
    auto h = client->connect(std::move(o), now);
    EXPECT_TRUE(h) << h.error().reason;
    return h ? *h : ConnectionHandle{};
  }

  void flush(Endpoint& from, std::deque<Datagram>& q, const std::function<bool(Datagram&)>& filter,
             std::uint64_t& count) {
    for (int guard = 0; guard < 100000; ++guard) {
      auto t = from.write_train(tx, now);
      ASSERT_TRUE(t) << t.error().reason;
      if (t->segments == 0) return;
      for (std::size_t off = 0; off < t->bytes; off += t->segment_size) {
        const std::size_t n = std::min<std::size_t>(t->segment_size, t->bytes - off);
        Datagram d{now + delay, PathTuple{t->tuple.remote, t->tuple.local},
                   std::vector<std::uint8_t>(tx.begin() + static_cast<long>(off),
                                             tx.begin() + static_cast<long>(off + n))};
        ++count;
        if (filter && !filter(d)) continue;
        q.push_back(std::move(d));
      }
    }
    FAIL() << "write_train never ran dry";
  }

  void drain_events() {
    EndpointEvent ev;
    while (server->poll_event(ev)) server_events.push_back(ev);
    while (client->poll_event(ev)) client_events.push_back(ev);
  }

  static void deliver_due(Endpoint& to, std::deque<Datagram>& q, Timestamp now) {
    std::stable_sort(q.begin(), q.end(), [](const Datagram& a, const Datagram& b) { return a.arrival < b.arrival; });
    while (!q.empty() && q.front().arrival <= now) {
      Datagram d = std::move(q.front());
      q.pop_front();
      ASSERT_TRUE(to.on_datagram(d.bytes, d.tuple, transport::EcnMark::not_ect, now));
    }
  }

  // One step: send what is ready, advance to the next event, deliver it.
  void step() {
    flush(*client, to_server, server_filter, to_server_count);
    flush(*server, to_client, client_filter, to_client_count);
    Timestamp next = std::min(client->next_deadline(), server->next_deadline());
    for (const auto& d : to_server) next = std::min(next, d.arrival);
    for (const auto& d : to_client) next = std::min(next, d.arrival);
    ASSERT_NE(next, kTimeInfinite) << "nothing left to happen";
    now = std::max(now, next);
    deliver_due(*server, to_server, now);
    deliver_due(*client, to_client, now);
    client->on_timeout(now);
    server->on_timeout(now);
    drain_events();
  }

  template <class Pred>
  bool run_until(Pred done, Duration limit = 60s) {
    const Timestamp end = now + limit;
    while (!done() && now < end) {
      step();
      if (::testing::Test::HasFatalFailure()) return false;
    }
    return done();
  }

  // Runs until nothing is queued and no timer is armed within `span`.
  void settle(Duration span) {
    const Timestamp end = now + span;
    while (now < end) {
      flush(*client, to_server, server_filter, to_server_count);
      flush(*server, to_client, client_filter, to_client_count);
      Timestamp next = std::min(client->next_deadline(), server->next_deadline());
      for (const auto& d : to_server) next = std::min(next, d.arrival);
      for (const auto& d : to_client) next = std::min(next, d.arrival);
      if (next > end) break;
      now = std::max(now, next);
      deliver_due(*server, to_server, now);
      deliver_due(*client, to_client, now);
      client->on_timeout(now);
      server->on_timeout(now);
      drain_events();
      if (::testing::Test::HasFatalFailure()) return;
    }
    drain_events();
  }

  std::vector<ConnectionHandle> accepted() const {
    std::vector<ConnectionHandle> v;
    for (const auto& e : server_events)
      if (e.type == EndpointEventType::accepted) v.push_back(e.handle);
    return v;
  }

  static bool saw(const std::vector<EndpointEvent>& evs, ConnectionHandle h, transport::ConnectionEventType t) {
    return std::any_of(evs.begin(), evs.end(), [&](const EndpointEvent& e) {
      return e.type == EndpointEventType::connection && e.handle == h && e.event.type == t;
    });
  }
  static bool removed(const std::vector<EndpointEvent>& evs, ConnectionHandle h) {
    return std::any_of(evs.begin(), evs.end(),
                       [&](const EndpointEvent& e) { return e.type == EndpointEventType::removed && e.handle == h; });
  }
};

}  // namespace tquic::endpoint::testing
