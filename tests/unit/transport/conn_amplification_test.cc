// Anti-amplification (RFC 9000 §8.1): before the client's address is
// validated the server sends at most three times what it received, counting
// whole datagrams: the padding and the unprocessable bytes after a client's
// Initial packet count too. Clients that pad a short Initial packet with
// bytes after it (picoquic does) must get the server's whole first flight.
#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

#include "conn_test_harness.h"

namespace tquic::transport::testing {
namespace {

// A certificate with many names makes the server's first flight larger
// than three times a 1200-byte datagram.
crypto::PemCertificate large_certificate() {
  std::vector<std::string> names{"localhost"};
  for (int i = 0; i < 300; ++i) names.push_back("host" + std::to_string(i) + ".tquic.example");
  std::string err;
  auto c = crypto::generate_self_signed(std::time(nullptr), names, {}, 1, err);
  EXPECT_FALSE(c.cert_pem.empty()) << err;
  return c;
}

std::unique_ptr<crypto::TlsContext> server_with(const crypto::PemCertificate& c) {
  crypto::TlsServerOptions o;
  o.cert_pem = c.cert_pem;
  o.key_pem = c.key_pem;
  o.alpn = {"hq-interop"};
  std::string err;
  auto ctx = crypto::TlsContext::make_server(o, err);
  EXPECT_TRUE(ctx) << err;
  return ctx;
}

// The client's first datagram with `extra` zero bytes after its Initial,
// delivered to a new server. Returns the Initial datagram's own length.
std::size_t deliver_first_datagram(Pipe& p, std::size_t extra) {
  p.start_client();
  auto t = p.client->write_train(p.tx, p.now);
  EXPECT_TRUE(t && t->segments >= 1);
  if (!t || t->segments == 0) return 0;
  const std::size_t len = t->segments > 1 ? t->segment_size : t->bytes;
  std::vector<std::uint8_t> first(p.tx.begin(), p.tx.begin() + static_cast<long>(len));
  first.resize(len + extra, 0);
  p.accept_server(first);
  EXPECT_TRUE(p.server->on_datagram(first, p.server_tuple, EcnMark::not_ect, p.now));
  return len;
}

// Everything the server may send now, in bytes.
std::size_t server_flight(Pipe& p) {
  std::size_t sent = 0;
  for (int guard = 0; guard < 100; ++guard) {
    auto t = p.server->write_train(p.tx, p.now);
    EXPECT_TRUE(t);
    if (!t || t->segments == 0) break;
    sent += t->bytes;
  }
  return sent;
}

TEST(AntiAmplification, BytesAfterTheClientInitialPacketCountToo) {
  const auto cert = large_certificate();
  Pipe p;
  p.stls = server_with(cert);
  const std::size_t first_len = deliver_first_datagram(p, 2400);  // zeros after the packet
  ASSERT_GT(first_len, 0u);
  const std::size_t sent = server_flight(p);
  EXPECT_GT(sent, 3 * first_len) << "only the Initial packet was credited, not the whole datagram";
  EXPECT_LE(sent, 3 * (first_len + 2400));
}

TEST(AntiAmplification, WithoutExtraBytesTheLimitHolds) {
  const auto cert = large_certificate();
  Pipe p;
  p.stls = server_with(cert);
  const std::size_t first_len = deliver_first_datagram(p, 0);
  ASSERT_GT(first_len, 0u);
  const std::size_t sent = server_flight(p);
  EXPECT_GT(sent, 0u);
  EXPECT_LE(sent, 3 * first_len) << "the server sent more than three times what it received";
}

}  // namespace
}  // namespace tquic::transport::testing
