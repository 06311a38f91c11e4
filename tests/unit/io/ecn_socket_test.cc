// ECN through real loopback sockets (RFC 3168 codepoints in IP_TOS /
// IPV6_TCLASS): what a TxDatagram asks for is what the receiver reports,
// for every codepoint, both address families and GSO trains; and marks set
// by another sender (a plain socket with IP_TOS) are reported too.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "io/mmsg_engine.h"

namespace tquic::io {
namespace {

NetAddress loopback4() { return NetAddress::ipv4({127, 0, 0, 1}, 0); }
NetAddress loopback6() { return NetAddress::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 0); }

bool have_ipv6_loopback() {
  UdpSocket probe;
  std::string err;
  return UdpSocket::open(loopback6(), {}, probe, err) && probe.local_address().family == AddressFamily::ipv6;
}

struct Pair {
  UdpSocket a, b;
  explicit Pair(NetAddress where) {
    std::string err;
    EXPECT_TRUE(UdpSocket::open(where, {}, a, err)) << err;
    EXPECT_TRUE(UdpSocket::open(where, {}, b, err)) << err;
  }
};

// The ECN codepoint of every segment received within 2 s, up to `want`.
std::vector<Ecn> receive_marks(MmsgEngine& e, std::size_t want) {
  std::vector<Ecn> marks;
  for (int turn = 0; turn < 200 && marks.size() < want; ++turn) {
    pollfd p{e.socket().fd(), POLLIN, 0};
    ::poll(&p, 1, 10);
    auto r = e.receive();
    EXPECT_TRUE(r);
    for (const RxDatagram& d : *r)
      for (std::size_t i = 0; i < d.segment_count(); ++i) marks.push_back(d.ecn);
  }
  return marks;
}

class EcnSocket : public ::testing::TestWithParam<AddressFamily> {
 protected:
  void SetUp() override {
    if (GetParam() == AddressFamily::ipv6 && !have_ipv6_loopback()) GTEST_SKIP() << "no IPv6 loopback";
  }
  NetAddress where() const { return GetParam() == AddressFamily::ipv6 ? loopback6() : loopback4(); }
};

TEST_P(EcnSocket, EveryCodepointArrivesAsSent) {
  Pair p(where());
  MmsgEngine tx(p.a, {});
  MmsgEngine rx(p.b, {});
  const std::vector<std::uint8_t> payload(100, 0x5a);
  for (Ecn ecn : {Ecn::ect0, Ecn::ce, Ecn::ect1, Ecn::not_ect}) {
    TxDatagram d{payload, 0, p.b.local_address(), {}, ecn};
    ASSERT_TRUE(tx.send(std::span(&d, 1)));
    const auto marks = receive_marks(rx, 1);
    ASSERT_EQ(marks.size(), 1u);
    EXPECT_EQ(marks[0], ecn) << static_cast<int>(ecn);
  }
}

TEST_P(EcnSocket, GsoTrainCarriesEct0OnEverySegment) {
  Pair p(where());
  MmsgEngine tx(p.a, {});
  MmsgEngine rx(p.b, {});
  constexpr std::size_t kSegment = 1200;
  constexpr std::size_t kCount = 6;
  const std::vector<std::uint8_t> train(kSegment * kCount, 0x33);
  TxDatagram d{train, static_cast<std::uint16_t>(kSegment), p.b.local_address(), {}, Ecn::ect0};
  ASSERT_TRUE(tx.send(std::span(&d, 1)));
  const auto marks = receive_marks(rx, kCount);
  ASSERT_EQ(marks.size(), kCount);
  for (Ecn m : marks) EXPECT_EQ(m, Ecn::ect0);
}

// A sender that sets the codepoint with setsockopt (as most stacks do),
// not per message: the receiver still reports it.
TEST_P(EcnSocket, MarkSetBySocketOptionIsReported) {
  Pair p(where());
  MmsgEngine rx(p.b, {});
  const bool v6 = GetParam() == AddressFamily::ipv6;
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  const int tos = static_cast<int>(Ecn::ect0);
  ASSERT_EQ(v6 ? ::setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof tos)
               : ::setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof tos),
            0);
  const std::uint8_t byte = 1;
  const NetAddress to = p.b.local_address();
  ssize_t sent = -1;
  if (v6) {
    sockaddr_in6 sa{};
    sa.sin6_family = AF_INET6;
    sa.sin6_port = htons(to.port);
    std::copy(to.ip.begin(), to.ip.begin() + 16, sa.sin6_addr.s6_addr);
    sent = ::sendto(fd, &byte, 1, 0, reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
  } else {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(to.port);
    std::copy(to.ip.begin(), to.ip.begin() + 4, reinterpret_cast<std::uint8_t*>(&sa.sin_addr.s_addr));
    sent = ::sendto(fd, &byte, 1, 0, reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
  }
  ::close(fd);
  ASSERT_EQ(sent, 1);
  const auto marks = receive_marks(rx, 1);
  ASSERT_EQ(marks.size(), 1u);
  EXPECT_EQ(marks[0], Ecn::ect0);
}

INSTANTIATE_TEST_SUITE_P(Families, EcnSocket, ::testing::Values(AddressFamily::ipv4, AddressFamily::ipv6),
                         [](const ::testing::TestParamInfo<AddressFamily>& i) {
                           return std::string(i.param == AddressFamily::ipv6 ? "ipv6" : "ipv4");
                         });

}  // namespace
}  // namespace tquic::io
