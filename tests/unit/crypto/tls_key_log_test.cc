// The key log hook (crypto/tls/key_log.h): a KeyLogSink on the TlsContext
// receives every TLS 1.3 traffic secret with the ClientHello random, and the
// secrets are the ones QUIC derives its packet keys from.
#include <gtest/gtest.h>

#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "crypto/tls/key_log.h"
#include "crypto/tls/self_signed.h"
#include "crypto/tls/tls_session.h"

namespace tquic::crypto {
namespace {

using wire::EncryptionLevel;
using Bytes = std::vector<std::uint8_t>;

struct Recorder final : KeyLogSink {
  std::map<std::string, Bytes> secrets;
  Bytes client_random;
  void on_secret(std::string_view label, ByteSpan random, ByteSpan secret) override {
    secrets[std::string(label)] = Bytes(secret.begin(), secret.end());
    client_random.assign(random.begin(), random.end());
  }
};

struct Sink final : TlsEventSink {
  std::vector<std::pair<EncryptionLevel, Bytes>> outbox;
  std::map<std::pair<EncryptionLevel, SecretDirection>, Bytes> secrets;
  Status on_handshake_data(EncryptionLevel level, ByteSpan data) override {
    outbox.emplace_back(level, Bytes(data.begin(), data.end()));
    return ok_status();
  }
  Status on_secret(EncryptionLevel level, SecretDirection dir, std::uint16_t, ByteSpan secret) override {
    secrets[{level, dir}] = Bytes(secret.begin(), secret.end());
    return ok_status();
  }
  Status on_peer_transport_parameters(ByteSpan) override { return ok_status(); }
};

std::unique_ptr<TlsSession> session(const TlsContext& ctx, Sink& sink) {
  TlsSessionOptions o;
  o.local_transport_parameters = {1};
  o.server_name = "localhost";
  auto r = TlsSession::create(ctx, sink, std::move(o));
  EXPECT_TRUE(r);
  return r ? std::move(*r) : nullptr;
}

TEST(TlsKeyLog, ClientSinkGetsEveryTrafficSecretWithTheClientRandom) {
  std::string err;
  const PemCertificate cert = generate_self_signed(std::time(nullptr), {"localhost"}, {}, 1, err);
  ASSERT_FALSE(cert.cert_pem.empty()) << err;
  Recorder log;
  TlsServerOptions so;
  so.cert_pem = cert.cert_pem;
  so.key_pem = cert.key_pem;
  so.alpn = {"hq-interop"};
  auto sctx = TlsContext::make_server(so, err);
  TlsClientOptions co;
  co.ca_pem = cert.cert_pem;
  co.alpn = {"hq-interop"};
  co.key_log = &log;
  auto cctx = TlsContext::make_client(co, err);
  ASSERT_TRUE(sctx && cctx) << err;

  Sink cs, ss;
  auto c = session(*cctx, cs);
  auto s = session(*sctx, ss);
  ASSERT_TRUE(c->start());
  for (int i = 0; i < 10 && (!cs.outbox.empty() || !ss.outbox.empty()); ++i) {
    for (auto& [l, d] : std::exchange(cs.outbox, {})) ASSERT_TRUE(s->provide(l, d));
    for (auto& [l, d] : std::exchange(ss.outbox, {})) ASSERT_TRUE(c->provide(l, d));
  }
  ASSERT_TRUE(c->handshake_complete());

  EXPECT_EQ(log.client_random.size(), 32u);
  using D = SecretDirection;
  EXPECT_EQ(log.secrets["CLIENT_HANDSHAKE_TRAFFIC_SECRET"], (cs.secrets[{EncryptionLevel::handshake, D::write}]));
  EXPECT_EQ(log.secrets["SERVER_HANDSHAKE_TRAFFIC_SECRET"], (cs.secrets[{EncryptionLevel::handshake, D::read}]));
  EXPECT_EQ(log.secrets["CLIENT_TRAFFIC_SECRET_0"], (cs.secrets[{EncryptionLevel::one_rtt, D::write}]));
  EXPECT_EQ(log.secrets["SERVER_TRAFFIC_SECRET_0"], (cs.secrets[{EncryptionLevel::one_rtt, D::read}]));
  EXPECT_EQ(log.secrets["CLIENT_TRAFFIC_SECRET_0"].size(), 32u);
}

}  // namespace
}  // namespace tquic::crypto
