#include "io/mmsg_engine.h"

#include <gtest/gtest.h>
#include <poll.h>

#include <numeric>
#include <vector>

#include "io/address_text.h"

namespace tquic::io {
namespace {

NetAddress loopback4() { return NetAddress::ipv4({127, 0, 0, 1}, 0); }

struct Pair {
  UdpSocket a, b;
  explicit Pair(NetAddress where = loopback4(), SocketOptions opts = {}) {
    std::string err;
    EXPECT_TRUE(UdpSocket::open(where, opts, a, err)) << err;
    EXPECT_TRUE(UdpSocket::open(where, opts, b, err)) << err;
  }
};

// Receives until `want` segments arrived or 2 s passed; returns the segments.
std::vector<std::vector<std::uint8_t>> receive_segments(MmsgEngine& e, std::size_t want,
                                                         std::vector<RxDatagram>* meta = nullptr) {
  std::vector<std::vector<std::uint8_t>> out;
  for (int turn = 0; turn < 200 && out.size() < want; ++turn) {
    pollfd p{e.socket().fd(), POLLIN, 0};
    ::poll(&p, 1, 10);
    auto r = e.receive();
    EXPECT_TRUE(r);
    for (const RxDatagram& d : *r) {
      if (meta) meta->push_back(d);
      for (std::size_t i = 0; i < d.segment_count(); ++i) {
        auto s = d.segment(i);
        out.emplace_back(s.begin(), s.end());
      }
    }
  }
  return out;
}

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(seed + i * 7);
  return v;
}

TEST(AddressText, ParsesAndFormats) {
  NetAddress a;
  std::string err;
  ASSERT_TRUE(parse_address("127.0.0.1:4433", a, err));
  EXPECT_EQ(a.family, AddressFamily::ipv4);
  EXPECT_EQ(a.port, 4433);
  EXPECT_EQ(format_address(a), "127.0.0.1:4433");
  ASSERT_TRUE(parse_address("[::1]:443", a, err));
  EXPECT_EQ(a.family, AddressFamily::ipv6);
  EXPECT_EQ(format_address(a), "[::1]:443");
  for (const char* bad : {"127.0.0.1", "127.0.0.1:70000", "[::1]443", "host:1", "1.2.3.4:x", ""}) {
    err.clear();
    EXPECT_FALSE(parse_address(bad, a, err)) << bad;
    EXPECT_NE(err.find("use IPv4:PORT"), std::string::npos) << err;
  }
}

TEST(MmsgEngine, BatchOfDatagramsArrivesIntact) {
  Pair p;
  MmsgEngine tx(p.a, {});
  MmsgEngine rx(p.b, {});
  std::vector<std::vector<std::uint8_t>> payloads;
  std::vector<TxDatagram> batch;
  for (int i = 0; i < 100; ++i) payloads.push_back(pattern(100 + static_cast<std::size_t>(i), static_cast<std::uint8_t>(i)));
  for (auto& pl : payloads) batch.push_back(TxDatagram{pl, 0, p.b.local_address(), {}, Ecn::not_ect});
  auto sent = tx.send(batch);
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->datagrams, batch.size());
  auto got = receive_segments(rx, payloads.size());
  EXPECT_EQ(got, payloads);
  EXPECT_GT(tx.stats().tx_messages, 0u);
  EXPECT_LT(tx.stats().tx_syscalls, 10u);  // batched: 32 per syscall
}

TEST(MmsgEngine, GsoTrainArrivesAsEqualSegments) {
  Pair p;
  MmsgEngine tx(p.a, {});
  MmsgEngine rx(p.b, {});
  const std::size_t seg = 1200, count = 10, last = 700;
  auto train = pattern(seg * (count - 1) + last, 3);
  TxDatagram d{train, static_cast<std::uint16_t>(seg), p.b.local_address(), {}, Ecn::not_ect};
  auto sent = tx.send(std::span(&d, 1));
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->datagrams, 1u);
  EXPECT_EQ(tx.stats().tx_segments, count);
  std::vector<RxDatagram> meta;
  auto got = receive_segments(rx, count, &meta);
  ASSERT_EQ(got.size(), count);
  std::vector<std::uint8_t> joined;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].size(), i + 1 == count ? last : seg);
    joined.insert(joined.end(), got[i].begin(), got[i].end());
  }
  EXPECT_EQ(joined, train);
  if (p.a.gso_supported() && p.b.gro_enabled()) {
    EXPECT_LT(meta.size(), count);  // coalesced by GRO
  }
}

TEST(MmsgEngine, EcnCodepointIsCarried) {
  Pair p;
  MmsgEngine tx(p.a, {});
  MmsgEngine rx(p.b, {});
  auto pl = pattern(50, 1);
  TxDatagram d{pl, 0, p.b.local_address(), {}, Ecn::ect0};
  ASSERT_TRUE(tx.send(std::span(&d, 1)));
  std::vector<RxDatagram> meta;
  ASSERT_EQ(receive_segments(rx, 1, &meta).size(), 1u);
  EXPECT_EQ(meta[0].ecn, Ecn::ect0);
  EXPECT_EQ(meta[0].remote, p.a.local_address());
}

TEST(MmsgEngine, OversizedDatagramIsSkippedAndCountedNotRetried) {
  Pair p;
  MmsgEngine tx(p.a, {});
  MmsgEngine rx(p.b, {});
  std::vector<std::uint8_t> huge(70000, 1);  // over the UDP maximum: EMSGSIZE
  auto small = pattern(10, 2);
  std::vector<TxDatagram> batch{{huge, 0, p.b.local_address(), {}, Ecn::not_ect},
                                {small, 0, p.b.local_address(), {}, Ecn::not_ect}};
  auto sent = tx.send(batch);
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->datagrams, 2u);
  EXPECT_EQ(tx.stats().tx_dropped_emsgsize, 1u);
  auto got = receive_segments(rx, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], small);
}

TEST(MmsgEngine, Ipv6Loopback) {
  std::string err;
  UdpSocket probe;
  if (!UdpSocket::open(NetAddress::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 0), {}, probe, err))
    GTEST_SKIP() << "no IPv6 loopback: " << err;
  Pair p(probe.local_address().family == AddressFamily::ipv6
             ? NetAddress::ipv6(probe.local_address().ip, 0) : loopback4());
  MmsgEngine tx(p.a, {});
  MmsgEngine rx(p.b, {});
  auto pl = pattern(1200, 9);
  TxDatagram d{pl, 0, p.b.local_address(), {}, Ecn::ect1};
  ASSERT_TRUE(tx.send(std::span(&d, 1)));
  std::vector<RxDatagram> meta;
  auto got = receive_segments(rx, 1, &meta);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], pl);
  EXPECT_EQ(meta[0].ecn, Ecn::ect1);
  EXPECT_EQ(meta[0].remote.family, AddressFamily::ipv6);
}

TEST(MmsgEngine, ReceiveOnEmptySocketReturnsNothing) {
  Pair p;
  MmsgEngine rx(p.b, {});
  auto r = rx.receive();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
}

}  // namespace
}  // namespace tquic::io
