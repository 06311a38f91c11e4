#include "relay.h"

#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <tuple>

#include "socket_util.h"

namespace tquic::relay {
namespace {

constexpr std::uint64_t kTagListen = 0;
constexpr std::uint64_t kTagTimer = 1;
constexpr std::uint64_t kTagSignal = 2;
constexpr std::uint64_t kTagClientBase = 16;
constexpr int kSocketBuffer = 4 << 20;
constexpr int kMaxBatchesPerEvent = 8;  // then let the loop look at timers again

std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::uint64_t client_tag(std::size_t index, std::uint32_t generation) {
  return (std::uint64_t{generation} << 32) | static_cast<std::uint32_t>(index);
}

sim::LinkOptions link_options(const RelayOptions& o) {
  sim::LinkOptions l;
  l.store.max_slots = o.max_packets;
  return l;
}

bool epoll_add(int epoll_fd, int fd, std::uint64_t tag) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = tag;
  return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) == 0;
}

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

using ull = unsigned long long;

void print_direction(std::FILE* out, const char* name, const sim::Link& link, const DirectionCounters& c) {
  const sim::LinkStats& s = link.stats();
  std::fprintf(out, "%s: in=%llu out=%llu bytes_in=%llu bytes_out=%llu dropped=%llu", name,
               static_cast<ull>(s.offered), static_cast<ull>(c.sent), static_cast<ull>(s.bytes_offered),
               static_cast<ull>(c.bytes_sent), static_cast<ull>(s.dropped_total()));
  for (std::size_t r = 1; r < sim::kDropReasonCount; ++r) {
    const auto reason = static_cast<sim::DropReason>(r);
    std::fprintf(out, " %s=%llu", sim::drop_reason_name(reason), static_cast<ull>(s.drops(reason)));
  }
  std::fprintf(out,
               " duplicated=%llu corrupted=%llu reordered=%llu ce_marked=%llu ecn_bleached=%llu ecn_mangled=%llu"
               " send_failed=%llu client_gone=%llu recv_errors=%llu max_queue_bytes=%llu left_in_link=%zu\n",
               static_cast<ull>(s.duplicated), static_cast<ull>(s.corrupted), static_cast<ull>(s.reordered),
               static_cast<ull>(s.ce_marked), static_cast<ull>(s.ecn_bleached), static_cast<ull>(s.ecn_mangled),
               static_cast<ull>(c.send_failed), static_cast<ull>(c.client_gone),
               static_cast<ull>(c.recv_errors), static_cast<ull>(s.max_queue_bytes), link.queued());
}

}  // namespace

Relay::Relay(const RelayOptions& options)
    : options_(options),
      up_(sim::derive_seed(options.seed, 0), link_options(options)),
      down_(sim::derive_seed(options.seed, 1), link_options(options)) {}

Relay::~Relay() {
  for (std::size_t i = 0; i < clients_.size(); ++i) close_client(i);
  close_fd(listen_fd_);
  close_fd(timer_fd_);
  close_fd(signal_fd_);
  close_fd(epoll_fd_);
}

Timestamp Relay::now() const { return timestamp_from_ns(monotonic_ns() - start_ns_); }

bool Relay::open(std::string& error) {
  start_ns_ = monotonic_ns();
  for (auto [name, link, config] : {std::tuple{"up", &up_, &options_.up}, std::tuple{"down", &down_, &options_.down}}) {
    const Status s = link->set_config(*config);
    if (!s) {
      error = std::string(name) + " link: " + s.error().reason;
      return false;
    }
  }
  up_.schedule() = options_.up_schedule;
  down_.schedule() = options_.down_schedule;
  if (options_.duration.count() > 0) end_ = kTimeZero + options_.duration;

  listen_fd_ = open_udp(options_.listen, kSocketBuffer, error);
  if (listen_fd_ < 0) return false;
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  signal_fd_ = signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC);
  if (epoll_fd_ < 0 || timer_fd_ < 0 || signal_fd_ < 0 || !epoll_add(epoll_fd_, listen_fd_, kTagListen) ||
      !epoll_add(epoll_fd_, timer_fd_, kTagTimer) || !epoll_add(epoll_fd_, signal_fd_, kTagSignal)) {
    error = std::string("cannot set up epoll/timerfd/signalfd: ") + std::strerror(errno);
    return false;
  }
  clients_.resize(options_.max_clients);
  init_batches();
  return true;
}

void Relay::init_batches() {
  recv_ = std::make_unique<RecvBatch>();
  send_ = std::make_unique<SendBatch>();
  recv_->buffers = std::make_unique<std::uint8_t[]>(kBatch * kRecvBufferBytes);
  for (std::size_t i = 0; i < kBatch; ++i) {
    recv_->iov[i] = iovec{recv_->buffers.get() + i * kRecvBufferBytes, kRecvBufferBytes};
    recv_->msgs[i] = mmsghdr{};
    recv_->msgs[i].msg_hdr.msg_iov = &recv_->iov[i];
    recv_->msgs[i].msg_hdr.msg_iovlen = 1;
    recv_->msgs[i].msg_hdr.msg_name = &recv_->names[i];
  }
}

sim::Address Relay::listen_address() const { return local_address(listen_fd_); }

bool Relay::run(std::string& error) {
  epoll_event events[16];
  while (!stop_) {
    const Timestamp t = now();
    if (t >= end_) break;
    flush(t);
    arm_timer(std::min({up_.next_event_time(), down_.next_event_time(), end_}));
    const int n = epoll_wait(epoll_fd_, events, 16, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = std::string("epoll_wait failed: ") + std::strerror(errno);
      return false;
    }
    for (int i = 0; i < n; ++i) {
      if (!handle_event(events[i].data.u64, error)) return false;
    }
  }
  stopped_at_ = now();
  return true;
}

bool Relay::handle_event(std::uint64_t tag, std::string& error) {
  if (tag == kTagListen) {
    read_listen();
  } else if (tag == kTagTimer) {
    std::uint64_t expirations = 0;
    if (read(timer_fd_, &expirations, sizeof expirations) < 0 && errno != EAGAIN) {
      error = std::string("timerfd read failed: ") + std::strerror(errno);
      return false;
    }
  } else if (tag == kTagSignal) {
    signalfd_siginfo info{};
    if (read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) stop_ = true;
  } else {
    const std::size_t index = static_cast<std::size_t>(tag - kTagClientBase);
    if (index < clients_.size() && clients_[index].active) read_client(index);
  }
  return true;
}

int Relay::receive(int fd, DirectionCounters& counters) {
  for (std::size_t i = 0; i < kBatch; ++i) {
    recv_->msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
    recv_->msgs[i].msg_hdr.msg_control = recv_->control[i];
    recv_->msgs[i].msg_hdr.msg_controllen = kRxControl;
  }
  const int n = recvmmsg(fd, recv_->msgs, kBatch, MSG_DONTWAIT, nullptr);
  if (n < 0) {
    // ECONNREFUSED etc. (ICMP from a missing upstream) are counted, not fatal.
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ++counters.recv_errors;
    return 0;
  }
  return n;
}

// The ECN field of received datagram `i` (RFC 3168), carried through the link.
std::uint8_t Relay::received_ecn(std::size_t i) const {
  const msghdr& h = recv_->msgs[i].msg_hdr;
  io::RxDatagram rx;
  io::apply_rx_control(ByteSpan(recv_->control[i], std::min<std::size_t>(h.msg_controllen, kRxControl)), rx);
  return static_cast<std::uint8_t>(rx.ecn);
}

// Asks for the link's ECN codepoint on send `i` (IP_TOS / IPV6_TCLASS).
void Relay::set_send_ecn(std::size_t i, const sim::Address& to, std::uint8_t ecn) {
  msghdr& h = send_->msgs[i].msg_hdr;
  h.msg_control = send_->control[i];
  io::TxDatagram d;
  d.remote.family = to.family == sim::Address::Family::ipv6 ? AddressFamily::ipv6 : AddressFamily::ipv4;
  d.ecn = static_cast<io::Ecn>(ecn & 3);
  io::write_tx_control(h, d, 0, NetAddress{});
}

void Relay::read_listen() {
  for (int batch = 0; batch < kMaxBatchesPerEvent; ++batch) {
    const int n = receive(listen_fd_, up_counters_);
    const Timestamp t = now();
    for (int i = 0; i < n; ++i) {
      const sim::Address from = from_sockaddr(recv_->names[i]);
      const int index = find_or_add_client(from, t);
      if (index < 0) {
        ++up_counters_.recv_errors;
        continue;
      }
      const Client& c = clients_[static_cast<std::size_t>(index)];
      const ByteSpan data(recv_->buffers.get() + static_cast<std::size_t>(i) * kRecvBufferBytes,
                          recv_->msgs[i].msg_len);
      up_.enqueue(t, data, sim::PacketMeta{from, options_.upstream, client_tag(static_cast<std::size_t>(index), c.generation),
                                           received_ecn(static_cast<std::size_t>(i))});
    }
    if (n < static_cast<int>(kBatch)) return;
  }
}

void Relay::read_client(std::size_t index) {
  for (int batch = 0; batch < kMaxBatchesPerEvent; ++batch) {
    Client& c = clients_[index];
    const int n = receive(c.fd, down_counters_);
    const Timestamp t = now();
    if (n > 0) c.last_seen = t;
    for (int i = 0; i < n; ++i) {
      const ByteSpan data(recv_->buffers.get() + static_cast<std::size_t>(i) * kRecvBufferBytes,
                          recv_->msgs[i].msg_len);
      down_.enqueue(t, data, sim::PacketMeta{options_.upstream, c.address, client_tag(index, c.generation),
                                             received_ecn(static_cast<std::size_t>(i))});
    }
    if (n < static_cast<int>(kBatch)) return;
  }
}

int Relay::find_or_add_client(const sim::Address& address, Timestamp t) {
  if (last_client_ < clients_.size() && clients_[last_client_].active &&
      clients_[last_client_].address == address) {
    clients_[last_client_].last_seen = t;
    return static_cast<int>(last_client_);
  }
  int free_slot = -1;
  for (std::size_t i = 0; i < clients_.size(); ++i) {
    if (!clients_[i].active) {
      if (free_slot < 0) free_slot = static_cast<int>(i);
      continue;
    }
    if (clients_[i].address == address) {
      clients_[i].last_seen = t;
      last_client_ = i;
      return static_cast<int>(i);
    }
  }
  if (free_slot < 0) free_slot = evict_oldest_client();
  std::string error;
  const int fd = open_connected_udp(options_.upstream, kSocketBuffer, error);
  if (fd < 0) return -1;
  Client& c = clients_[static_cast<std::size_t>(free_slot)];
  if (!epoll_add(epoll_fd_, fd, kTagClientBase + static_cast<std::uint64_t>(free_slot))) {
    close(fd);
    return -1;
  }
  c.address = address;
  c.fd = fd;
  c.generation += 1;
  c.last_seen = t;
  c.active = true;
  ++clients_seen_;
  last_client_ = static_cast<std::size_t>(free_slot);
  return free_slot;
}

int Relay::evict_oldest_client() {
  std::size_t oldest = 0;
  for (std::size_t i = 1; i < clients_.size(); ++i) {
    if (clients_[i].last_seen < clients_[oldest].last_seen) oldest = i;
  }
  close_client(oldest);
  return static_cast<int>(oldest);
}

void Relay::close_client(std::size_t index) {
  Client& c = clients_[index];
  if (!c.active) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
  close_fd(c.fd);
  c.active = false;
}

void Relay::flush(Timestamp t) {
  while (flush_up(t) == kBatch) {
  }
  while (flush_down(t) == kBatch) {
  }
}

std::size_t Relay::flush_up(Timestamp t) {
  SendBatch& b = *send_;
  const std::size_t n = up_.take_due(t, std::span<sim::Delivery>(b.deliveries, kBatch));
  for (std::size_t i = 0; i < n; ++i) {
    const sim::Delivery& d = b.deliveries[i];
    const auto index = static_cast<std::size_t>(d.meta.tag & 0xffffffffu);
    const auto generation = static_cast<std::uint32_t>(d.meta.tag >> 32);
    const bool alive = index < clients_.size() && clients_[index].active && clients_[index].generation == generation;
    b.fds[i] = alive ? clients_[index].fd : -1;
    b.iov[i] = iovec{d.data.data(), d.data.size()};
    b.msgs[i] = mmsghdr{};
    b.msgs[i].msg_hdr.msg_iov = &b.iov[i];
    b.msgs[i].msg_hdr.msg_iovlen = 1;
    set_send_ecn(i, options_.upstream, d.meta.ecn);
  }
  for (std::size_t first = 0; first < n;) {  // one sendmmsg per run of the same client
    std::size_t end = first + 1;
    while (end < n && b.fds[end] == b.fds[first]) ++end;
    if (b.fds[first] < 0) up_counters_.client_gone += end - first;
    else send_run(b.fds[first], first, end - first, up_counters_);
    first = end;
  }
  for (std::size_t i = 0; i < n; ++i) up_.release(b.deliveries[i]);
  return n;
}

std::size_t Relay::flush_down(Timestamp t) {
  SendBatch& b = *send_;
  const std::size_t n = down_.take_due(t, std::span<sim::Delivery>(b.deliveries, kBatch));
  for (std::size_t i = 0; i < n; ++i) {
    const sim::Delivery& d = b.deliveries[i];
    b.iov[i] = iovec{d.data.data(), d.data.size()};
    b.msgs[i] = mmsghdr{};
    b.msgs[i].msg_hdr.msg_name = &b.names[i];
    b.msgs[i].msg_hdr.msg_namelen = to_sockaddr(d.meta.dst, b.names[i]);
    b.msgs[i].msg_hdr.msg_iov = &b.iov[i];
    b.msgs[i].msg_hdr.msg_iovlen = 1;
    set_send_ecn(i, d.meta.dst, d.meta.ecn);
  }
  if (n > 0) send_run(listen_fd_, 0, n, down_counters_);
  for (std::size_t i = 0; i < n; ++i) down_.release(b.deliveries[i]);
  return n;
}

void Relay::send_run(int fd, std::size_t first, std::size_t count, DirectionCounters& counters) {
  SendBatch& b = *send_;
  std::size_t done = 0;
  int interrupts = 0;
  while (done < count) {  // bounded: every pass sends, skips one datagram, or uses an EINTR retry
    const int r = sendmmsg(fd, &b.msgs[first + done], static_cast<unsigned>(count - done), MSG_DONTWAIT);
    if (r < 0) {
      if (errno == EINTR && ++interrupts < 8) continue;
      ++counters.send_failed;  // e.g. ECONNREFUSED, ENOBUFS, EAGAIN: counted, datagram dropped
      ++done;
      continue;
    }
    for (int i = 0; i < r; ++i) {
      ++counters.sent;
      counters.bytes_sent += b.iov[first + done + static_cast<std::size_t>(i)].iov_len;
    }
    done += static_cast<std::size_t>(r);
  }
}

void Relay::arm_timer(Timestamp deadline) {
  itimerspec spec{};
  if (deadline != kTimeInfinite) {
    const std::int64_t at = start_ns_ + to_ns(deadline);
    spec.it_value.tv_sec = static_cast<time_t>(at / 1'000'000'000);
    spec.it_value.tv_nsec = static_cast<long>(at % 1'000'000'000);
  }
  timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void Relay::print_stats(std::FILE* out) const {
  std::fprintf(out, "relay: ran %.3fs, clients=%zu, seed=%llu\n", static_cast<double>(to_ns(stopped_at_)) / 1e9,
               clients_seen_, static_cast<ull>(options_.seed));
  print_direction(out, "up", up_, up_counters_);
  print_direction(out, "down", down_, down_counters_);
}

}  // namespace tquic::relay
