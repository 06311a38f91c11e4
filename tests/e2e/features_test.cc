// Protocol features end to end: resumption and 0-RTT across two runs, key
// update, QUIC v2, ChaCha20, client migration, Retry.
#include <signal.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "e2e_fixture.h"

namespace tquic::e2e {
namespace {

class Features : public ::testing::TestWithParam<std::string> {};

TEST_P(Features, SecondRunResumesAndSendsItsRequestsAsZeroRtt) {
  E2e e;
  e.add_file("a", 20'000);
  ASSERT_NO_FATAL_FAILURE(e.start({"--engine", GetParam()}, {"--delay", "10ms"}));
  const std::string session = e.dir + "/session";
  const RunResult first = e.get({"a"}, {"--session", session, "--engine", GetParam()});
  ASSERT_EQ(first.status, 0) << first.out << first.err;
  EXPECT_EQ(first.out.find("resumed"), std::string::npos) << first.out;
  ASSERT_TRUE(std::filesystem::exists(session));
  const RunResult second = e.get({"a"}, {"--session", session, "--0rtt", "--engine", GetParam()});
  ASSERT_EQ(second.status, 0) << second.out << second.err;
  e.expect_intact(second, {"a"});
  EXPECT_NE(second.out.find("resumed, 0-RTT accepted"), std::string::npos) << second.out;
  const std::string served = e.server->stop();
  EXPECT_NE(served.find("2 connections (1 resumed, 1 with 0-RTT)"), std::string::npos) << served;
}

TEST_P(Features, ClientMigratesToANewPortMidTransfer) {
  E2e e;
  e.add_file("m", 3'000'000);
  ASSERT_NO_FATAL_FAILURE(e.start({"--engine", GetParam()}, {"--delay", "10ms", "--loss", "0.5%"}));
  const RunResult r = e.get({"m"}, {"--migrate", "--engine", GetParam()});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  e.expect_intact(r, {"m"});
  EXPECT_NE(r.out.find("migrated to local port"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("path validated"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Engines, Features, ::testing::ValuesIn(engines()), [](const auto& p) { return p.param; });

TEST(Features, KeyUpdateDuringATransfer) {
  E2e e;
  e.add_file("k", 2'000'000);
  ASSERT_NO_FATAL_FAILURE(e.start({}, {"--delay", "5ms"}));
  const RunResult r = e.get({"k"}, {"--key-update"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  e.expect_intact(r, {"k"});
  EXPECT_NE(r.out.find("; key updates "), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("key update not initiated"), std::string::npos) << r.out;
}

TEST(Features, QuicVersion2) {
  E2e e;
  e.add_file("v", 300'000);
  ASSERT_NO_FATAL_FAILURE(e.start({}, {"--delay", "5ms", "--loss", "1%"}));
  const RunResult r = e.get({"v"}, {"--version", "v2"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  e.expect_intact(r, {"v"});
  EXPECT_NE(r.out.find("QUIC v2"), std::string::npos) << r.out;
}

TEST(Features, ChaCha20Poly1305) {
  E2e e;
  e.add_file("c", 300'000);
  ASSERT_NO_FATAL_FAILURE(e.start({}, {"--delay", "5ms", "--loss", "1%"}));
  const RunResult r = e.get({"c"}, {"--ciphers", "chacha20"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  e.expect_intact(r, {"c"});
  EXPECT_NE(r.out.find("TLS_CHACHA20_POLY1305_SHA256"), std::string::npos) << r.out;
}

TEST(Features, TicketOfAnotherCipherOrVersionIsNotUsed) {
  E2e e;
  e.add_file("t", 1000);
  ASSERT_NO_FATAL_FAILURE(e.start());
  const std::string session = e.dir + "/session";
  const std::vector<std::vector<std::string>> next = {
      {"--ciphers", "chacha20"}, {"--ciphers", "aes256gcm"}, {"--version", "v2"}, {"--version", "v1"}};
  ASSERT_EQ(e.get({"t"}, {"--session", session, "--ciphers", "aes128gcm"}).status, 0);
  for (const auto& args : next) {  // each run changes what the previous ticket was issued for
    std::vector<std::string> a{"--session", session, "--0rtt"};
    a.insert(a.end(), args.begin(), args.end());
    const RunResult r = e.get({"t"}, a, 30s);
    ASSERT_EQ(r.status, 0) << args[1] << ": " << r.out << r.err;
    EXPECT_EQ(r.out.find("resumed"), std::string::npos) << "a full handshake: " << r.out;
  }
}

TEST(Features, Http3FilesAndA404) {
  E2e e;
  e.add_file("zero", 0);
  e.add_file("h", 1'000'000);
  ASSERT_NO_FATAL_FAILURE(e.start({}, {"--delay", "5ms", "--loss", "1%"}));
  RunResult r = e.get({"zero", "h"}, {"--alpn", "h3"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  e.expect_intact(r, {"zero", "h"});
  r = e.get({"h", "missing"}, {"--alpn", "h3"});
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("tquic get: /missing: HTTP status 404"), std::string::npos) << r.err;
  const std::string served = e.server->stop();
  EXPECT_NE(served.find("4 requests: 3 files sent, 1 refused"), std::string::npos) << served;
}

TEST(Features, QlogFilesForBothEnds) {
  E2e e;
  e.add_file("q", 50'000);
  const std::string sq = e.dir + "/qlog-server", cq = e.dir + "/qlog-client";
  ASSERT_NO_FATAL_FAILURE(e.start({"--qlog", sq}));
  const RunResult r = e.get({"q"}, {"--qlog", cq});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  e.server->stop();
  for (const auto& [dir, role] : {std::pair{sq, "_server.sqlog"}, std::pair{cq, "_client.sqlog"}}) {
    std::size_t files = 0;
    for (const auto& f : std::filesystem::directory_iterator(dir)) {
      ++files;
      EXPECT_NE(f.path().filename().string().find(role), std::string::npos) << f.path();
      std::ifstream in(f.path());
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      EXPECT_NE(text.find("quic:packet_sent"), std::string::npos) << f.path();
    }
    EXPECT_EQ(files, 1u) << dir;
  }
}

TEST(Features, RetryValidatesTheClientAddressFirst) {
  E2e e;
  e.add_file("r", 100'000);
  ASSERT_NO_FATAL_FAILURE(e.start({"--retry"}, {"--delay", "5ms"}));
  const RunResult r = e.get({"r"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  e.expect_intact(r, {"r"});
  const std::string served = e.server->stop();
  EXPECT_NE(served.find("1 Retry packets sent"), std::string::npos) << served;
}

TEST(Features, Http3RequestsOfAResumedRunGoAsZeroRtt) {
  E2e e;
  e.add_file("a", 20'000);
  e.add_file("b", 300'000);
  const std::string qlog = e.dir + "/qlog";
  ASSERT_NO_FATAL_FAILURE(e.start({"--qlog", qlog}, {"--delay", "10ms"}));
  const std::string session = e.dir + "/session";
  const RunResult first = e.get({"a"}, {"--alpn", "h3", "--session", session});
  ASSERT_EQ(first.status, 0) << first.out << first.err;
  const RunResult second = e.get({"a", "b"}, {"--alpn", "h3", "--session", session, "--0rtt"});
  ASSERT_EQ(second.status, 0) << second.out << second.err;
  e.expect_intact(second, {"a", "b"});
  EXPECT_NE(second.out.find("resumed, 0-RTT accepted"), std::string::npos) << second.out;
  const std::string served = e.server->stop();
  EXPECT_NE(served.find("2 connections (1 resumed, 1 with 0-RTT), 3 requests: 3 files sent"), std::string::npos)
      << served;
  // The server received the request streams (0 and 4, with their FIN) in 0-RTT packets.
  std::size_t early_requests = 0;
  for (const auto& f : std::filesystem::directory_iterator(qlog)) {
    std::ifstream in(f.path());
    for (std::string line; std::getline(in, line);) {
      if (line.find("\"packet_type\":\"0RTT\"") == std::string::npos) continue;
      for (const char* id : {"\"stream_id\":0,", "\"stream_id\":4,"})
        early_requests += line.find(id) != std::string::npos;
    }
  }
  EXPECT_GE(early_requests, 2u) << "no HTTP/3 request arrived in 0-RTT";
}

// SIGINT while a large HTTP/3 download is in flight: GOAWAY, the response
// completes, the client says it saw GOAWAY, the server exits 130 in time.
TEST(Features, Http3GoawayOnSigintLetsTheDownloadInFlightFinish) {
  E2e e;
  e.add_file("big", 8'000'000);
  ASSERT_NO_FATAL_FAILURE(e.start({}, {"--delay", "5ms", "--rate", "40mbit"}));  // about 2 s of transfer
  Process get({tquic_binary(), "get", "--insecure", "--alpn", "h3", "--output", e.out, e.url("big")});
  std::this_thread::sleep_for(600ms);
  ASSERT_EQ(::kill(e.server->process().pid(), SIGINT), 0);
  const auto signalled = std::chrono::steady_clock::now();
  const int served_status = e.server->process().wait(20s);
  const auto took = std::chrono::steady_clock::now() - signalled;
  const std::string served = e.server->process().out() + e.server->process().err();
  e.server.reset();  // already ended: its status is checked here, not by E2e
  const int get_status = get.wait(30s);
  EXPECT_EQ(served_status, 130) << served;
  EXPECT_LT(took, 12s) << "the drain is bounded by 10 s";
  EXPECT_NE(served.find("stopping: 1 connection winding down"), std::string::npos) << served;
  EXPECT_NE(served.find("1 request: 1 files sent"), std::string::npos) << served;
  ASSERT_EQ(get_status, 0) << get.out() << get.err();
  EXPECT_EQ(sha256_file(e.out + "/big"), e.sha.at("big"));
  EXPECT_NE(get.out().find("server sent GOAWAY"), std::string::npos) << get.out();
}

}  // namespace
}  // namespace tquic::e2e
