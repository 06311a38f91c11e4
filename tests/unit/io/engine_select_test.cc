#include "io/engine_select.h"

#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <vector>

namespace tquic::io {
namespace {

NetAddress loopback4() { return NetAddress::ipv4({127, 0, 0, 1}, 0); }

TEST(EngineSelect, ParsesTheThreeNames) {
  EngineKind k = EngineKind::mmsg;
  std::string err;
  ASSERT_TRUE(parse_engine_kind("auto", k, err));
  EXPECT_EQ(k, EngineKind::automatic);
  ASSERT_TRUE(parse_engine_kind("uring", k, err));
  EXPECT_EQ(k, EngineKind::uring);
  ASSERT_TRUE(parse_engine_kind("mmsg", k, err));
  EXPECT_EQ(k, EngineKind::mmsg);
  for (EngineKind e : {EngineKind::automatic, EngineKind::uring, EngineKind::mmsg}) {
    EngineKind back = EngineKind::automatic;
    ASSERT_TRUE(parse_engine_kind(engine_kind_name(e), back, err));
    EXPECT_EQ(back, e);
  }
}

TEST(EngineSelect, RejectsOtherTextWithOneLine) {
  EngineKind k = EngineKind::mmsg;
  for (const char* bad : {"", "URING", "io_uring", "auto ", "epoll", "mmsg\n"}) {
    std::string err;
    EXPECT_FALSE(parse_engine_kind(bad, k, err)) << bad;
    EXPECT_NE(err.find("use auto, uring or mmsg"), std::string::npos) << err;
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  }
  EXPECT_EQ(k, EngineKind::mmsg);  // untouched on failure
  std::string err;
  EXPECT_FALSE(parse_engine_kind(std::string(1000, 'x'), k, err));
  EXPECT_LT(err.size(), 100u);  // long junk is clipped
}

TEST(EngineSelect, ResolvesAgainstWhatTheProbeFound) {
  UringSupport yes;
  yes.usable = true;
  UringSupport no;
  no.reason = "io_uring unavailable: disabled by sysctl kernel.io_uring_disabled=2";
  EngineKind out = EngineKind::automatic;
  std::string err;
  ASSERT_TRUE(resolve_engine(EngineKind::automatic, yes, out, err));
  EXPECT_EQ(out, EngineKind::uring);
  ASSERT_TRUE(resolve_engine(EngineKind::automatic, no, out, err));
  EXPECT_EQ(out, EngineKind::mmsg);
  ASSERT_TRUE(resolve_engine(EngineKind::mmsg, yes, out, err));
  EXPECT_EQ(out, EngineKind::mmsg);
  ASSERT_TRUE(resolve_engine(EngineKind::uring, yes, out, err));
  EXPECT_EQ(out, EngineKind::uring);
  EXPECT_FALSE(resolve_engine(EngineKind::uring, no, out, err));
  EXPECT_NE(err.find("kernel.io_uring_disabled=2"), std::string::npos) << err;
}

TEST(EngineSelect, ProbeIsCachedAndExplainsItself) {
  const UringSupport& a = uring_support();
  const UringSupport& b = uring_support();
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(a.usable, a.reason.empty());
  if (a.defer_taskrun) {
    EXPECT_TRUE(a.single_issuer);
  }
  const UringSupport fresh = probe_uring();
  EXPECT_EQ(fresh.usable, a.usable);
}

// Sends one datagram a -> b through two facades and reads it back.
void round_trip(UdpEngine& tx, UdpEngine& rx, const UdpSocket& to) {
  std::vector<std::uint8_t> pl(777, 0x5a);
  TxDatagram d{pl, 0, to.local_address(), {}, Ecn::ect0};
  auto sent = tx.send(std::span(&d, 1));
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->datagrams, 1u);
  std::size_t got = 0;
  for (int turn = 0; turn < 200 && got == 0; ++turn) {
    ASSERT_TRUE(rx.wait(10ms));
    auto r = rx.receive();
    ASSERT_TRUE(r);
    for (const RxDatagram& x : *r) {
      EXPECT_EQ(std::vector<std::uint8_t>(x.data.begin(), x.data.end()), pl);
      EXPECT_EQ(x.ecn, Ecn::ect0);
      ++got;
    }
  }
  EXPECT_EQ(got, 1u);
  EXPECT_GE(tx.stats().tx_syscalls, 1u);
  EXPECT_GE(rx.stats().rx_buffers, 1u);
}

TEST(UdpEngine, MmsgWhenAskedFor) {
  std::string err;
  UdpSocket a, b;
  ASSERT_TRUE(UdpSocket::open(loopback4(), {}, a, err)) << err;
  ASSERT_TRUE(UdpSocket::open(loopback4(), {}, b, err)) << err;
  UdpEngine ea, eb;
  ASSERT_TRUE(UdpEngine::open(a, EngineKind::mmsg, {}, ea, err)) << err;
  ASSERT_TRUE(UdpEngine::open(b, EngineKind::mmsg, {}, eb, err)) << err;
  EXPECT_EQ(ea.kind(), EngineKind::mmsg);
  EXPECT_EQ(ea.uring(), nullptr);
  EXPECT_EQ(ea.poll_fd(), a.fd());
  EXPECT_TRUE(ea.fallback_reason().empty());
  round_trip(ea, eb, b);
}

TEST(UdpEngine, AutomaticPicksUringWhenUsable) {
  std::string err;
  UdpSocket a, b;
  ASSERT_TRUE(UdpSocket::open(loopback4(), {}, a, err)) << err;
  ASSERT_TRUE(UdpSocket::open(loopback4(), {}, b, err)) << err;
  UdpEngine ea, eb;
  ASSERT_TRUE(UdpEngine::open(a, EngineKind::automatic, {}, ea, err)) << err;
  ASSERT_TRUE(UdpEngine::open(b, EngineKind::automatic, {}, eb, err)) << err;
  const bool usable = uring_support().usable;
  EXPECT_EQ(ea.kind(), usable ? EngineKind::uring : EngineKind::mmsg);
  EXPECT_EQ(ea.fallback_reason().empty(), usable);
  if (usable) {
    EXPECT_EQ(ea.poll_fd(), ea.uring()->ring_fd());
  }
  round_trip(ea, eb, b);
}

TEST(UdpEngine, UringInsistsOrFails) {
  std::string err;
  UdpSocket a;
  ASSERT_TRUE(UdpSocket::open(loopback4(), {}, a, err)) << err;
  UdpEngine e;
  const bool ok = UdpEngine::open(a, EngineKind::uring, {}, e, err);
  EXPECT_EQ(ok, uring_support().usable) << err;
  if (!ok) {
    EXPECT_NE(err.find("--engine uring"), std::string::npos);
  }
  EngineConfig bad;
  bad.uring.tx_slots = 0;
  if (uring_support().usable) {
    EXPECT_FALSE(UdpEngine::open(a, EngineKind::uring, bad, e, err));  // a setup failure is reported
    EXPECT_NE(err.find("tx_slots"), std::string::npos) << err;
    UdpEngine fallback;
    ASSERT_TRUE(UdpEngine::open(a, EngineKind::automatic, bad, fallback, err));  // ... or falls back
    EXPECT_EQ(fallback.kind(), EngineKind::mmsg);
    EXPECT_NE(fallback.fallback_reason().find("tx_slots"), std::string::npos);
  }
}

#if defined(__x86_64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr std::uint32_t kAuditArch = AUDIT_ARCH_AARCH64;
#else
constexpr std::uint32_t kAuditArch = 0;
#endif

// In a child process: a seccomp filter makes io_uring_setup fail with
// `err`, as container runtimes do. Returns the child's exit code: 0 when
// the probe said "unusable" with `expect` in the reason, "auto" fell back to
// mmsg and still moved a datagram, and "uring" was refused.
int probe_under_seccomp(int err, const char* expect) {
  const pid_t pid = ::fork();
  if (pid != 0) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
  }
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kAuditArch, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (static_cast<std::uint32_t>(err) & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ::_exit(1);
  if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) ::_exit(2);
  const UringSupport s = probe_uring();
  if (s.usable || s.reason.find(expect) == std::string::npos) ::_exit(3);
  std::string error;
  UdpSocket a, b;
  if (!UdpSocket::open(loopback4(), {}, a, error) || !UdpSocket::open(loopback4(), {}, b, error)) ::_exit(4);
  UdpEngine ea, eb;
  // uring_support() may have been cached by the parent as "usable": then
  // UringEngine::create() is what fails, and the fallback still happens.
  if (!UdpEngine::open(a, EngineKind::automatic, {}, ea, error) || ea.kind() != EngineKind::mmsg) ::_exit(5);
  if (ea.fallback_reason().find(expect) == std::string::npos) ::_exit(6);
  if (UdpEngine::open(b, EngineKind::uring, {}, eb, error)) ::_exit(7);
  if (!UdpEngine::open(b, EngineKind::automatic, {}, eb, error)) ::_exit(8);
  std::uint8_t byte = 42;
  TxDatagram d{ByteSpan(&byte, 1), 0, b.local_address(), {}, Ecn::not_ect};
  if (!ea.send(std::span(&d, 1))) ::_exit(9);
  for (int turn = 0; turn < 200; ++turn) {
    (void)eb.wait(10ms);
    auto r = eb.receive();
    if (r && r->size() == 1 && (*r)[0].data.size() == 1 && (*r)[0].data[0] == 42) ::_exit(0);
  }
  ::_exit(10);
}

TEST(EngineSelect, SeccompBlockedIoUringFallsBackToMmsg) {
  if (kAuditArch == 0) GTEST_SKIP() << "no seccomp arch constant for this CPU";
  EXPECT_EQ(probe_under_seccomp(EPERM, "blocked"), 0);
  EXPECT_EQ(probe_under_seccomp(ENOSYS, "has no io_uring"), 0);
}

}  // namespace
}  // namespace tquic::io
