#include "blaster.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <thread>
#include <vector>

namespace tquic::blaster {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kBatch = 16;           // datagrams per recvmmsg
constexpr std::size_t kGroBuffer = 65536;    // one coalesced GRO datagram at most
constexpr int kSocketBuffer = 32 << 20;
constexpr auto kStall = std::chrono::milliseconds(200);  // no progress: treat as loss

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

bool pin_to(int cpu, std::string& error) {
  if (cpu < 0) return true;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0) return true;
  error = "cannot pin a thread to CPU " + std::to_string(cpu) + " (see nproc); pass -1 to not pin";
  return false;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

void set_buffer(int fd, int force_opt, int opt) {
  if (setsockopt(fd, SOL_SOCKET, force_opt, &kSocketBuffer, sizeof kSocketBuffer) != 0)
    setsockopt(fd, SOL_SOCKET, opt, &kSocketBuffer, sizeof kSocketBuffer);
}

// The receiver's socket on 127.0.0.1 (port chosen by the kernel), GRO on.
bool open_receiver(Fd& fd, sockaddr_in& bound, std::string& error) {
  if (fd.get() < 0) return error = errno_text("socket"), false;
  const int one = 1;
  if (setsockopt(fd.get(), SOL_UDP, UDP_GRO, &one, sizeof one) != 0)
    return error = errno_text("setsockopt UDP_GRO (kernel 5.0 or later needed)"), false;
  set_buffer(fd.get(), SO_RCVBUFFORCE, SO_RCVBUF);
  const timeval tv{0, 50'000};
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  bound = {};
  bound.sin_family = AF_INET;
  bound.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof bound;
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&bound), sizeof bound) != 0 ||
      getsockname(fd.get(), reinterpret_cast<sockaddr*>(&bound), &len) != 0)
    return error = errno_text("bind 127.0.0.1"), false;
  return true;
}

// The sender's socket, connected to the receiver, GSO segment size set.
bool open_sender(Fd& fd, const sockaddr_in& to, std::size_t segment, std::string& error) {
  if (fd.get() < 0) return error = errno_text("socket"), false;
  const int seg = static_cast<int>(segment);
  if (setsockopt(fd.get(), SOL_UDP, UDP_SEGMENT, &seg, sizeof seg) != 0)
    return error = errno_text("setsockopt UDP_SEGMENT (kernel 4.18 or later needed)"), false;
  set_buffer(fd.get(), SO_SNDBUFFORCE, SO_SNDBUF);
  if (connect(fd.get(), reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0)
    return error = errno_text("connect"), false;
  return true;
}

struct Shared {
  std::atomic<std::uint64_t> received{0};
  std::atomic<bool> sender_done{false};
};

// Waits while more than `window` bytes are unreceived; gives up after kStall
// without progress (the missing bytes were lost).
void wait_for_window(const Shared& shared, std::uint64_t sent, std::uint64_t window) {
  if (window == 0) return;
  std::uint64_t seen = shared.received.load(std::memory_order_acquire);
  auto last_progress = Clock::now();
  while (sent - seen > window) {
    std::this_thread::yield();
    const std::uint64_t now_seen = shared.received.load(std::memory_order_acquire);
    if (now_seen != seen) {
      seen = now_seen;
      last_progress = Clock::now();
    } else if (Clock::now() - last_progress > kStall) {
      return;
    }
  }
}

bool send_all(int fd, const BlasterOptions& o, Shared& shared, BlasterReport& r, std::string& error) {
  std::vector<std::uint8_t> train(o.segment * o.train, 0xab);
  while (r.bytes_sent < o.bytes) {
    const std::uint64_t left = o.bytes - r.bytes_sent;
    const std::size_t n = left < train.size() ? static_cast<std::size_t>(left) : train.size();
    wait_for_window(shared, r.bytes_sent, o.window);
    const ssize_t sent = ::send(fd, train.data(), n, 0);
    if (sent < 0) {
      if (errno == EINTR || errno == ENOBUFS || errno == ECONNREFUSED) continue;
      return error = errno_text("send"), false;
    }
    r.bytes_sent += static_cast<std::uint64_t>(sent);
    ++r.sends;
  }
  return true;
}

// Segments in one received buffer: from the UDP_GRO control message, else 1.
std::uint64_t segments_of(const msghdr& h, std::size_t len) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&h), c)) {
    if (c->cmsg_level != SOL_UDP || c->cmsg_type != UDP_GRO) continue;
    int gso = 0;
    std::memcpy(&gso, CMSG_DATA(c), sizeof gso);
    if (gso > 0) return (len + static_cast<std::size_t>(gso) - 1) / static_cast<std::size_t>(gso);
  }
  return 1;
}

struct RecvBatch {
  std::vector<std::uint8_t> data = std::vector<std::uint8_t>(kBatch * kGroBuffer);
  std::vector<std::uint8_t> control = std::vector<std::uint8_t>(kBatch * CMSG_SPACE(sizeof(int)));
  iovec iov[kBatch];
  mmsghdr msgs[kBatch];
  void reset() {
    for (std::size_t i = 0; i < kBatch; ++i) {
      iov[i] = {data.data() + i * kGroBuffer, kGroBuffer};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      msgs[i].msg_hdr.msg_control = control.data() + i * CMSG_SPACE(sizeof(int));
      msgs[i].msg_hdr.msg_controllen = CMSG_SPACE(sizeof(int));
    }
  }
};

// Receives until every sent byte arrived, or the sender is done and the
// socket stayed quiet for kStall.
bool receive_all(int fd, const BlasterOptions& o, Shared& shared, BlasterReport& r, std::string& error) {
  RecvBatch batch;
  Clock::time_point first{}, last{};
  while (r.bytes_received < o.bytes) {
    batch.reset();
    const int n = recvmmsg(fd, batch.msgs, kBatch, 0, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return error = errno_text("recvmmsg"), false;
      if (shared.sender_done.load(std::memory_order_acquire) && Clock::now() - last > kStall) break;
      continue;
    }
    last = Clock::now();
    if (r.receives == 0) first = last;
    for (int i = 0; i < n; ++i) {
      r.bytes_received += batch.msgs[i].msg_len;
      r.segments_received += segments_of(batch.msgs[i].msg_hdr, batch.msgs[i].msg_len);
    }
    r.receives += static_cast<std::uint64_t>(n);
    shared.received.store(r.bytes_received, std::memory_order_release);
  }
  r.seconds = std::chrono::duration<double>(last - first).count();
  return true;
}

}  // namespace

bool run_blaster(const BlasterOptions& options, BlasterReport& report, std::string& error) {
  Fd rx(socket(AF_INET, SOCK_DGRAM, 0));
  Fd tx(socket(AF_INET, SOCK_DGRAM, 0));
  sockaddr_in to{};
  if (!open_receiver(rx, to, error) || !open_sender(tx, to, options.segment, error)) return false;
  Shared shared;
  std::string send_error;
  bool send_ok = true;
  std::thread sender([&] {
    send_ok = pin_to(options.sender_cpu, send_error) &&
              send_all(tx.get(), options, shared, report, send_error);
    report.sender_cpu_seconds = thread_cpu_seconds();
    shared.sender_done.store(true, std::memory_order_release);
  });
  bool recv_ok = pin_to(options.receiver_cpu, error) && receive_all(rx.get(), options, shared, report, error);
  report.receiver_cpu_seconds = thread_cpu_seconds();
  if (!recv_ok) shared.received.store(options.bytes, std::memory_order_release);  // unblock the sender
  sender.join();
  if (!send_ok && recv_ok) error = send_error;
  return send_ok && recv_ok;
}

}  // namespace tquic::blaster
