// `tquic perf server` and `tquic perf client` as processes on loopback,
// under each I/O engine: every mode runs briefly with --json and the
// numbers are checked against each other (bytes requested = sent =
// received on both sides, percentiles ordered, the server's CPU known);
// text output names engine, cipher and congestion controller; SIGINT gives
// a partial summary with exit 130; bad input exits 2 with one line.
#include <signal.h>

#include <nlohmann/json.hpp>

#include "e2e_fixture.h"

namespace tquic::e2e {
namespace {

using nlohmann::json;

// A tquic perf server on 127.0.0.1 (port chosen by the kernel).
class PerfServer {
 public:
  explicit PerfServer(const std::string& engine, std::vector<std::string> extra = {})
      : proc_([&] {
          std::vector<std::string> a{tquic_binary(), "perf", "server", "--listen", "127.0.0.1:0", "--engine", engine};
          a.insert(a.end(), extra.begin(), extra.end());
          return a;
        }()) {
    const std::string line = proc_.wait_for_line("listening on", 20s);
    const std::string marker = "listening on 127.0.0.1:";
    if (const auto at = line.find(marker); at != std::string::npos)
      port_ = static_cast<std::uint16_t>(std::atoi(line.c_str() + at + marker.size()));
  }
  ~PerfServer() {
    if (!stopped_) stop();
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  bool ok() const { return port_ != 0; }
  // SIGTERM; everything it printed. The exit status must be 0 (clean shutdown).
  std::string stop() {
    stopped_ = true;
    const int status = proc_.stop(20s);
    EXPECT_EQ(status, 0) << "tquic perf server did not shut down cleanly:\n" << proc_.out() << proc_.err();
    return proc_.out() + proc_.err();
  }

 private:
  Process proc_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

class Perf : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    server_ = std::make_unique<PerfServer>(GetParam());
    ASSERT_TRUE(server_->ok());
  }
  // `tquic perf client --json` with `args`; the parsed report.
  json run_json(std::vector<std::string> args) {
    std::vector<std::string> a{"perf", "client", server_->address(), "--insecure", "--json", "--engine", GetParam()};
    a.insert(a.end(), args.begin(), args.end());
    const RunResult r = run_tquic(a, 60s);
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    json j = json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    if (j.is_discarded()) return json::object();
    EXPECT_EQ(j["complete"], true) << r.out;
    EXPECT_EQ(j["engine"], GetParam());
    EXPECT_EQ(j["server"]["engine"], GetParam());
    EXPECT_GT(j["server"]["cpu"]["seconds"].get<double>(), 0.0) << "the server reports its CPU";
    EXPECT_GT(j["client_cpu"]["seconds"].get<double>(), 0.0);
    return j;
  }
  std::unique_ptr<PerfServer> server_;
};

TEST_P(Perf, DownloadSplitsBytesOverConnectionsAndStreams) {
  const json j = run_json({"--mode", "down", "--bytes", "3000001", "--streams", "3", "--connections", "2"});
  EXPECT_EQ(j["bytes_down"], 3000001u);
  EXPECT_EQ(j["bytes_up"], 0u);
  EXPECT_EQ(j["server"]["bytes_sent"], 3000001u);
  EXPECT_EQ(j["server"]["bytes_received"], 0u);
  EXPECT_EQ(j["connections"], 2u);
  EXPECT_EQ(j["streams"], 3u);
  EXPECT_EQ(j["cipher"], "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(j["cc"], "bbr3");
  EXPECT_GT(j["elapsed_seconds"].get<double>(), 0.0);
}

TEST_P(Perf, UploadWithAnotherCipherAndController) {
  const json j = run_json({"--mode", "up", "--bytes", "2MB", "--ciphers", "chacha20", "--cc", "cubic"});
  EXPECT_EQ(j["bytes_up"], 2000000u);
  EXPECT_EQ(j["server"]["bytes_received"], 2000000u);
  EXPECT_EQ(j["server"]["bytes_sent"], 0u);
  EXPECT_EQ(j["cipher"], "TLS_CHACHA20_POLY1305_SHA256");
  EXPECT_EQ(j["cc"], "cubic");
}

TEST_P(Perf, TimedBidirectionalAgreesWithTheServer) {
  const json j = run_json({"--mode", "bidi", "--time", "0.6", "--streams", "2", "--interval", "0.2"});
  EXPECT_GT(j["bytes_up"].get<std::uint64_t>(), 0u);
  EXPECT_GT(j["bytes_down"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(j["bytes_up"], j["server"]["bytes_received"]) << "everything sent arrived before the server's FIN";
  EXPECT_EQ(j["bytes_down"], j["server"]["bytes_sent"]);
  EXPECT_GE(j["elapsed_seconds"].get<double>(), 0.55);
  std::uint64_t up = 0, down = 0;
  for (const json& i : j["intervals"]) up += i["bytes_up"].get<std::uint64_t>(), down += i["bytes_down"].get<std::uint64_t>();
  EXPECT_EQ(up, j["bytes_up"]) << "intervals add up";
  EXPECT_EQ(down, j["bytes_down"]);
  EXPECT_GE(j["intervals"].size(), 3u);
}

TEST_P(Perf, RequestResponseLatencyPercentilesAreOrdered) {
  const json j = run_json({"--mode", "rr", "--count", "300", "--request-size", "100", "--response-size", "1000",
                           "--concurrency", "4", "--connections", "2"});
  EXPECT_EQ(j["rr"]["requests"], 300u);
  EXPECT_EQ(j["bytes_up"], 300u * 100);
  EXPECT_EQ(j["bytes_down"], 300u * 1000);
  EXPECT_EQ(j["server"]["bytes_received"], 300u * 100);
  EXPECT_EQ(j["server"]["bytes_sent"], 300u * 1000);
  const json& l = j["latency"];
  EXPECT_EQ(l["count"], 300u);
  double prev = 0;
  for (const char* k : {"min_us", "p50_us", "p90_us", "p99_us", "p99_9_us", "max_us"}) {
    EXPECT_GE(l[k].get<double>(), prev) << k;
    prev = l[k].get<double>();
  }
  EXPECT_GT(l["min_us"].get<double>(), 0.0);
  EXPECT_LE(l["mean_us"].get<double>(), l["max_us"].get<double>());
}

TEST_P(Perf, OpenLoopRequestsFollowTheRate) {
  const json j = run_json({"--mode", "rr", "--rate", "400", "--time", "0.5", "--response-size", "0"});
  const auto n = j["rr"]["requests"].get<std::uint64_t>();
  EXPECT_GT(n, 0u);
  EXPECT_LE(n, 201u) << "never more than rate x time";
  EXPECT_EQ(j["latency"]["count"], n);
  EXPECT_EQ(j["bytes_down"], 0u);
}

TEST_P(Perf, HandshakeRateCountsServerHandshakes) {
  const json j = run_json({"--mode", "handshake", "--count", "12", "--concurrency", "3"});
  EXPECT_EQ(j["handshake"]["completed"], 12u);
  EXPECT_EQ(j["handshake"]["failed"], 0u);
  EXPECT_EQ(j["handshake"]["resumed"], 0u);
  EXPECT_EQ(j["server"]["handshakes"], 12u) << "the server completed exactly these";
  EXPECT_GT(j["handshake"]["server_cpu_ms_per_handshake"].get<double>(), 0.0);
  EXPECT_GT(j["handshake"]["per_second"].get<double>(), 0.0);
}

TEST_P(Perf, HandshakesResumeWithTheNewestTicket) {
  const json j = run_json({"--mode", "handshake", "--count", "6", "--resume"});
  EXPECT_EQ(j["handshake"]["completed"], 6u);
  EXPECT_EQ(j["handshake"]["resumed"], 5u) << "all but the first";
}

TEST_P(Perf, TextOutputNamesWhatRanAndTheServerReportsEachTest) {
  const RunResult r = run_tquic({"perf", "client", server_->address(), "--insecure", "--engine", GetParam(),
                                 "--bytes", "1MB", "--ciphers", "aes256gcm"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("TLS_AES_256_GCM_SHA384, QUIC v1, cc bbr3, engine " + GetParam() + " (server: engine " +
                       GetParam() + ", cc bbr3)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("tquic perf client: done; down 1.00 MB in"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("server received 0 B, sent 1.00 MB"), std::string::npos) << r.out;
  const std::string served = server_->stop();
  EXPECT_NE(served.find("tquic perf server: test down: received 0 B, sent 1.00 MB in 1 stream"), std::string::npos)
      << served;
  EXPECT_NE(served.find("tquic perf server: 1 connection, 1 handshakes, 1 test;"), std::string::npos) << served;
}

TEST_P(Perf, InterruptGivesAPartialSummaryWithTheServersCpu) {
  Process client({tquic_binary(), "perf", "client", server_->address(), "--insecure", "--engine", GetParam(),
                  "--time", "30", "--interval", "0.1"});
  ASSERT_FALSE(client.wait_for_line("down", 20s).empty()) << client.out() << client.err();
  ::kill(client.pid(), SIGINT);
  EXPECT_EQ(client.wait(20s), 130) << client.out() << client.err();
  EXPECT_NE(client.out().find("tquic perf client: interrupted, partial results; down"), std::string::npos)
      << client.out();
  EXPECT_EQ(client.out().find("server unknown"), std::string::npos) << "STATS still arrive:\n" << client.out();
}

INSTANTIATE_TEST_SUITE_P(Engines, Perf, ::testing::ValuesIn(engines()), [](const auto& p) { return p.param; });

TEST(PerfJson, ServerPrintsOneObjectPerTestAndASummary) {
  PerfServer server("mmsg", {"--json"});
  ASSERT_TRUE(server.ok());
  const RunResult r = run_tquic({"perf", "client", server.address(), "--insecure", "--mode", "up", "--bytes", "5000"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const std::string out = server.stop();
  std::vector<json> lines;
  std::size_t start = out.find('\n') + 1;  // after the banner
  for (std::size_t nl = out.find('\n', start); nl != std::string::npos; start = nl + 1, nl = out.find('\n', start))
    lines.push_back(json::parse(out.substr(start, nl - start), nullptr, false));
  ASSERT_EQ(lines.size(), 2u) << out;
  EXPECT_EQ(lines[0]["event"], "test");
  EXPECT_EQ(lines[0]["mode"], "up");
  EXPECT_EQ(lines[0]["bytes_received"], 5000u);
  EXPECT_EQ(lines[1]["event"], "summary");
  EXPECT_EQ(lines[1]["connections"], 1u);
  EXPECT_EQ(lines[1]["engine"], "mmsg");
}

TEST(PerfErrors, BadInputAndNoServer) {
  const RunResult bad = run_tquic({"perf", "client", "127.0.0.1:9", "--streams", "0"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.err, "tquic perf client: --streams: '0' must be a whole number from 1 to 1000\n");
  // Nobody listens on this port: the handshake times out with one line.
  const RunResult none = run_tquic({"perf", "client", "127.0.0.1:9", "--insecure", "--bytes", "1kB"}, 30s);
  EXPECT_EQ(none.status, 1) << none.out << none.err;
  EXPECT_NE(none.err.find("tquic perf client: no answer from 127.0.0.1:9"), std::string::npos) << none.err;
}

}  // namespace
}  // namespace tquic::e2e
