#include "io/uring/uring_engine.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "io/mmsg_engine.h"
#include "io/uring/recvmsg_parse.h"
#include "io/uring/tx_slots.h"
#include "io/uring/uring_compat.h"
#include "io/uring/uring_probe.h"

namespace tquic::io {
namespace {

#define REQUIRE_URING()                                                   \
  do {                                                                    \
    if (!uring_support().usable) GTEST_SKIP() << uring_support().reason; \
  } while (0)

NetAddress loopback4() { return NetAddress::ipv4({127, 0, 0, 1}, 0); }

struct Pair {
  UdpSocket a, b;
  explicit Pair(NetAddress where = loopback4(), SocketOptions opts = {}) {
    std::string err;
    EXPECT_TRUE(UdpSocket::open(where, opts, a, err)) << err;
    EXPECT_TRUE(UdpSocket::open(where, opts, b, err)) << err;
  }
};

std::unique_ptr<UringEngine> open_uring(UdpSocket& s, const UringConfig& c = {}) {
  auto r = UringEngine::create(s, c);
  EXPECT_TRUE(r) << (r ? "" : r.error().reason);
  return r ? std::move(*r) : nullptr;
}

void wait_input(MmsgEngine& e) {
  pollfd p{e.socket().fd(), POLLIN, 0};
  ::poll(&p, 1, 10);
}
void wait_input(UringEngine& e) { EXPECT_TRUE(e.wait(10ms)); }

// Receives until `want` segments arrived or ~2 s passed.
template <class Engine>
std::vector<std::vector<std::uint8_t>> receive_segments(Engine& e, std::size_t want,
                                                         std::vector<RxDatagram>* meta = nullptr,
                                                         int turns = 200) {
  std::vector<std::vector<std::uint8_t>> out;
  for (int turn = 0; turn < turns && out.size() < want; ++turn) {
    wait_input(e);
    auto r = e.receive();
    EXPECT_TRUE(r);
    if (!r) break;
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

// Calls send() until everything of `batch` went out (bounded).
template <class Engine>
void send_all(Engine& e, std::span<const TxDatagram> batch) {
  for (int turn = 0; turn < 1000 && !batch.empty(); ++turn) {
    auto p = e.send(batch);
    ASSERT_TRUE(p);
    ASSERT_EQ(p->segments_into_next, 0u);
    batch = batch.subspan(p->datagrams);
    if (!batch.empty()) wait_input(e);
  }
  ASSERT_TRUE(batch.empty());
}

// Lets the kernel finish every send slot (zero-copy notifications included).
void settle(UringEngine& e) {
  for (int turn = 0; turn < 200 && e.tx_slots_in_use() > 0; ++turn) {
    EXPECT_TRUE(e.wait(10ms));
    EXPECT_TRUE(e.send({}));
  }
}

std::vector<std::uint8_t> pattern(std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(seed + i * 7);
  return v;
}

// ---- TxSlots: the FIFO slot ring over the send slab (no io_uring needed) ----

TEST(TxSlots, ReclaimsInOrderAndReturnsToEmpty) {
  TxSlots t(4, 1000);
  const auto a = t.acquire(300), b = t.acquire(300), c = t.acquire(300);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  ASSERT_GE(c, 0);
  EXPECT_EQ(t.acquire(200), TxSlots::kNone);  // 100 bytes left
  t.finish(static_cast<std::uint32_t>(b));    // out of order: held until `a` is done
  EXPECT_EQ(t.in_use(), 3u);
  EXPECT_EQ(t.bytes_in_use(), 900u);
  t.finish(static_cast<std::uint32_t>(a));
  EXPECT_EQ(t.in_use(), 1u);
  EXPECT_EQ(t.bytes_in_use(), 300u);
  // 900..1000 is too short for 250: wraps to the front, padding counted.
  const auto d = t.acquire(250);
  ASSERT_GE(d, 0);
  EXPECT_EQ(t[static_cast<std::uint32_t>(d)].offset, 0u);
  EXPECT_EQ(t.bytes_in_use(), 300u + 100u + 250u);
  t.finish(static_cast<std::uint32_t>(c));
  t.finish(static_cast<std::uint32_t>(d));
  EXPECT_EQ(t.in_use(), 0u);
  EXPECT_EQ(t.bytes_in_use(), 0u);
}

TEST(TxSlots, RunsOutOfSlotsAndCancelsNewest) {
  TxSlots t(2, 10000);
  const auto a = t.acquire(10);
  const auto b = t.acquire(10);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  EXPECT_EQ(t.acquire(10), TxSlots::kNone);
  t.cancel_newest(static_cast<std::uint32_t>(b));
  EXPECT_EQ(t.in_use(), 1u);
  EXPECT_EQ(t.bytes_in_use(), 10u);
  const auto c = t.acquire(20);
  ASSERT_GE(c, 0);
  EXPECT_EQ(t[static_cast<std::uint32_t>(c)].offset, 10u);  // same place `b` had
  EXPECT_EQ(t.acquire(10001), TxSlots::kNone);               // larger than the slab
}

TEST(TxSlots, WrapAfterCancelRestoresWritePosition) {
  TxSlots t(4, 100);
  const auto a = t.acquire(80);
  ASSERT_GE(a, 0);
  t.finish(static_cast<std::uint32_t>(a));
  const auto b = t.acquire(50);
  const auto c = t.acquire(40);  // 50..90
  ASSERT_GE(b, 0);
  ASSERT_GE(c, 0);
  t.finish(static_cast<std::uint32_t>(b));
  const auto d = t.acquire(30);  // 90..100 too short: wraps, 10 padding
  ASSERT_GE(d, 0);
  EXPECT_EQ(t[static_cast<std::uint32_t>(d)].offset, 0u);
  t.cancel_newest(static_cast<std::uint32_t>(d));
  EXPECT_EQ(t.bytes_in_use(), 40u);
  const auto e = t.acquire(10);  // back at 90
  ASSERT_GE(e, 0);
  EXPECT_EQ(t[static_cast<std::uint32_t>(e)].offset, 90u);
}

TEST(TxSlots, SplitModeWalksSegments) {
  TxSlot s;
  s.length = 2500;
  s.segment_size = 1000;
  EXPECT_EQ(s.segments(), 3u);
  EXPECT_EQ(s.issue_length(), 2500u);
  s.split = true;
  s.next_segment = 2;
  EXPECT_EQ(s.issue_offset(), 2000u);
  EXPECT_EQ(s.issue_length(), 500u);
  s.next_segment = 3;
  EXPECT_EQ(s.issue_length(), 0u);
}

TEST(SendVerdict, ClassifiesKernelResults) {
  TxSlot single;
  single.length = 100;
  TxSlot train;
  train.length = 5000;
  train.segment_size = 1200;
  TxSlot zc = train;
  zc.zero_copy = true;
  EXPECT_EQ(judge_send_result(100, single), SendVerdict::sent);
  EXPECT_EQ(judge_send_result(-EAGAIN, single), SendVerdict::retry);
  EXPECT_EQ(judge_send_result(-ENOBUFS, single), SendVerdict::retry);
  EXPECT_EQ(judge_send_result(-EIO, train), SendVerdict::resplit);
  EXPECT_EQ(judge_send_result(-EIO, single), SendVerdict::failed);
  EXPECT_EQ(judge_send_result(-EMSGSIZE, single), SendVerdict::dropped_emsgsize);
  EXPECT_EQ(judge_send_result(-ECONNREFUSED, single), SendVerdict::dropped_unreachable);
  EXPECT_EQ(judge_send_result(-EPERM, single), SendVerdict::dropped_unreachable);
  EXPECT_EQ(judge_send_result(-EINVAL, zc), SendVerdict::zc_unsupported);
  EXPECT_EQ(judge_send_result(-EINVAL, train), SendVerdict::failed);
  TxSlot split = train;
  split.split = true;
  EXPECT_EQ(judge_send_result(-EIO, split), SendVerdict::failed);  // no second fallback
}

// ---- parse_recvmsg_buffer: hand-made buffers, as the kernel would lay them out ----

struct FakeBuffer {
  RecvmsgLayout layout{32, 128};
  std::vector<std::uint8_t> bytes;
  std::size_t control_used = 0;

  explicit FakeBuffer(std::size_t payload) : bytes(layout.header_bytes() + payload, 0xee) {
    uring_compat::RecvmsgOut o{};
    o.payloadlen = static_cast<std::uint32_t>(payload);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(4433);
    sin.sin_addr.s_addr = htonl(0x7f000002);
    o.namelen = sizeof sin;
    std::memcpy(bytes.data() + sizeof o, &sin, sizeof sin);
    set_out(o);
  }
  uring_compat::RecvmsgOut out() const {
    uring_compat::RecvmsgOut o;
    std::memcpy(&o, bytes.data(), sizeof o);
    return o;
  }
  void set_out(const uring_compat::RecvmsgOut& o) { std::memcpy(bytes.data(), &o, sizeof o); }
  template <class T>
  void add_cmsg(int level, int type, const T& v) {
    std::uint8_t* at = bytes.data() + sizeof(uring_compat::RecvmsgOut) + layout.name_space + control_used;
    cmsghdr c{};
    c.cmsg_len = CMSG_LEN(sizeof v);
    c.cmsg_level = level;
    c.cmsg_type = type;
    std::memcpy(at, &c, sizeof c);
    std::memcpy(at + CMSG_LEN(0), &v, sizeof v);
    control_used += CMSG_SPACE(sizeof v);
    auto o = out();
    o.controllen = static_cast<std::uint32_t>(control_used);
    set_out(o);
  }
  RecvmsgVerdict parse(RxDatagram& d) const {
    return parse_recvmsg_buffer(bytes, layout, NetAddress::ipv4({127, 0, 0, 1}, 9), d);
  }
};

TEST(RecvmsgParse, ReadsNamePayloadGroAndEcn) {
  FakeBuffer b(3000);
  b.add_cmsg(SOL_UDP, UDP_GRO, 1200);
  b.add_cmsg(IPPROTO_IP, IP_TOS, std::uint8_t{0x03});
  RxDatagram d;
  ASSERT_EQ(b.parse(d), RecvmsgVerdict::ok);
  EXPECT_EQ(d.data.size(), 3000u);
  EXPECT_EQ(d.segment_size, 1200u);
  EXPECT_EQ(d.segment_count(), 3u);
  EXPECT_EQ(d.ecn, Ecn::ce);
  EXPECT_EQ(d.remote, NetAddress::ipv4({127, 0, 0, 2}, 4433));
  EXPECT_EQ(d.local.port, 9);
}

TEST(RecvmsgParse, PktinfoSetsLocalAddress) {
  FakeBuffer b(10);
  in_pktinfo pi{};
  pi.ipi_addr.s_addr = htonl(0x7f000005);
  b.add_cmsg(IPPROTO_IP, IP_PKTINFO, pi);
  RxDatagram d;
  ASSERT_EQ(b.parse(d), RecvmsgVerdict::ok);
  EXPECT_TRUE(d.local.same_ip(NetAddress::ipv4({127, 0, 0, 5}, 0)));
}

TEST(RecvmsgParse, RejectsImpossibleLengths) {
  RxDatagram d;
  {
    FakeBuffer b(10);
    auto o = b.out();
    o.flags = MSG_TRUNC;
    b.set_out(o);
    EXPECT_EQ(b.parse(d), RecvmsgVerdict::truncated);
  }
  {
    FakeBuffer b(10);
    b.bytes.resize(b.layout.header_bytes() - 1);  // shorter than the header
    EXPECT_EQ(b.parse(d), RecvmsgVerdict::malformed);
  }
  {
    FakeBuffer b(10);
    auto o = b.out();
    o.namelen = 33;  // more than reserved
    b.set_out(o);
    EXPECT_EQ(b.parse(d), RecvmsgVerdict::malformed);
  }
  {
    FakeBuffer b(10);
    auto o = b.out();
    o.controllen = 129;
    b.set_out(o);
    EXPECT_EQ(b.parse(d), RecvmsgVerdict::malformed);
  }
  {
    FakeBuffer b(10);
    auto o = b.out();
    o.payloadlen = 11;  // claims more than the buffer holds, without MSG_TRUNC
    b.set_out(o);
    EXPECT_EQ(b.parse(d), RecvmsgVerdict::malformed);
  }
  {
    FakeBuffer b(10);
    auto o = b.out();
    o.namelen = 8;  // AF_INET but shorter than sockaddr_in
    b.set_out(o);
    EXPECT_EQ(b.parse(d), RecvmsgVerdict::malformed);
  }
}

TEST(RecvmsgParse, BogusControlLengthEndsTheWalk) {
  FakeBuffer b(10);
  b.add_cmsg(IPPROTO_IP, IP_TOS, std::uint8_t{0x02});
  // A second header claiming far more than the area holds, then a GRO one.
  std::uint8_t* at = b.bytes.data() + sizeof(uring_compat::RecvmsgOut) + b.layout.name_space + b.control_used;
  cmsghdr c{};
  c.cmsg_len = 100000;
  c.cmsg_level = SOL_UDP;
  c.cmsg_type = UDP_GRO;
  std::memcpy(at, &c, sizeof c);
  auto o = b.out();
  o.controllen = static_cast<std::uint32_t>(b.control_used + sizeof c + 8);
  b.set_out(o);
  RxDatagram d;
  ASSERT_EQ(b.parse(d), RecvmsgVerdict::ok);
  EXPECT_EQ(d.ecn, Ecn::ect0);
  EXPECT_EQ(d.segment_size, 0u);
  // A zero-length header must not loop forever either.
  std::vector<std::uint8_t> zeros(64, 0);
  RxDatagram z;
  apply_rx_control(zeros, z);
  EXPECT_EQ(z.ecn, Ecn::not_ect);
}

// ---- The engine over real loopback sockets ----

TEST(UringEngine, BadConfigurationIsRefused) {
  Pair p;
  UringConfig c;
  c.rx_buffers = 48;  // not a power of two
  auto r = UringEngine::create(p.a, c);
  ASSERT_FALSE(r);
  EXPECT_NE(std::string(r.error().reason).find("power of two"), std::string::npos);
}

TEST(UringEngine, BatchOfDatagramsArrivesIntact) {
  REQUIRE_URING();
  Pair p;
  auto tx = open_uring(p.a);
  auto rx = open_uring(p.b);
  ASSERT_TRUE(tx && rx);
  std::vector<std::vector<std::uint8_t>> payloads;
  std::vector<TxDatagram> batch;
  for (int i = 0; i < 100; ++i) payloads.push_back(pattern(100 + static_cast<std::size_t>(i), static_cast<std::uint8_t>(i)));
  for (auto& pl : payloads) batch.push_back(TxDatagram{pl, 0, p.b.local_address(), {}, Ecn::not_ect});
  auto sent = tx->send(batch);
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->datagrams, batch.size());
  EXPECT_FALSE(sent->blocked);
  for (auto& pl : payloads) std::fill(pl.begin(), pl.end(), 0);  // send() copied: ours again
  for (int i = 0; i < 100; ++i) payloads[static_cast<std::size_t>(i)] = pattern(100 + static_cast<std::size_t>(i), static_cast<std::uint8_t>(i));
  auto got = receive_segments(*rx, payloads.size());
  EXPECT_EQ(got, payloads);
  EXPECT_EQ(tx->stats().tx_syscalls, 1u);  // one submit for the whole batch
  settle(*tx);
  EXPECT_EQ(tx->stats().tx_messages, 100u);
  EXPECT_EQ(tx->tx_slots_in_use(), 0u);
  EXPECT_EQ(tx->tx_bytes_in_use(), 0u);
}

TEST(UringEngine, CallerBufferIsFreeWhenSendReturns) {
  REQUIRE_URING();
  Pair p;
  auto tx = open_uring(p.a);
  auto rx = open_uring(p.b);
  ASSERT_TRUE(tx && rx);
  auto pl = pattern(500, 4);
  const auto expect = pl;
  TxDatagram d{pl, 0, p.b.local_address(), {}, Ecn::not_ect};
  ASSERT_TRUE(tx->send(std::span(&d, 1)));
  std::fill(pl.begin(), pl.end(), 0xaa);  // overwrite before the kernel even ran the send
  auto got = receive_segments(*rx, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], expect);
}

TEST(UringEngine, GsoTrainArrivesAsEqualSegments) {
  REQUIRE_URING();
  Pair p;
  auto tx = open_uring(p.a);
  auto rx = open_uring(p.b);
  ASSERT_TRUE(tx && rx);
  const std::size_t seg = 1200, count = 10, last = 700;
  auto train = pattern(seg * (count - 1) + last, 3);
  TxDatagram d{train, static_cast<std::uint16_t>(seg), p.b.local_address(), {}, Ecn::not_ect};
  auto sent = tx->send(std::span(&d, 1));
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->datagrams, 1u);
  std::vector<RxDatagram> meta;
  auto got = receive_segments(*rx, count, &meta);
  ASSERT_EQ(got.size(), count);
  std::vector<std::uint8_t> joined;
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].size(), i + 1 == count ? last : seg);
    joined.insert(joined.end(), got[i].begin(), got[i].end());
  }
  EXPECT_EQ(joined, train);
  settle(*tx);
  EXPECT_EQ(tx->stats().tx_segments, count);
  if (p.a.gso_supported() && p.b.gro_enabled()) {
    EXPECT_LT(meta.size(), count);  // coalesced by GRO into one buffer
    EXPECT_EQ(meta[0].segment_size, seg);
    EXPECT_EQ(tx->stats().tx_messages, 1u);
  }
}

TEST(UringEngine, EcnCodepointAndPktinfoAreCarried) {
  REQUIRE_URING();
  SocketOptions opts;
  opts.pktinfo = true;
  Pair p(loopback4(), opts);
  auto tx = open_uring(p.a);
  auto rx = open_uring(p.b);
  ASSERT_TRUE(tx && rx);
  auto pl = pattern(50, 1);
  TxDatagram d{pl, 0, p.b.local_address(), {}, Ecn::ect0};
  ASSERT_TRUE(tx->send(std::span(&d, 1)));
  std::vector<RxDatagram> meta;
  ASSERT_EQ(receive_segments(*rx, 1, &meta).size(), 1u);
  EXPECT_EQ(meta[0].ecn, Ecn::ect0);
  EXPECT_EQ(meta[0].remote, p.a.local_address());
  EXPECT_EQ(meta[0].local, p.b.local_address());
}

TEST(UringEngine, OversizedDatagramIsSkippedAndCountedNotRetried) {
  REQUIRE_URING();
  Pair p;
  auto tx = open_uring(p.a);
  auto rx = open_uring(p.b);
  ASSERT_TRUE(tx && rx);
  std::vector<std::uint8_t> huge(70000, 1);        // over any UDP datagram: refused at once
  std::vector<std::uint8_t> too_big(65520, 2);     // fits our slot, the kernel says EMSGSIZE
  auto small = pattern(10, 2);
  std::vector<TxDatagram> batch{{huge, 0, p.b.local_address(), {}, Ecn::not_ect},
                                {too_big, 0, p.b.local_address(), {}, Ecn::not_ect},
                                {small, 0, p.b.local_address(), {}, Ecn::not_ect}};
  auto sent = tx->send(batch);
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->datagrams, 3u);
  auto got = receive_segments(*rx, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], small);
  settle(*tx);
  EXPECT_EQ(tx->stats().tx_dropped_emsgsize, 2u);
  EXPECT_EQ(tx->tx_slots_in_use(), 0u);  // the failed send gave its slot back
  EXPECT_TRUE(tx->send({}));              // not a fatal error
}

TEST(UringEngine, DatagramLargerThanReceiveBufferIsCountedAndSkipped) {
  REQUIRE_URING();
  Pair p;
  auto tx = open_uring(p.a);
  UringConfig small;
  small.rx_buffer_size = 1200;
  auto rx = open_uring(p.b, small);
  ASSERT_TRUE(tx && rx);
  auto big = pattern(1500, 1);
  auto ok = pattern(1000, 2);
  std::vector<TxDatagram> batch{{big, 0, p.b.local_address(), {}, Ecn::not_ect},
                                {ok, 0, p.b.local_address(), {}, Ecn::not_ect}};
  ASSERT_TRUE(tx->send(batch));
  auto got = receive_segments(*rx, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], ok);
  EXPECT_EQ(rx->stats().rx_truncated, 1u);
}

TEST(UringEngine, Ipv6Loopback) {
  REQUIRE_URING();
  std::string err;
  UdpSocket probe;
  if (!UdpSocket::open(NetAddress::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 0), {}, probe, err))
    GTEST_SKIP() << "no IPv6 loopback: " << err;
  Pair p(NetAddress::ipv6(probe.local_address().ip, 0));
  auto tx = open_uring(p.a);
  auto rx = open_uring(p.b);
  ASSERT_TRUE(tx && rx);
  auto pl = pattern(1200, 9);
  auto train = pattern(1200 * 5, 5);
  std::vector<TxDatagram> batch{{pl, 0, p.b.local_address(), {}, Ecn::ect1},
                                {train, 1200, p.b.local_address(), {}, Ecn::ect1}};
  ASSERT_TRUE(tx->send(batch));
  std::vector<RxDatagram> meta;
  auto got = receive_segments(*rx, 6, &meta);
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(got[0], pl);
  EXPECT_EQ(meta[0].ecn, Ecn::ect1);
  EXPECT_EQ(meta[0].remote.family, AddressFamily::ipv6);
  EXPECT_EQ(meta[0].remote, p.a.local_address());
}

TEST(UringEngine, ReceiveOnEmptySocketReturnsNothing) {
  REQUIRE_URING();
  Pair p;
  auto rx = open_uring(p.b);
  ASSERT_TRUE(rx);
  for (int i = 0; i < 3; ++i) {
    auto r = rx->receive();
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->empty());
  }
  EXPECT_EQ(rx->stats().rx_syscalls, 3u);
  EXPECT_EQ(rx->uring_stats().rx_arms, 1u);  // armed once, still armed
}

TEST(UringEngine, WaitSleepsUntilDataOrTimeout) {
  REQUIRE_URING();
  Pair p;
  auto rx = open_uring(p.b);
  ASSERT_TRUE(rx);
  ASSERT_TRUE(rx->receive());
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(rx->wait(30ms));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 25ms);
  auto pl = pattern(10, 1);
  MmsgEngine tx(p.a, {});
  TxDatagram d{pl, 0, p.b.local_address(), {}, Ecn::not_ect};
  ASSERT_TRUE(tx.send(std::span(&d, 1)));
  const auto t1 = std::chrono::steady_clock::now();
  ASSERT_TRUE(rx->wait(5s));
  EXPECT_LT(std::chrono::steady_clock::now() - t1, 2s);
  auto r = rx->receive();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size(), 1u);
}

TEST(UringEngine, RingFdBecomesReadableForAnEventLoop) {
  REQUIRE_URING();
  Pair p;
  auto rx = open_uring(p.b);
  ASSERT_TRUE(rx);
  ASSERT_TRUE(rx->receive());  // armed and submitted
  pollfd idle{rx->ring_fd(), POLLIN, 0};
  EXPECT_EQ(::poll(&idle, 1, 0), 0);
  MmsgEngine tx(p.a, {});
  auto pl = pattern(33, 1);
  TxDatagram d{pl, 0, p.b.local_address(), {}, Ecn::not_ect};
  ASSERT_TRUE(tx.send(std::span(&d, 1)));
  pollfd ready{rx->ring_fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&ready, 1, 2000), 1);
  EXPECT_TRUE(ready.revents & POLLIN);
  auto r = rx->receive();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(std::vector<std::uint8_t>((*r)[0].data.begin(), (*r)[0].data.end()), pl);
}

TEST(UringEngine, BufferRingRecyclesUnderSustainedLoad) {
  REQUIRE_URING();
  Pair p;
  UringConfig small;
  small.rx_buffers = 64;
  small.tx_slots = 64;
  auto tx = open_uring(p.a, small);
  auto rx = open_uring(p.b, small);
  ASSERT_TRUE(tx && rx);
  std::vector<std::vector<std::uint8_t>> payloads;
  for (int i = 0; i < 64; ++i) payloads.push_back(pattern(200, static_cast<std::uint8_t>(i)));
  std::vector<TxDatagram> chunk;
  for (auto& pl : payloads) chunk.push_back(TxDatagram{pl, 0, p.b.local_address(), {}, Ecn::not_ect});
  const std::size_t total = 100000;
  std::size_t received = 0, sent = 0, mismatched = 0;
  // Send a chunk, receive it all, repeat: the socket buffer never overflows.
  for (int round = 0; sent < total && round < 100000; ++round) {
    const std::size_t n = std::min(chunk.size(), total - sent);
    send_all(*tx, std::span<const TxDatagram>(chunk.data(), n));
    sent += n;
    for (int turn = 0; turn < 500 && received < sent; ++turn) {
      if (turn > 0) {
        ASSERT_TRUE(rx->wait(10ms));
      }
      auto r = rx->receive();
      ASSERT_TRUE(r);
      EXPECT_LE(rx->rx_buffers_held(), 64u);
      for (const RxDatagram& d : *r) {
        for (std::size_t i = 0; i < d.segment_count(); ++i) {
          const auto s = d.segment(i);
          const std::size_t k = received % 64;
          if (s.size() != payloads[k].size() || !std::equal(s.begin(), s.end(), payloads[k].begin())) ++mismatched;
          ++received;
        }
      }
    }
    ASSERT_EQ(received, sent) << "lost datagrams in round " << round;
  }
  EXPECT_EQ(mismatched, 0u);
  ASSERT_TRUE(rx->receive());  // hands back the last batch
  const UringStats& u = rx->uring_stats();
  EXPECT_EQ(u.rx_buffers_taken, u.rx_buffers_recycled + rx->rx_buffers_held());
  EXPECT_GE(u.rx_buffers_taken, total / 64);  // at least one buffer per GRO train
  EXPECT_LT(u.rx_recycle_batches, u.rx_buffers_recycled);  // batched give-back
  EXPECT_EQ(u.rx_errors, 0u);
  EXPECT_EQ(u.rx_malformed, 0u);
  settle(*tx);
  EXPECT_EQ(tx->tx_slots_in_use(), 0u);
  EXPECT_EQ(tx->stats().tx_messages, total);
}

TEST(UringEngine, ZeroCopyForLargeTrainsReleasedAfterNotification) {
  REQUIRE_URING();
  Pair p;
  auto tx = open_uring(p.a);
  auto rx = open_uring(p.b);
  ASSERT_TRUE(tx && rx);
  if (!tx->zero_copy_active() || !p.a.gso_supported()) GTEST_SKIP() << "no SENDMSG_ZC or no GSO here";
  auto big = pattern(1200 * 20, 7);     // 24000 B >= 16 KiB: zero-copy
  auto small = pattern(1200 * 4, 8);    // 4800 B: copied, plain SENDMSG
  std::vector<TxDatagram> batch{{big, 1200, p.b.local_address(), {}, Ecn::not_ect},
                                {small, 1200, p.b.local_address(), {}, Ecn::not_ect}};
  auto sent = tx->send(batch);
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->datagrams, 2u);
  EXPECT_EQ(tx->uring_stats().tx_zc_sends, 1u);
  auto got = receive_segments(*rx, 24);
  ASSERT_EQ(got.size(), 24u);
  std::vector<std::uint8_t> joined;
  for (std::size_t i = 0; i < 20; ++i) joined.insert(joined.end(), got[i].begin(), got[i].end());
  EXPECT_EQ(joined, big);
  settle(*tx);
  const UringStats& u = tx->uring_stats();
  EXPECT_EQ(u.tx_zc_notifs, u.tx_zc_sends);  // every zero-copy slot waited for its notification
  EXPECT_EQ(tx->tx_slots_in_use(), 0u);
  EXPECT_EQ(tx->tx_bytes_in_use(), 0u);
  EXPECT_EQ(u.tx_zc_fallbacks, 0u);
  if (tx->fixed_buffers_active()) {
    EXPECT_EQ(u.tx_zc_fixed, 1u);
  }
  EXPECT_EQ(tx->stats().tx_segments, 24u);
}

TEST(UringEngine, ZeroCopyGivesUpWhenTheKernelKeepsCopying) {
  REQUIRE_URING();
  Pair p;
  UringConfig c;
  c.zc_copied_limit = 2;
  auto tx = open_uring(p.a, c);
  auto rx = open_uring(p.b);
  ASSERT_TRUE(tx && rx);
  if (!tx->zero_copy_active() || !p.a.gso_supported()) GTEST_SKIP() << "no SENDMSG_ZC or no GSO here";
  auto big = pattern(1200 * 16, 3);
  TxDatagram d{big, 1200, p.b.local_address(), {}, Ecn::not_ect};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(tx->send(std::span(&d, 1)));
    ASSERT_EQ(receive_segments(*rx, 16).size(), 16u);
    settle(*tx);
  }
  const UringStats& u = tx->uring_stats();
  if (u.tx_zc_copied == 0) GTEST_SKIP() << "the kernel does not report zero-copy usage";
  EXPECT_EQ(u.tx_zc_copied, 2u);  // loopback always copies
  EXPECT_EQ(u.tx_zc_gave_up, 1u);
  EXPECT_EQ(u.tx_zc_sends, 2u);   // the third train went as plain SENDMSG
  EXPECT_FALSE(tx->zero_copy_active());
  EXPECT_EQ(tx->stats().tx_segments, 48u);
}

TEST(UringEngine, SmallTrainsNeverGoZeroCopy) {
  REQUIRE_URING();
  Pair p;
  auto tx = open_uring(p.a);
  auto rx = open_uring(p.b);
  ASSERT_TRUE(tx && rx);
  auto train = pattern(1200 * 8, 1);
  TxDatagram d{train, 1200, p.b.local_address(), {}, Ecn::not_ect};
  ASSERT_TRUE(tx->send(std::span(&d, 1)));
  EXPECT_EQ(receive_segments(*rx, 8).size(), 8u);
  settle(*tx);
  EXPECT_EQ(tx->uring_stats().tx_zc_sends, 0u);
  EXPECT_EQ(tx->uring_stats().tx_zc_notifs, 0u);
}

TEST(UringEngine, RingRunningDryEndsMultishotAndReArms) {
  REQUIRE_URING();
  SocketOptions no_gro;
  no_gro.gro = false;  // one buffer per datagram
  Pair p(loopback4(), no_gro);
  MmsgEngine tx(p.a, {});
  UringConfig tiny;
  tiny.rx_buffers = 4;
  auto rx = open_uring(p.b, tiny);
  ASSERT_TRUE(rx);
  ASSERT_TRUE(rx->receive());  // armed before the burst
  std::vector<std::vector<std::uint8_t>> payloads;
  std::vector<TxDatagram> batch;
  for (int i = 0; i < 64; ++i) payloads.push_back(pattern(300, static_cast<std::uint8_t>(i)));
  for (auto& pl : payloads) batch.push_back(TxDatagram{pl, 0, p.b.local_address(), {}, Ecn::not_ect});
  send_all(tx, batch);
  std::vector<std::vector<std::uint8_t>> got;
  for (int turn = 0; turn < 200 && got.size() < payloads.size(); ++turn) {
    ASSERT_TRUE(rx->wait(10ms));
    auto r = rx->receive();
    ASSERT_TRUE(r);
    EXPECT_LE(r->size(), 4u);
    for (const RxDatagram& d : *r) got.emplace_back(d.data.begin(), d.data.end());
  }
  EXPECT_EQ(got, payloads);  // nothing lost: the data waited in the socket
  const UringStats& u = rx->uring_stats();
  EXPECT_GE(u.rx_ring_dry, 1u);
  EXPECT_GE(u.rx_arms, 2u);
  EXPECT_LE(u.rx_arms, rx->stats().rx_syscalls + 1);  // at most one arm per call: no spin
  EXPECT_EQ(u.rx_errors, 0u);
}

TEST(UringEngine, SendBlocksWhenSlotsRunOutAndResumes) {
  REQUIRE_URING();
  Pair p;
  UringConfig few;
  few.tx_slots = 4;
  auto tx = open_uring(p.a, few);
  auto rx = open_uring(p.b);
  ASSERT_TRUE(tx && rx);
  std::vector<std::vector<std::uint8_t>> payloads;
  std::vector<TxDatagram> batch;
  for (int i = 0; i < 40; ++i) payloads.push_back(pattern(100, static_cast<std::uint8_t>(i)));
  for (auto& pl : payloads) batch.push_back(TxDatagram{pl, 0, p.b.local_address(), {}, Ecn::not_ect});
  auto first = tx->send(batch);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->blocked);
  EXPECT_EQ(first->datagrams, 4u);
  EXPECT_GE(tx->uring_stats().tx_slots_full, 1u);
  send_all(*tx, std::span<const TxDatagram>(batch).subspan(first->datagrams));
  auto got = receive_segments(*rx, payloads.size());
  EXPECT_EQ(got, payloads);
}

TEST(UringEngine, ReserveCommitSendsWithoutACopy) {
  REQUIRE_URING();
  Pair p;
  auto tx = open_uring(p.a);
  auto rx = open_uring(p.b);
  ASSERT_TRUE(tx && rx);
  const auto train = pattern(1200 * 20, 6);
  auto space = tx->reserve_tx(65535);
  ASSERT_TRUE(space);
  ASSERT_EQ(space->size(), 65535u);
  std::copy(train.begin(), train.end(), space->begin());  // stands for sealing in place
  const std::uint16_t seg = p.a.gso_supported() ? 1200 : 0;
  ASSERT_TRUE(tx->commit_tx(seg ? train.size() : 1200, TxDatagram{{}, seg, p.b.local_address(), {}, Ecn::ect0}));
  EXPECT_EQ(tx->tx_bytes_in_use(), seg ? train.size() : 1200u);  // the unused tail went back
  ASSERT_TRUE(tx->flush());
  const std::size_t want = seg ? 20 : 1;
  std::vector<RxDatagram> meta;
  auto got = receive_segments(*rx, want, &meta);
  ASSERT_EQ(got.size(), want);
  std::vector<std::uint8_t> joined;
  for (auto& g : got) joined.insert(joined.end(), g.begin(), g.end());
  EXPECT_TRUE(std::equal(joined.begin(), joined.end(), train.begin()));
  EXPECT_EQ(meta[0].ecn, Ecn::ect0);
  EXPECT_EQ(tx->uring_stats().tx_copied_bytes, 0u);
  if (seg && tx->zero_copy_active()) {
    EXPECT_EQ(tx->uring_stats().tx_zc_sends, 1u);
  }
  settle(*tx);
  EXPECT_EQ(tx->tx_slots_in_use(), 0u);
  EXPECT_EQ(tx->tx_bytes_in_use(), 0u);
}

TEST(UringEngine, ReservationRulesAreEnforced) {
  REQUIRE_URING();
  Pair p;
  UringConfig one;
  one.tx_slots = 1;
  auto tx = open_uring(p.a, one);
  ASSERT_TRUE(tx);
  const TxDatagram meta{{}, 0, p.b.local_address(), {}, Ecn::not_ect};
  EXPECT_FALSE(tx->commit_tx(10, meta));     // nothing reserved
  EXPECT_FALSE(tx->reserve_tx(70000));       // larger than a datagram
  ASSERT_TRUE(tx->reserve_tx(100));
  EXPECT_FALSE(tx->reserve_tx(100));         // one at a time
  EXPECT_FALSE(tx->send({}));                // not while one is open
  EXPECT_FALSE(tx->commit_tx(101, meta));    // larger than reserved
  tx->abort_tx();
  EXPECT_EQ(tx->tx_slots_in_use(), 0u);
  ASSERT_TRUE(tx->reserve_tx(100));
  ASSERT_TRUE(tx->commit_tx(100, meta));
  auto blocked = tx->reserve_tx(100);        // the only slot is committed, not yet sent
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().kind, ErrorKind::blocked);
  settle(*tx);
  EXPECT_TRUE(tx->reserve_tx(100));          // free again after the completion
  tx->abort_tx();
}

TEST(UringEngine, MmsgSenderToUringReceiver) {
  REQUIRE_URING();
  Pair p;
  MmsgEngine tx(p.a, {});
  auto rx = open_uring(p.b);
  ASSERT_TRUE(rx);
  auto single = pattern(1000, 1);
  auto train = pattern(1350 * 6 + 20, 2);
  std::vector<TxDatagram> batch{{single, 0, p.b.local_address(), {}, Ecn::ce},
                                {train, 1350, p.b.local_address(), {}, Ecn::ect0}};
  ASSERT_TRUE(tx.send(batch));
  std::vector<RxDatagram> meta;
  auto got = receive_segments(*rx, 8, &meta);
  ASSERT_EQ(got.size(), 8u);
  EXPECT_EQ(got[0], single);
  EXPECT_EQ(meta[0].ecn, Ecn::ce);
  EXPECT_EQ(meta.back().ecn, Ecn::ect0);
  std::vector<std::uint8_t> joined;
  for (std::size_t i = 1; i < got.size(); ++i) joined.insert(joined.end(), got[i].begin(), got[i].end());
  EXPECT_EQ(joined, train);
}

TEST(UringEngine, UringSenderToMmsgReceiver) {
  REQUIRE_URING();
  Pair p;
  auto tx = open_uring(p.a);
  MmsgEngine rx(p.b, {});
  ASSERT_TRUE(tx);
  auto single = pattern(1000, 1);
  auto train = pattern(1350 * 16, 2);  // 21600 B: the zero-copy path
  std::vector<TxDatagram> batch{{single, 0, p.b.local_address(), {}, Ecn::ect1},
                                {train, 1350, p.b.local_address(), {}, Ecn::ect0}};
  ASSERT_TRUE(tx->send(batch));
  std::vector<RxDatagram> meta;
  auto got = receive_segments(rx, 17, &meta);
  ASSERT_EQ(got.size(), 17u);
  EXPECT_EQ(got[0], single);
  EXPECT_EQ(meta[0].ecn, Ecn::ect1);
  EXPECT_EQ(meta.back().ecn, Ecn::ect0);
  std::vector<std::uint8_t> joined;
  for (std::size_t i = 1; i < got.size(); ++i) joined.insert(joined.end(), got[i].begin(), got[i].end());
  EXPECT_EQ(joined, train);
  settle(*tx);
  EXPECT_EQ(tx->tx_slots_in_use(), 0u);
}

TEST(UringEngine, BindsToTheFirstThreadThatUsesIt) {
  REQUIRE_URING();
  Pair p;
  auto rx = open_uring(p.b);  // created here...
  ASSERT_TRUE(rx);
  bool worker_ok = false;
  std::thread worker([&] { worker_ok = static_cast<bool>(rx->receive()); });  // ...run there
  worker.join();
  EXPECT_TRUE(worker_ok);
  if (rx->defer_taskrun()) {  // SINGLE_ISSUER: a second thread is refused, not corrupted
    auto r = rx->receive();
    ASSERT_FALSE(r);
    EXPECT_NE(std::string(r.error().reason).find("second thread"), std::string::npos);
  }
}

TEST(UringEngine, NapiOptionNeverFailsTheEngine) {
  REQUIRE_URING();
  Pair p;
  UringConfig c;
  c.napi_busy_poll_us = 50;
  auto tx = open_uring(p.a, c);
  auto rx = open_uring(p.b, c);
  ASSERT_TRUE(tx && rx);
  if (!rx->napi_active()) {
    EXPECT_EQ(rx->uring_stats().register_failures, 1u);
  }
  auto pl = pattern(64, 3);
  TxDatagram d{pl, 0, p.b.local_address(), {}, Ecn::not_ect};
  ASSERT_TRUE(tx->send(std::span(&d, 1)));
  auto got = receive_segments(*rx, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], pl);
}

}  // namespace
}  // namespace tquic::io
