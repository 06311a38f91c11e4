// HOTPATH.md rule 1, end to end: once a bulk transfer has warmed up, the
// connection engine makes no heap allocation at all — not per packet, not per
// ACK, not per stream chunk, on either side.
//
// A client sends 100 MB on one stream to a server over a virtual-time
// bottleneck link (rate, delay, bounded queue) built from preallocated slots,
// so the harness itself allocates nothing either. The first 50 MB are the
// warm-up: flow-control windows auto-tune, BBR probes for bandwidth, and the
// sent-packet map, frame store and chunk pools grow geometrically to their
// working size (a bounded handful of allocations, 27 when written). Over the
// last 50 MB the count must be zero.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <vector>

#include "support/malloc_counter.h"
#include "transport/connection/connection.h"
#include "unit/transport/conn_test_harness.h"
#include "wire/packet_header.h"

namespace tquic::transport {
namespace {

using test_support::AllocationCounter;

constexpr std::size_t kSlotBytes = 1500;  // larger datagrams are dropped (the link MTU)

// One direction of a bottleneck link: serialisation at `bits_per_second`,
// fixed propagation delay, at most `capacity` datagrams queued or in flight.
class BottleneckLink {
 public:
  BottleneckLink(std::size_t capacity, std::uint64_t bits_per_second, Duration delay)
      : slots_(capacity), rate_(bits_per_second), delay_(delay) {}

  void send(ByteSpan datagram, Timestamp now) {
    if (datagram.size() > kSlotBytes || size_ == slots_.size()) return;  // MTU / tail drop
    Slot& s = slots_[(head_ + size_) % slots_.size()];
    const Duration serialisation = std::chrono::nanoseconds(datagram.size() * 8'000'000'000ull / rate_);
    link_free_ = std::max(link_free_, now) + serialisation;
    s.arrival = link_free_ + delay_;
    s.length = datagram.size();
    std::copy(datagram.begin(), datagram.end(), s.bytes.begin());
    ++size_;
  }
  Timestamp next_arrival() const { return size_ ? slots_[head_].arrival : kTimeInfinite; }
  ByteSpan front() const { return ByteSpan(slots_[head_].bytes.data(), slots_[head_].length); }
  // Delivers every datagram due by `now` to `to`.
  void deliver(Connection& to, const PathTuple& tuple, Timestamp now) {
    while (size_ && slots_[head_].arrival <= now) {
      Slot& s = slots_[head_];
      ASSERT_TRUE(to.on_datagram(MutByteSpan(s.bytes.data(), s.length), tuple, EcnMark::not_ect, now));
      head_ = (head_ + 1) % slots_.size();
      --size_;
    }
  }

 private:
  struct Slot {
    Timestamp arrival;
    std::size_t length = 0;
    std::array<std::uint8_t, kSlotBytes> bytes{};
  };
  std::vector<Slot> slots_;
  std::size_t head_ = 0, size_ = 0;
  std::uint64_t rate_;
  Duration delay_;
  Timestamp link_free_{};
};

struct BulkSender {
  static constexpr std::uint64_t kTotal = 100'000'000;
  std::array<std::uint8_t, 65536> pattern{};
  StreamId stream{};
  bool opened = false;
  bool fin_sent = false;
  std::uint64_t written = 0;

  BulkSender() {
    for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<std::uint8_t>(i * 131);
  }
  void pump(Connection& c) {
    if (!c.is_established() || fin_sent) return;
    if (!opened) {
      auto id = c.open_stream(true);
      ASSERT_TRUE(id);
      stream = *id;
      opened = true;
    }
    while (written < kTotal) {
      const std::uint64_t off = written % pattern.size();
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(pattern.size() - off, kTotal - written));
      auto took = c.stream_write(stream, ByteSpan(pattern.data() + off, n), written + n == kTotal);
      ASSERT_TRUE(took || took.error().kind == ErrorKind::blocked);
      if (!took || *took == 0) return;
      written += *took;
    }
    fin_sent = true;
  }
};

struct BulkReceiver {
  std::uint64_t received = 0;
  std::uint64_t mismatches = 0;
  bool fin = false;

  void on_readable(Connection& c, StreamId id) {
    for (ByteSpan b = c.stream_peek(id); !b.empty(); b = c.stream_peek(id)) {
      for (std::size_t i = 0; i < b.size(); i += 4096)  // spot-check the pattern
        mismatches += b[i] != static_cast<std::uint8_t>(((received + i) % 65536) * 131);
      received += c.stream_consume(id, b.size());
    }
    fin = fin || c.stream_fin_received(id);
  }
};

class SteadyStateTransfer {
 public:
  explicit SteadyStateTransfer(ConnectionConfig config) : config_(config) {}

  void start() {
    ClientOptions o;
    o.server_name = "localhost";
    o.tuple = client_tuple_;
    o.random_seed = testing::seed(7);
    auto c = Connection::client(config_, *ctls_, client_cids_, std::move(o), now_);
    ASSERT_TRUE(c) << c.error().reason;
    client_ = std::move(*c);
  }

  // One turn: both sides send, time advances to the next event, it happens.
  void turn() {
    flush(*client_, to_server_);
    if (server_) flush(*server_, to_client_);
    Timestamp next = std::min({to_server_.next_arrival(), to_client_.next_arrival(), client_->next_deadline(),
                               server_ ? server_->next_deadline() : kTimeInfinite});
    ASSERT_NE(next, kTimeInfinite);
    now_ = std::max(now_, next);
    if (!server_ && to_server_.next_arrival() <= now_) accept_server();
    if (server_) to_server_.deliver(*server_, server_tuple_, now_);
    to_client_.deliver(*client_, client_tuple_, now_);
    if (client_->next_deadline() <= now_) client_->on_timeout(now_);
    if (server_ && server_->next_deadline() <= now_) server_->on_timeout(now_);
    drain_events();
    sender_.pump(*client_);
  }

  const BulkReceiver& receiver() const { return receiver_; }
  Connection& client() { return *client_; }
  Connection& server() { return *server_; }

 private:
  void flush(Connection& from, BottleneckLink& link) {
    for (;;) {
      auto t = from.write_train(tx_, now_);
      ASSERT_TRUE(t);
      if (t->segments == 0) return;
      for (std::size_t off = 0; off < t->bytes; off += t->segment_size)
        link.send(ByteSpan(tx_.data() + off, std::min<std::size_t>(t->segment_size, t->bytes - off)), now_);
    }
  }
  // The server is created from the client's first Initial, as an endpoint would.
  void accept_server() {
    auto h = wire::parse_packet_header(to_server_.front(), 8);
    ASSERT_TRUE(h);
    ServerOptions o;
    o.tuple = server_tuple_;
    o.client_dcid = h->dcid;
    o.client_scid = h->scid;
    o.original_dcid = h->dcid;
    o.version = h->version;
    o.random_seed = testing::seed(9);
    auto s = Connection::server(config_, *stls_, server_cids_, std::move(o), now_);
    ASSERT_TRUE(s) << s.error().reason;
    server_ = std::move(*s);
  }
  void drain_events() {
    ConnectionEvent ev;
    while (client_->poll_event(ev)) {
    }
    while (server_ && server_->poll_event(ev))
      if (ev.type == ConnectionEventType::stream_readable) receiver_.on_readable(*server_, StreamId{ev.stream_id});
  }

  ConnectionConfig config_;
  std::unique_ptr<crypto::TlsContext> stls_ = testing::server_tls();
  std::unique_ptr<crypto::TlsContext> ctls_ = testing::client_tls();
  testing::CounterCids client_cids_{0xc1};
  testing::CounterCids server_cids_{0x51};
  std::unique_ptr<Connection> client_, server_;
  PathTuple client_tuple_{NetAddress::ipv4({10, 0, 0, 1}, 5000), NetAddress::ipv4({10, 0, 0, 2}, 443)};
  PathTuple server_tuple_{NetAddress::ipv4({10, 0, 0, 2}, 443), NetAddress::ipv4({10, 0, 0, 1}, 5000)};
  Timestamp now_ = timestamp_from_ns(1'000'000'000);
  // 1 Gbit/s, 4 ms RTT: the queue holds about one bandwidth-delay product.
  BottleneckLink to_server_{512, 1'000'000'000, 2ms};
  BottleneckLink to_client_{512, 1'000'000'000, 2ms};
  std::vector<std::uint8_t> tx_ = std::vector<std::uint8_t>(65536);
  BulkSender sender_;
  BulkReceiver receiver_;
};

// qlog into a sink that only counts: formatting reuses one buffer per
// connection, so logging adds no allocation after warm-up either.
struct CountingQlogSink final : QlogSink {
  void write(std::string_view record) override { bytes += record.size(); }
  std::uint64_t bytes = 0;
};
struct CountingQlogFactory final : QlogSinkFactory {
  std::unique_ptr<QlogSink> open(const QlogTraceInfo&) override { return std::make_unique<CountingQlogSink>(); }
};

TEST(SteadyStateAllocation, HundredMegabyteTransferAllocatesNothingAfterWarmUp) {
  if (!test_support::malloc_hook_active()) GTEST_SKIP() << "malloc is owned by a sanitizer in this build";
  CountingQlogFactory qlog;
  struct Case {
    CongestionControlAlgorithm cc;
    bool qlog;
  };
  for (const Case c : {Case{CongestionControlAlgorithm::bbr3, false}, Case{CongestionControlAlgorithm::cubic, false},
                       Case{CongestionControlAlgorithm::cubic, true}}) {
    const auto cc = c.cc;
    ConnectionConfig config;
    config.congestion_control = cc;
    if (c.qlog) config.qlog = &qlog;
    SteadyStateTransfer t(config);
    t.start();
    while (t.receiver().received == 0 && !::testing::Test::HasFatalFailure()) t.turn();
    std::size_t warm_up_allocations = 0;
    {  // growth of windows, pools and scratch to working size: geometric, so few
      AllocationCounter counter;
      while (t.receiver().received < 50'000'000 && !::testing::Test::HasFatalFailure()) t.turn();
      warm_up_allocations = counter.count();
    }
    std::size_t allocations = 0;
    {
      AllocationCounter counter;
      while (!t.receiver().fin && !::testing::Test::HasFatalFailure() && !t.client().is_closed()) t.turn();
      allocations = counter.count();
    }
    ASSERT_FALSE(::testing::Test::HasFatalFailure());
    EXPECT_EQ(t.receiver().received, BulkSender::kTotal);
    EXPECT_EQ(t.receiver().mismatches, 0u);
    EXPECT_GT(t.client().stats().packets_sent, 60'000u);  // the counted window really moved data
    EXPECT_EQ(allocations, 0u) << congestion_control_algorithm_name(cc) << (c.qlog ? " with qlog" : "");
    EXPECT_LT(warm_up_allocations, 100u) << congestion_control_algorithm_name(cc);
    if (c.qlog) {
      EXPECT_GT(t.client().stats().qlog_records, t.client().stats().packets_sent);
    }
    std::printf("%s%s: %zu allocations while the first 50 MB warmed up, %zu in the last 50 MB\n",
                congestion_control_algorithm_name(cc).data(), c.qlog ? " + qlog" : "", warm_up_allocations,
                allocations);
  }
}

}  // namespace
}  // namespace tquic::transport
