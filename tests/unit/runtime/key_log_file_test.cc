// runtime::KeyLogFile: a real TLS 1.3 handshake writes every traffic secret
// to the file in the NSS key log format, and the lines carry exactly the
// secrets QUIC keys are derived from.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <sstream>

#include "crypto/tls/self_signed.h"
#include "crypto/tls/tls_session.h"
#include "runtime/key_log_file.h"

namespace tquic::runtime {
namespace {

using Bytes = std::vector<std::uint8_t>;
using wire::EncryptionLevel;

std::string hex(const Bytes& b) {
  std::string s;
  char buf[3];
  for (auto v : b) std::snprintf(buf, sizeof buf, "%02x", v), s += buf;
  return s;
}

struct Sink final : crypto::TlsEventSink {
  std::vector<std::pair<EncryptionLevel, Bytes>> outbox;
  std::map<std::pair<EncryptionLevel, crypto::SecretDirection>, Bytes> secrets;
  Status on_handshake_data(EncryptionLevel level, ByteSpan data) override {
    outbox.emplace_back(level, Bytes(data.begin(), data.end()));
    return ok_status();
  }
  Status on_secret(EncryptionLevel l, crypto::SecretDirection d, std::uint16_t, ByteSpan s) override {
    secrets[{l, d}] = Bytes(s.begin(), s.end());
    return ok_status();
  }
  Status on_peer_transport_parameters(ByteSpan) override { return ok_status(); }
};

struct TempFile {
  std::string path;
  TempFile() {
    char t[] = "/tmp/tquic_keylog_XXXXXX";
    const int fd = ::mkstemp(t);
    ::close(fd);
    ::unlink(t);
    path = t;
  }
  ~TempFile() { ::unlink(path.c_str()); }
};

std::map<std::string, std::pair<std::string, std::string>> read_log(const std::string& path) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  std::ifstream f(path);
  std::string label, random, secret;
  while (f >> label >> random >> secret) out[label] = {random, secret};
  return out;
}

TEST(KeyLogFile, FormatsOneNssLine) {
  std::string ab;
  for (int i = 0; i < 32; ++i) ab += "ab";
  EXPECT_EQ(format_key_log_line("CLIENT_TRAFFIC_SECRET_0", Bytes(32, 0xab), Bytes{0x01, 0x02, 0xff}),
            "CLIENT_TRAFFIC_SECRET_0 " + ab + " 0102ff\n");
}

TEST(KeyLogFile, OptionWinsOverTheEnvironment) {
  ::setenv("SSLKEYLOGFILE", "/tmp/from-env", 1);
  EXPECT_EQ(key_log_path("/tmp/from-option"), "/tmp/from-option");
  EXPECT_EQ(key_log_path(""), "/tmp/from-env");
  ::unsetenv("SSLKEYLOGFILE");
  EXPECT_EQ(key_log_path(""), "");
}

TEST(KeyLogFile, UnwritablePathIsOneLineError) {
  std::string err;
  EXPECT_EQ(KeyLogFile::open("/nonexistent-dir/keys.log", err), nullptr);
  EXPECT_NE(err.find("cannot open key log '/nonexistent-dir/keys.log'"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), std::string::npos);
}

TEST(KeyLogFile, HandshakeWritesTheSecretsQuicUses) {
  TempFile tmp;
  std::string err;
  auto log = KeyLogFile::open(tmp.path, err);
  ASSERT_TRUE(log) << err;
  const auto cert = crypto::generate_self_signed(std::time(nullptr), {"localhost"}, {}, 1, err);
  crypto::TlsServerOptions so;
  so.cert_pem = cert.cert_pem;
  so.key_pem = cert.key_pem;
  so.alpn = {"hq-interop"};
  crypto::TlsClientOptions co;
  co.ca_pem = cert.cert_pem;
  co.alpn = {"hq-interop"};
  co.key_log = log.get();
  auto sctx = crypto::TlsContext::make_server(so, err);
  auto cctx = crypto::TlsContext::make_client(co, err);
  ASSERT_TRUE(sctx && cctx) << err;
  Sink cs, ss;
  crypto::TlsSessionOptions o;
  o.local_transport_parameters = {1};
  o.server_name = "localhost";
  auto c = crypto::TlsSession::create(*cctx, cs, o);
  auto s = crypto::TlsSession::create(*sctx, ss, o);
  ASSERT_TRUE(c && s);
  ASSERT_TRUE((*c)->start());
  for (int i = 0; i < 10 && (!cs.outbox.empty() || !ss.outbox.empty()); ++i) {
    for (auto& [l, d] : std::exchange(cs.outbox, {})) ASSERT_TRUE((*s)->provide(l, d));
    for (auto& [l, d] : std::exchange(ss.outbox, {})) ASSERT_TRUE((*c)->provide(l, d));
  }
  ASSERT_TRUE((*c)->handshake_complete());

  const auto lines = read_log(tmp.path);
  using D = crypto::SecretDirection;
  const std::pair<const char*, std::pair<EncryptionLevel, D>> expected[] = {
      {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", {EncryptionLevel::handshake, D::write}},
      {"SERVER_HANDSHAKE_TRAFFIC_SECRET", {EncryptionLevel::handshake, D::read}},
      {"CLIENT_TRAFFIC_SECRET_0", {EncryptionLevel::one_rtt, D::write}},
      {"SERVER_TRAFFIC_SECRET_0", {EncryptionLevel::one_rtt, D::read}}};
  std::string random;
  for (const auto& [label, key] : expected) {
    ASSERT_TRUE(lines.count(label)) << label << " missing from the key log";
    EXPECT_EQ(lines.at(label).second, hex(cs.secrets[key])) << label;
    EXPECT_EQ(lines.at(label).first.size(), 64u);
    if (random.empty()) random = lines.at(label).first;
    EXPECT_EQ(lines.at(label).first, random) << "one session, one client random";
  }
  EXPECT_GE(log->lines_written(), 4u);
}

}  // namespace
}  // namespace tquic::runtime
