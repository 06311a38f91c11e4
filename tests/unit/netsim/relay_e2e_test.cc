// tquic-relay on real loopback sockets: runs the built binary, pushes UDP
// through it and checks the impairments and the counters it prints.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <csignal>
#include <cstring>
#include <ctime>
#include <map>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

const std::string kRelay = TQUIC_BINARY_DIR "/tools/tquic-relay";

std::int64_t mono_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

sockaddr_in loopback(std::uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

// A UDP socket on 127.0.0.1 with a kernel-chosen port.
struct Udp {
  int fd = -1;
  std::uint16_t port = 0;
  Udp() {
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const int buf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof buf);
    sockaddr_in a = loopback(0);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~Udp() { close(fd); }
  Udp(const Udp&) = delete;
  Udp& operator=(const Udp&) = delete;

  void send_to(std::uint16_t to, const void* data, std::size_t len) const {
    const sockaddr_in a = loopback(to);
    sendto(fd, data, len, 0, reinterpret_cast<const sockaddr*>(&a), sizeof a);
  }
  // One datagram, or -1 after `timeout_ms` without one.
  ssize_t recv(void* buf, std::size_t cap, int timeout_ms, std::uint16_t* from_port = nullptr) const {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return -1;
    sockaddr_in from{};
    socklen_t len = sizeof from;
    const ssize_t n = recvfrom(fd, buf, cap, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
    if (from_port) *from_port = ntohs(from.sin_port);
    return n;
  }
};

std::string read_available(int fd, int timeout_ms, bool until_eof) {
  std::string out;
  const std::int64_t deadline = mono_ns() + std::int64_t{timeout_ms} * 1'000'000;
  char buf[4096];
  for (;;) {
    const int left = static_cast<int>((deadline - mono_ns()) / 1'000'000);
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || poll(&p, 1, left) <= 0) return out;
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return out;
    out.append(buf, static_cast<std::size_t>(n));
    if (!until_eof && out.find('\n') != std::string::npos) return out;
  }
}

// The relay as a child process with its stdout and stderr on pipes.
class RelayProcess {
 public:
  ~RelayProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
    if (err_ >= 0) close(err_);
  }

  bool spawn(const std::vector<std::string>& args) {
    int out[2];
    int err[2];
    if (pipe(out) != 0 || pipe(err) != 0) return false;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err[1], 2);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    posix_spawn_file_actions_addclose(&fa, err[0]);
    std::vector<char*> argv{const_cast<char*>(kRelay.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, kRelay.c_str(), &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    close(err[1]);
    out_ = out[0];
    err_ = err[0];
    if (rc != 0) pid_ = -1;
    return rc == 0;
  }

  // Starts a long-running relay and returns the port it listens on (0 on failure).
  std::uint16_t start(const std::vector<std::string>& args) {
    if (!spawn(args)) return 0;
    const std::string line = read_available(out_, 3000, false);
    const std::string key = "listening on 127.0.0.1:";
    const std::size_t at = line.find(key);
    if (at == std::string::npos) return 0;
    return static_cast<std::uint16_t>(std::stoi(line.substr(at + key.size())));
  }

  // Waits (up to `timeout_ms`) for exit after an optional signal; returns the
  // exit status, or -1 if it had to be killed.
  int finish(int signal, int timeout_ms) {
    if (signal != 0) kill(pid_, signal);
    stdout_ += read_available(out_, timeout_ms, true);
    stderr_ += read_available(err_, 200, true);
    int status = 0;
    for (int i = 0; i < timeout_ms / 10; ++i) {
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      usleep(10000);
    }
    return -1;
  }

  const std::string& out() const { return stdout_; }
  const std::string& err() const { return stderr_; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  int err_ = -1;
  std::string stdout_;
  std::string stderr_;
};

// "up: in=5 out=4 ..." -> {"in": 5, "out": 4, ...} for the given direction.
std::map<std::string, long long> counters(const std::string& output, const std::string& direction) {
  std::map<std::string, long long> m;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(direction + ": ", 0) != 0) continue;
    std::istringstream words(line.substr(direction.size() + 2));
    std::string word;
    while (words >> word) {
      const std::size_t eq = word.find('=');
      if (eq != std::string::npos) m[word.substr(0, eq)] = std::stoll(word.substr(eq + 1));
    }
  }
  return m;
}

struct Received {
  std::uint32_t seq;
  std::int64_t delay_ns;
};

// Sends `count` datagrams (seq, send time) through the relay in bursts of 50
// per millisecond and collects what reaches `server` until it goes quiet.
std::vector<Received> pump(const Udp& client, const Udp& server, std::uint16_t relay_port, std::uint32_t count) {
  std::vector<Received> got;
  char buf[2048];
  auto drain = [&](int first_timeout_ms) {
    int timeout = first_timeout_ms;
    for (;;) {
      const ssize_t n = server.recv(buf, sizeof buf, timeout);
      if (n < 12) return;
      std::uint32_t seq = 0;
      std::int64_t sent = 0;
      std::memcpy(&seq, buf, 4);
      std::memcpy(&sent, buf + 4, 8);
      got.push_back({seq, mono_ns() - sent});
      timeout = 0;
    }
  };
  for (std::uint32_t seq = 0; seq < count; ++seq) {
    char msg[100] = {};
    const std::int64_t now = mono_ns();
    std::memcpy(msg, &seq, 4);
    std::memcpy(msg + 4, &now, 8);
    client.send_to(relay_port, msg, sizeof msg);
    if (seq % 50 == 49) drain(1);
  }
  const std::int64_t give_up = mono_ns() + 3'000'000'000;
  std::size_t before = 0;
  do {  // until 150 ms pass without a datagram
    before = got.size();
    drain(150);
  } while (got.size() != before && mono_ns() < give_up);
  return got;
}

std::size_t inversions(const std::vector<Received>& got) {
  std::size_t n = 0;
  std::uint32_t highest = 0;
  for (const auto& r : got) {
    if (r.seq < highest) ++n;
    highest = std::max(highest, r.seq);
  }
  return n;
}

#define SKIP_WITHOUT_RELAY()                                                     \
  if (access(kRelay.c_str(), X_OK) != 0) GTEST_SKIP() << kRelay << " is not built"

TEST(RelayE2e, LossAndDelayOnLoopback) {
  SKIP_WITHOUT_RELAY();
  SCOPED_TRACE("seed=7");
  Udp server;
  Udp client;
  RelayProcess relay;
  const std::uint16_t port = relay.start({"--listen", "127.0.0.1:0", "--upstream",
                                          "127.0.0.1:" + std::to_string(server.port), "--loss", "10%",
                                          "--delay", "20ms", "--seed", "7", "--stats"});
  ASSERT_NE(port, 0) << relay.err();
  const auto got = pump(client, server, port, 2000);
  ASSERT_EQ(relay.finish(SIGTERM, 3000), 0) << relay.err();

  // Binomial(2000, 0.9): mean 1800, sd 13.4.
  EXPECT_GE(got.size(), 1720u);
  EXPECT_LE(got.size(), 1880u);
  std::int64_t min_delay = INT64_MAX;
  for (const auto& r : got) min_delay = std::min(min_delay, r.delay_ns);
  EXPECT_GE(min_delay, 20'000'000);
  EXPECT_EQ(inversions(got), 0u);

  auto up = counters(relay.out(), "up");
  EXPECT_EQ(up["in"], 2000) << relay.out();
  EXPECT_EQ(up["out"], static_cast<long long>(got.size())) << relay.out();
  EXPECT_EQ(up["in"], up["out"] + up["loss"]) << relay.out();
  EXPECT_EQ(up["dropped"], up["loss"]);
  EXPECT_EQ(up["left_in_link"], 0);
}

TEST(RelayE2e, ReorderOnlyWhenAsked) {
  SKIP_WITHOUT_RELAY();
  SCOPED_TRACE("seed=3");
  Udp server;
  Udp client;
  RelayProcess relay;
  const std::uint16_t port = relay.start({"--listen", "127.0.0.1:0", "--upstream",
                                          "127.0.0.1:" + std::to_string(server.port), "--delay", "2ms",
                                          "--up-reorder", "10%", "--reorder-delay", "5ms", "--seed", "3",
                                          "--stats"});
  ASSERT_NE(port, 0) << relay.err();
  const auto got = pump(client, server, port, 1000);
  ASSERT_EQ(relay.finish(SIGTERM, 3000), 0) << relay.err();
  EXPECT_GT(inversions(got), 10u);
  auto up = counters(relay.out(), "up");
  EXPECT_GT(up["reordered"], 50) << relay.out();
  EXPECT_LT(up["reordered"], 150) << relay.out();
  EXPECT_EQ(up["out"], static_cast<long long>(got.size()));
}

TEST(RelayE2e, EachClientGetsItsOwnUpstreamSocket) {
  SKIP_WITHOUT_RELAY();
  Udp server;
  Udp a;
  Udp b;
  RelayProcess relay;
  const std::uint16_t port = relay.start({"--listen", "127.0.0.1:0", "--upstream",
                                          "127.0.0.1:" + std::to_string(server.port), "--delay", "1ms",
                                          "--stats"});
  ASSERT_NE(port, 0) << relay.err();
  const char ma = 'a';
  const char mb = 'b';
  std::map<char, std::uint16_t> source_of;
  for (int round = 0; round < 5; ++round) {
    a.send_to(port, &ma, 1);
    b.send_to(port, &mb, 1);
    for (int i = 0; i < 2; ++i) {  // the server echoes to whoever sent
      char c = 0;
      std::uint16_t from = 0;
      ASSERT_EQ(server.recv(&c, 1, 2000, &from), 1);
      if (source_of.count(c)) {
        EXPECT_EQ(source_of[c], from);
      }
      source_of[c] = from;
      server.send_to(from, &c, 1);
    }
    char got_a = 0;
    char got_b = 0;
    ASSERT_EQ(a.recv(&got_a, 1, 2000), 1);
    ASSERT_EQ(b.recv(&got_b, 1, 2000), 1);
    EXPECT_EQ(got_a, 'a');
    EXPECT_EQ(got_b, 'b');
  }
  EXPECT_NE(source_of['a'], source_of['b']);
  ASSERT_EQ(relay.finish(SIGTERM, 3000), 0);
  EXPECT_NE(relay.out().find("clients=2"), std::string::npos) << relay.out();
  EXPECT_EQ(counters(relay.out(), "down")["out"], 10);
}

TEST(RelayE2e, ExactDropListAndScheduledBlackhole) {
  SKIP_WITHOUT_RELAY();
  Udp server;
  Udp client;
  RelayProcess relay;
  const std::uint16_t port = relay.start({"--listen", "127.0.0.1:0", "--upstream",
                                          "127.0.0.1:" + std::to_string(server.port), "--up-drop", "0-9",
                                          "--schedule", "at 0s down blackhole on", "--stats"});
  ASSERT_NE(port, 0) << relay.err();
  for (std::uint8_t seq = 0; seq < 20; ++seq) client.send_to(port, &seq, 1);
  std::vector<std::uint8_t> seen;
  std::uint8_t seq = 0;
  std::uint16_t from = 0;
  while (server.recv(&seq, 1, 300, &from) == 1) {
    seen.push_back(seq);
    server.send_to(from, &seq, 1);  // the way back is dark
  }
  std::vector<std::uint8_t> expected;
  for (std::uint8_t i = 10; i < 20; ++i) expected.push_back(i);
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(client.recv(&seq, 1, 100), -1);
  ASSERT_EQ(relay.finish(SIGTERM, 3000), 0) << relay.err();
  EXPECT_EQ(counters(relay.out(), "up")["mask"], 10) << relay.out();
  EXPECT_EQ(counters(relay.out(), "down")["blackhole"], 10) << relay.out();
}

// The ECN field of a datagram from a socket with IP_TOS = `ecn`, as the
// receiving socket (IP_RECVTOS) sees it after the relay; -1 if none arrived.
int ecn_through_relay(const std::vector<std::string>& extra, int ecn, std::string& stats) {
  Udp server;
  Udp client;
  const int on = 1;
  setsockopt(server.fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof on);
  setsockopt(client.fd, IPPROTO_IP, IP_TOS, &ecn, sizeof ecn);
  RelayProcess relay;
  std::vector<std::string> args{"--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:" + std::to_string(server.port),
                                "--stats"};
  args.insert(args.end(), extra.begin(), extra.end());
  const std::uint16_t port = relay.start(args);
  if (port == 0) return -2;
  const char byte = 'e';
  client.send_to(port, &byte, 1);
  pollfd p{server.fd, POLLIN, 0};
  int got = -1;
  if (poll(&p, 1, 2000) == 1) {
    char buf[16];
    alignas(cmsghdr) char control[64];
    iovec iov{buf, sizeof buf};
    msghdr h{};
    h.msg_iov = &iov;
    h.msg_iovlen = 1;
    h.msg_control = control;
    h.msg_controllen = sizeof control;
    if (recvmsg(server.fd, &h, MSG_DONTWAIT) == 1) {
      got = 0;
      for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(&h, c))
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS) got = *CMSG_DATA(c) & 3;
    }
  }
  relay.finish(SIGTERM, 3000);
  stats = relay.out();
  return got;
}

TEST(RelayE2e, EcnFieldIsCarriedRewrittenOrMarked) {
  SKIP_WITHOUT_RELAY();
  constexpr int kEct0 = 2, kEct1 = 1, kCe = 3;
  std::string stats;
  EXPECT_EQ(ecn_through_relay({}, kEct0, stats), kEct0) << stats;
  EXPECT_EQ(ecn_through_relay({}, kCe, stats), kCe) << stats;
  EXPECT_EQ(ecn_through_relay({"--up-ecn-rewrite", "mangle"}, kEct0, stats), kEct1) << stats;
  EXPECT_EQ(counters(stats, "up")["ecn_mangled"], 1) << stats;
  EXPECT_EQ(ecn_through_relay({"--ecn-rewrite", "bleach"}, kEct0, stats), 0) << stats;
  EXPECT_EQ(counters(stats, "up")["ecn_bleached"], 1) << stats;
  // A threshold of 1 with a slow link: a lone datagram finds the queue empty.
  EXPECT_EQ(ecn_through_relay({"--rate", "1mbit", "--ecn-threshold", "1"}, kEct0, stats), kEct0) << stats;
}

TEST(RelayE2e, EcnOptionsAreChecked) {
  SKIP_WITHOUT_RELAY();
  RelayProcess relay;
  ASSERT_TRUE(relay.spawn({"--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9", "--ecn-rewrite", "paint"}));
  EXPECT_EQ(relay.finish(0, 3000), 2);
  EXPECT_EQ(relay.err(),
            "relay: --ecn-rewrite 'paint' must be none, bleach (clear the ECN field) or mangle (ECT(0) to ECT(1))\n");
  RelayProcess no_rate;
  ASSERT_TRUE(no_rate.spawn({"--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9", "--ecn-threshold", "10"}));
  EXPECT_EQ(no_rate.finish(0, 3000), 2);
  EXPECT_NE(no_rate.err().find("rate"), std::string::npos) << no_rate.err();
}

TEST(RelayE2e, BadOptionIsOneLineAndExitCode2) {
  SKIP_WITHOUT_RELAY();
  RelayProcess relay;
  ASSERT_TRUE(relay.spawn({"--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9", "--loss", "150%"}));
  EXPECT_EQ(relay.finish(0, 3000), 2);
  EXPECT_EQ(relay.err(), "relay: --loss '150%' must be between 0% and 100%\n");
  EXPECT_EQ(relay.out(), "");
}

TEST(RelayE2e, DurationEndsTheRunAndPrintsStats) {
  SKIP_WITHOUT_RELAY();
  RelayProcess relay;
  const std::int64_t start = mono_ns();
  ASSERT_TRUE(relay.spawn({"--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9", "--duration", "200ms",
                           "--stats"}));
  EXPECT_EQ(relay.finish(0, 3000), 0) << relay.err();
  EXPECT_GE(mono_ns() - start, 200'000'000);
  EXPECT_EQ(counters(relay.out(), "up")["in"], 0) << relay.out();
  EXPECT_NE(relay.out().find("down: in=0"), std::string::npos) << relay.out();
}

}  // namespace
