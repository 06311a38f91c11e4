// What must fail does, with a non-zero exit and a one-line reason: a
// missing file (the others still arrive), certificate verification (on by
// default), bad command lines; and a CA file makes verification pass.
#include <ctime>

#include "crypto/tls/self_signed.h"
#include "e2e_fixture.h"

namespace tquic::e2e {
namespace {

// hq-interop has no status codes: a refused request is a reset stream.
TEST(Failures, MissingFileExitsNonZeroWhileTheOthersArrive) {
  E2e e;
  e.add_file("here", 5000);
  ASSERT_NO_FATAL_FAILURE(e.start());
  const RunResult r = e.get({"here", "missing", "../../etc/passwd"}, {"--alpn", "hq-interop"});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  e.expect_intact(r, {"here"});
  EXPECT_NE(r.err.find("tquic get: /missing: server reset the stream with 0x10b (H3_REQUEST_REJECTED"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("1 file (2 failed)"), std::string::npos) << r.out;
}

// HTTP/3 (get's default) answers with a status: 404 and 400.
TEST(Failures, MissingFileIsA404OverHttp3) {
  E2e e;
  e.add_file("here", 5000);
  ASSERT_NO_FATAL_FAILURE(e.start());
  const RunResult r = e.get({"here", "missing", "../../etc/passwd"});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  e.expect_intact(r, {"here"});
  EXPECT_NE(r.err.find("tquic get: /missing: HTTP status 404"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("tquic get: /../../etc/passwd: HTTP status 400"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("1 file (2 failed)"), std::string::npos) << r.out;
}

TEST(Failures, CertificateVerificationIsOnByDefault) {
  E2e e;
  e.add_file("x", 10);
  ASSERT_NO_FATAL_FAILURE(e.start());
  const RunResult r = run_tquic({"get", e.url("x")}, 30s);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("tquic get: cannot connect to 127.0.0.1:" + std::to_string(e.port()) + ": "), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("CRYPTO_ERROR"), std::string::npos) << r.err;
}

TEST(Failures, CaFileVerifiesTheServerByName) {
  E2e e;
  e.add_file("x", 10);
  std::string err;
  const auto cert = crypto::generate_self_signed(std::time(nullptr), {"localhost"},
                                                 {std::string("\x7f\x00\x00\x01", 4)}, 1, err);
  const std::string cert_path = e.dir + "/cert.pem", key_path = e.dir + "/key.pem";
  std::ofstream(cert_path) << cert.cert_pem;
  std::ofstream(key_path) << cert.key_pem;
  ASSERT_NO_FATAL_FAILURE(e.start({"--cert", cert_path, "--key", key_path}));
  const std::string url = "https://localhost:" + std::to_string(e.port()) + "/x";
  const RunResult r = run_tquic({"get", "--ca", cert_path, "--output", e.out, url}, 30s);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(sha256_file(e.out + "/x"), e.sha.at("x"));
  const RunResult by_ip = run_tquic({"get", "--ca", cert_path, e.url("x")}, 30s);
  EXPECT_EQ(by_ip.status, 0) << "the certificate names 127.0.0.1 too: " << by_ip.err;
}

TEST(Failures, BadCommandLinesExitWithStatusTwoAndOneLine) {
  const std::vector<std::vector<std::string>> cases = {
      {"get", "--ca", "/nonexistent/ca.pem", "https://127.0.0.1:1/"},
      {"serve", "--listen", "127.0.0.1:0", "--root", "/nonexistent/root"},
      {"demo", "--size", "lots"},
      {"get", "--engine", "carrier-pigeon", "https://127.0.0.1:1/"},
  };
  for (const auto& args : cases) {
    const RunResult r = run_tquic(args, 10s);
    EXPECT_EQ(r.status, 2) << args[1] << ": " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

}  // namespace
}  // namespace tquic::e2e
