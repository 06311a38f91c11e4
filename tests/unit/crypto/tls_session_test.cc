#include "crypto/tls/tls_session.h"

#include <gtest/gtest.h>

#include <ctime>
#include <map>
#include <utility>

#include "crypto/tls/self_signed.h"

namespace tquic::crypto {
namespace {

using wire::EncryptionLevel;
using Bytes = std::vector<std::uint8_t>;

// Collects everything one TLS side emits, keyed by level.
struct RecordingSink final : TlsEventSink {
  std::vector<std::pair<EncryptionLevel, Bytes>> outbox;
  std::map<std::pair<EncryptionLevel, SecretDirection>, Bytes> secrets;
  std::uint16_t suite = 0;
  std::map<EncryptionLevel, std::uint16_t> suites;  // the suite each level's keys were made for
  Bytes peer_tp;
  Bytes ticket;
  bool reject_tp = false;

  Status on_handshake_data(EncryptionLevel level, ByteSpan data) override {
    outbox.emplace_back(level, Bytes(data.begin(), data.end()));
    return ok_status();
  }
  Status on_secret(EncryptionLevel level, SecretDirection dir, std::uint16_t s, ByteSpan secret) override {
    secrets[{level, dir}] = Bytes(secret.begin(), secret.end());
    suite = s;
    suites[level] = s;
    return ok_status();
  }
  Status on_peer_transport_parameters(ByteSpan encoded) override {
    if (reject_tp) return Error::transport(TransportErrorCode::TRANSPORT_PARAMETER_ERROR, "test rejects");
    peer_tp.assign(encoded.begin(), encoded.end());
    return ok_status();
  }
  void on_session_ticket(ByteSpan s) override { ticket.assign(s.begin(), s.end()); }
};

struct Pki {
  PemCertificate server;
  PemCertificate other;
  Pki() {
    std::string err;
    const std::string loopback("\x7f\x00\x00\x01", 4);
    server = generate_self_signed(std::time(nullptr), {"localhost"}, {loopback}, 1, err);
    other = generate_self_signed(std::time(nullptr), {"localhost"}, {}, 1, err);
  }
};

const Pki& pki() {
  static const Pki p;
  return p;
}

std::unique_ptr<TlsContext> server_ctx(std::vector<std::string> alpn = {"h3", "hq-interop"},
                                       std::string ciphers = "") {
  TlsServerOptions o;
  o.cert_pem = pki().server.cert_pem;
  o.key_pem = pki().server.key_pem;
  o.alpn = std::move(alpn);
  o.ciphers = std::move(ciphers);
  std::string err;
  auto ctx = TlsContext::make_server(o, err);
  EXPECT_TRUE(ctx) << err;
  return ctx;
}

std::unique_ptr<TlsContext> client_ctx(std::string ca_pem, std::vector<std::string> alpn = {"hq-interop"},
                                       std::string ciphers = "") {
  TlsClientOptions o;
  o.ca_pem = std::move(ca_pem);
  o.alpn = std::move(alpn);
  o.ciphers = std::move(ciphers);
  std::string err;
  auto ctx = TlsContext::make_client(o, err);
  EXPECT_TRUE(ctx) << err;
  return ctx;
}

struct Side {
  RecordingSink sink;
  std::unique_ptr<TlsSession> tls;
};

std::unique_ptr<TlsSession> make_session(const TlsContext& ctx, RecordingSink& sink, Bytes tp,
                                         Bytes resume = {}) {
  TlsSessionOptions o;
  o.local_transport_parameters = std::move(tp);
  o.server_name = "localhost";
  o.resume = std::move(resume);
  auto r = TlsSession::create(ctx, sink, std::move(o));
  EXPECT_TRUE(r) << r.error().reason;
  return std::move(*r);
}

// Moves pending handshake bytes from `from` into `to`; returns the first error.
Status deliver(Side& from, Side& to) {
  auto box = std::move(from.sink.outbox);
  from.sink.outbox.clear();
  for (auto& [level, data] : box) TQUIC_TRY(to.tls->provide(level, data));
  return ok_status();
}

Status run_handshake(Side& c, Side& s) {
  TQUIC_TRY(c.tls->start());
  for (int i = 0; i < 10 && (!c.sink.outbox.empty() || !s.sink.outbox.empty()); ++i) {
    TQUIC_TRY(deliver(c, s));
    TQUIC_TRY(deliver(s, c));
  }
  return ok_status();
}

TEST(TlsSession, FullHandshakeAgreesOnSecretsAlpnAndParameters) {
  auto sctx = server_ctx();
  auto cctx = client_ctx(pki().server.cert_pem);
  Side c, s;
  c.tls = make_session(*cctx, c.sink, Bytes{1, 2, 3});
  s.tls = make_session(*sctx, s.sink, Bytes{4, 5});
  Status hs = run_handshake(c, s);
  ASSERT_TRUE(hs) << hs.error().reason << " code " << std::hex << hs.error().code;
  EXPECT_TRUE(c.tls->handshake_complete());
  EXPECT_TRUE(s.tls->handshake_complete());
  EXPECT_EQ(c.tls->alpn(), "hq-interop");
  EXPECT_EQ(s.tls->alpn(), "hq-interop");
  EXPECT_EQ(c.sink.peer_tp, (Bytes{4, 5}));
  EXPECT_EQ(s.sink.peer_tp, (Bytes{1, 2, 3}));
  for (auto level : {EncryptionLevel::handshake, EncryptionLevel::one_rtt}) {
    auto cw = c.sink.secrets[{level, SecretDirection::write}];
    EXPECT_FALSE(cw.empty());
    EXPECT_EQ(cw, (s.sink.secrets[{level, SecretDirection::read}]));
    EXPECT_EQ((c.sink.secrets[{level, SecretDirection::read}]),
              (s.sink.secrets[{level, SecretDirection::write}]));
  }
  EXPECT_EQ(c.sink.suite, kTlsAes128GcmSha256);
  EXPECT_FALSE(c.tls->is_resumed());
}

TEST(TlsSession, ChaChaOnlyServerNegotiatesChaCha) {
  auto sctx = server_ctx({"hq-interop"}, "+CHACHA20-POLY1305");
  auto cctx = client_ctx(pki().server.cert_pem);
  Side c, s;
  c.tls = make_session(*cctx, c.sink, Bytes{1});
  s.tls = make_session(*sctx, s.sink, Bytes{2});
  ASSERT_TRUE(run_handshake(c, s));
  EXPECT_EQ(c.tls->cipher_suite(), kTlsChacha20Poly1305Sha256);
  EXPECT_EQ(s.sink.suite, kTlsChacha20Poly1305Sha256);
  EXPECT_EQ((c.sink.secrets[{EncryptionLevel::one_rtt, SecretDirection::write}].size()), 32u);
}

TEST(TlsSession, UntrustedCertificateFailsWithCryptoError) {
  auto sctx = server_ctx();
  auto cctx = client_ctx(pki().other.cert_pem);  // trusts a different certificate
  Side c, s;
  c.tls = make_session(*cctx, c.sink, Bytes{1});
  s.tls = make_session(*sctx, s.sink, Bytes{2});
  Status st = run_handshake(c, s);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, ErrorKind::transport);
  EXPECT_GE(st.error().code, 0x100u);
  EXPECT_LE(st.error().code, 0x1ffu);
  EXPECT_FALSE(c.tls->handshake_complete());
}

TEST(TlsSession, AlpnMismatchIsNoApplicationProtocol) {
  auto sctx = server_ctx({"h3"});
  auto cctx = client_ctx(pki().server.cert_pem, {"hq-interop"});
  Side c, s;
  c.tls = make_session(*cctx, c.sink, Bytes{1});
  s.tls = make_session(*sctx, s.sink, Bytes{2});
  Status st = run_handshake(c, s);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, crypto_error_code(120));  // no_application_protocol
}

TEST(TlsSession, TransportParameterErrorFromSinkWins) {
  auto sctx = server_ctx();
  auto cctx = client_ctx(pki().server.cert_pem);
  Side c, s;
  c.tls = make_session(*cctx, c.sink, Bytes{1});
  s.tls = make_session(*sctx, s.sink, Bytes{2});
  s.sink.reject_tp = true;
  Status st = run_handshake(c, s);
  ASSERT_FALSE(st);
  EXPECT_TRUE(st.error().is_transport(TransportErrorCode::TRANSPORT_PARAMETER_ERROR));
}

// Full handshake, ticket, then a resumed connection that sends 0-RTT.
struct Resumption : ::testing::Test {
  std::unique_ptr<TlsContext> sctx = server_ctx();
  std::unique_ptr<TlsContext> cctx = client_ctx(pki().server.cert_pem);
  Bytes ticket;

  void SetUp() override {
    Side c, s;
    c.tls = make_session(*cctx, c.sink, Bytes{1});
    s.tls = make_session(*sctx, s.sink, Bytes{2});
    ASSERT_TRUE(run_handshake(c, s));
    ASSERT_TRUE(s.tls->send_session_ticket());
    ASSERT_FALSE(s.sink.outbox.empty());
    EXPECT_EQ(s.sink.outbox.front().first, EncryptionLevel::one_rtt);
    ASSERT_TRUE(deliver(s, c));
    ticket = c.sink.ticket;
    ASSERT_FALSE(ticket.empty());
  }
};

TEST_F(Resumption, ResumesAndAcceptsEarlyData) {
  Side c, s;
  c.tls = make_session(*cctx, c.sink, Bytes{1}, ticket);
  s.tls = make_session(*sctx, s.sink, Bytes{2});
  ASSERT_TRUE(c.tls->start());
  EXPECT_TRUE(c.tls->early_data_attempted());
  auto early = c.sink.secrets[{EncryptionLevel::zero_rtt, SecretDirection::write}];
  ASSERT_FALSE(early.empty());
  ASSERT_TRUE(deliver(c, s));
  EXPECT_EQ(early, (s.sink.secrets[{EncryptionLevel::zero_rtt, SecretDirection::read}]));
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(deliver(s, c));
    ASSERT_TRUE(deliver(c, s));
  }
  EXPECT_TRUE(c.tls->handshake_complete());
  EXPECT_TRUE(s.tls->handshake_complete());
  EXPECT_TRUE(c.tls->is_resumed());
  EXPECT_TRUE(s.tls->early_data_accepted());
  EXPECT_TRUE(c.tls->early_data_accepted());
}

// A ticket from an AES-128-GCM connection resumed by a client that now
// offers only ChaCha20 (same hash, so the PSK stays usable): the server
// must refuse 0-RTT (RFC 8446 §4.2.10: the suite differs) and both sides
// must make the handshake and 1-RTT keys for ChaCha20, not for the suite the
// early keys came from. GnuTLS's gnutls_cipher_get() still named the early
// suite on the client at that point, so the client could not decrypt the
// server's Handshake packets and the connection stalled.
TEST_F(Resumption, OtherSuiteThanTheTicketsMakesKeysForTheNegotiatedSuite) {
  auto chacha_only = client_ctx(pki().server.cert_pem, {"hq-interop"}, "+CHACHA20-POLY1305");
  Side c, s;
  c.tls = make_session(*chacha_only, c.sink, Bytes{1}, ticket);
  s.tls = make_session(*sctx, s.sink, Bytes{2});
  ASSERT_TRUE(run_handshake(c, s));
  ASSERT_TRUE(c.tls->handshake_complete());
  EXPECT_TRUE(c.tls->is_resumed());
  EXPECT_FALSE(s.tls->early_data_accepted());
  EXPECT_FALSE(c.tls->early_data_accepted());
  EXPECT_TRUE(c.tls->early_data_attempted());
  for (auto level : {EncryptionLevel::handshake, EncryptionLevel::one_rtt}) {
    EXPECT_EQ(c.sink.suites[level], kTlsChacha20Poly1305Sha256) << static_cast<int>(level);
    EXPECT_EQ(s.sink.suites[level], kTlsChacha20Poly1305Sha256) << static_cast<int>(level);
    EXPECT_EQ((c.sink.secrets[{level, SecretDirection::read}]), (s.sink.secrets[{level, SecretDirection::write}]));
  }
  EXPECT_EQ(c.tls->cipher_suite(), kTlsChacha20Poly1305Sha256);
}

TEST_F(Resumption, ReplayedClientHelloGetsNoEarlyData) {
  Side c;
  c.tls = make_session(*cctx, c.sink, Bytes{1}, ticket);
  ASSERT_TRUE(c.tls->start());
  auto hello = c.sink.outbox;
  Side first, replay;
  first.tls = make_session(*sctx, first.sink, Bytes{2});
  replay.tls = make_session(*sctx, replay.sink, Bytes{2});
  for (auto& [level, data] : hello) ASSERT_TRUE(first.tls->provide(level, data));
  for (auto& [level, data] : hello) ASSERT_TRUE(replay.tls->provide(level, data));
  EXPECT_TRUE(first.sink.secrets.count({EncryptionLevel::zero_rtt, SecretDirection::read}));
  EXPECT_FALSE(replay.sink.secrets.count({EncryptionLevel::zero_rtt, SecretDirection::read}));
}

TEST(TlsContext, BadFilesGiveOneLineErrors) {
  TlsServerOptions o;
  o.cert_file = "/nonexistent/cert.pem";
  o.key_file = "/nonexistent/key.pem";
  o.alpn = {"h3"};
  std::string err;
  EXPECT_FALSE(TlsContext::make_server(o, err));
  EXPECT_NE(err.find("/nonexistent/cert.pem"), std::string::npos);
  EXPECT_EQ(err.find('\n'), std::string::npos);
  TlsClientOptions c;
  c.ca_file = "/nonexistent/ca.pem";
  c.alpn = {"h3"};
  err.clear();
  EXPECT_FALSE(TlsContext::make_client(c, err));
  EXPECT_NE(err.find("--ca"), std::string::npos);
  c.ca_file.clear();
  c.alpn.clear();
  EXPECT_FALSE(TlsContext::make_client(c, err));
  EXPECT_NE(err.find("ALPN"), std::string::npos);
}

}  // namespace
}  // namespace tquic::crypto
