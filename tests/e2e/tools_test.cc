// `tquic demo` (what scripts/run runs) and the TLS key log of both ends.
#include <fstream>
#include <set>

#include "e2e_fixture.h"

namespace tquic::e2e {
namespace {

TEST(Demo, TransfersThroughTheRelayAndVerifiesTheDigest) {
  const RunResult r = run_tquic({"demo", "--size", "2MB", "--delay", "5ms", "--loss", "1%"}, 60s);
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("tquic demo: 1 file, 2.00 MB in"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("through tquic-relay (5ms delay, 1% loss); sha256 verified"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("relay: ran"), std::string::npos) << "the relay's statistics follow";
}

TEST(Demo, DirectWithCubic) {
  const RunResult r = run_tquic({"demo", "--size", "5MB", "--no-relay", "--cc", "cubic"}, 60s);
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find(", cubic, engine "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("loopback direct; sha256 verified"), std::string::npos) << r.out;
}

std::map<std::string, std::set<std::string>> key_log(const std::string& path) {
  std::map<std::string, std::set<std::string>> labels;  // label -> client randoms
  std::ifstream f(path);
  std::string label, random, secret;
  while (f >> label >> random >> secret) labels[label].insert(random);
  return labels;
}

TEST(KeyLog, OptionOnTheServerAndSslKeyLogFileOnTheClient) {
  E2e e;
  e.add_file("k", 1000);
  const std::string server_log = e.dir + "/server.keys", client_log = e.dir + "/client.keys";
  ASSERT_NO_FATAL_FAILURE(e.start({"--keylog", server_log}));
  const RunResult r = e.get({"k"}, {}, 30s, {"SSLKEYLOGFILE=" + client_log});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  e.server->stop();
  const auto s = key_log(server_log), c = key_log(client_log);
  for (const char* label : {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                            "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"}) {
    ASSERT_EQ(s.count(label), 1u) << label;
    ASSERT_EQ(c.count(label), 1u) << label;
    EXPECT_EQ(s.at(label), c.at(label)) << "both ends log the same session";
  }
}

}  // namespace
}  // namespace tquic::e2e
