// The relay's forwarding engine: sockets, an epoll loop, and one netsim::Link
// per direction (the same model as the simulator, driven by a real clock).
//
//   client --(listen socket)--> up Link --(per-client socket)--> upstream
//   client <--(listen socket)-- down Link <--(per-client socket)-- upstream
//
// Each client address gets its own connected socket towards the upstream,
// so the upstream sees one 4-tuple per client and a client that changes
// address looks like a NAT rebinding. Receives and sends are batched with
// recvmmsg/sendmmsg; packet bytes are copied once, into the link's store,
// and sent from there. A timerfd wakes the loop at the next delivery time.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "base/time.h"
#include "io/cmsg.h"
#include "netsim/link.h"
#include "options.h"

namespace tquic::relay {

// Counters the link does not keep: what happened after it let a datagram go.
struct DirectionCounters {
  std::uint64_t sent = 0;         // datagrams the kernel accepted
  std::uint64_t bytes_sent = 0;
  std::uint64_t send_failed = 0;  // sendmmsg errors (counted, not retried forever)
  std::uint64_t client_gone = 0;  // client forgotten while its datagram was in the link
  std::uint64_t recv_errors = 0;
};

class Relay {
 public:
  static constexpr std::size_t kBatch = 64;
  static constexpr std::size_t kRecvBufferBytes = 65536;

  explicit Relay(const RelayOptions& options);
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  // Creates the sockets, timer and signal handling. False with `error` set.
  bool open(std::string& error);
  sim::Address listen_address() const;
  // Forwards until --duration has passed or SIGINT/SIGTERM arrives.
  bool run(std::string& error);
  void print_stats(std::FILE* out) const;

 private:
  struct Client {
    sim::Address address;
    int fd = -1;
    std::uint32_t generation = 0;
    Timestamp last_seen{};
    bool active = false;
  };
  static constexpr std::size_t kRxControl = 64;  // IP_TOS / IPV6_TCLASS
  struct RecvBatch {
    std::unique_ptr<std::uint8_t[]> buffers;
    mmsghdr msgs[kBatch];
    iovec iov[kBatch];
    sockaddr_storage names[kBatch];
    alignas(cmsghdr) std::uint8_t control[kBatch][kRxControl];
  };
  struct SendBatch {
    mmsghdr msgs[kBatch];
    iovec iov[kBatch];
    sockaddr_storage names[kBatch];
    alignas(cmsghdr) std::uint8_t control[kBatch][io::kTxControlSpace];
    sim::Delivery deliveries[kBatch];
    int fds[kBatch];
  };

  Timestamp now() const;
  void init_batches();
  bool handle_event(std::uint64_t tag, std::string& error);
  void read_listen();
  std::uint8_t received_ecn(std::size_t i) const;
  void set_send_ecn(std::size_t i, const sim::Address& to, std::uint8_t ecn);
  void read_client(std::size_t index);
  int receive(int fd, DirectionCounters& counters);
  int find_or_add_client(const sim::Address& address, Timestamp now);
  int evict_oldest_client();
  void close_client(std::size_t index);
  void flush(Timestamp now);
  std::size_t flush_up(Timestamp now);
  std::size_t flush_down(Timestamp now);
  void send_run(int fd, std::size_t first, std::size_t count, DirectionCounters& counters);
  void arm_timer(Timestamp deadline);

  RelayOptions options_;
  sim::Link up_;
  sim::Link down_;
  DirectionCounters up_counters_;
  DirectionCounters down_counters_;
  std::vector<Client> clients_;
  std::size_t clients_seen_ = 0;
  std::size_t last_client_ = 0;  // most recent lookup hit (traffic comes in runs)
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int timer_fd_ = -1;
  int signal_fd_ = -1;
  std::int64_t start_ns_ = 0;  // CLOCK_MONOTONIC at open()
  Timestamp end_ = kTimeInfinite;
  Timestamp stopped_at_{};
  bool stop_ = false;
  std::unique_ptr<RecvBatch> recv_;
  std::unique_ptr<SendBatch> send_;
};

}  // namespace tquic::relay
