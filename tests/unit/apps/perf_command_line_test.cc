// `tquic perf server|client` options: defaults per mode, every option, and
// the one-line message for each kind of bad input.
#include <gtest/gtest.h>

#include "apps/command_line.h"
#include "apps_test_util.h"
#include "command_line_test_util.h"

namespace tquic::apps {
namespace {

using testing::parse;
using testing::Parsed;

Parsed client(std::vector<std::string> args) {
  args.insert(args.begin(), {"perf", "client", "127.0.0.1:4433"});
  return parse(std::move(args));
}

void expect_error(const Parsed& p, const std::string& starts_with, const std::string& contains = "") {
  ASSERT_EQ(p.outcome, ParseOutcome::usage_error) << p.message;
  EXPECT_EQ(p.message.rfind(starts_with, 0), 0u) << p.message;
  EXPECT_NE(p.message.find(contains), std::string::npos) << p.message;
  EXPECT_EQ(p.message.find('\n'), std::string::npos) << p.message;
}

TEST(PerfCommandLine, ServerOptions) {
  testing::TempDir d;
  const auto p = parse({"perf", "server", "--listen", "[::]:4433", "--json", "--engine", "mmsg", "--cc", "cubic",
                        "--ciphers", "aes128gcm", "--cert", d.file("c.pem", "x"), "--key", d.file("k.pem", "y"),
                        "--qlog", d.sub("q")});
  ASSERT_EQ(p.outcome, ParseOutcome::run) << p.message;
  ASSERT_EQ(p.cmd.kind, CommandKind::perf_server);
  const PerfServerOptions& o = p.cmd.perf_server;
  EXPECT_EQ(o.listen.port, 4433);
  EXPECT_TRUE(o.json);
  EXPECT_EQ(o.common.engine, io::EngineKind::mmsg);
  EXPECT_EQ(o.common.cc, transport::CongestionControlAlgorithm::cubic);
  EXPECT_EQ(o.common.cipher_suites, std::vector<std::uint16_t>{0x1301});
  EXPECT_EQ(o.common.alpn, std::vector<std::string>{"tquic-perf/1"});
  EXPECT_FALSE(o.cert_file.empty());
}

TEST(PerfCommandLine, ServerErrors) {
  expect_error(parse({"perf", "server"}), "tquic perf server: --listen is required", "0.0.0.0:4433");
  expect_error(parse({"perf", "server", "--listen", "nowhere"}), "tquic perf server: --listen:");
  expect_error(parse({"perf", "server", "--listen", "127.0.0.1:1", "--cert", "/x"}), "tquic perf server: --cert needs --key");
  expect_error(parse({"perf", "server", "--listen", "127.0.0.1:1", "--alpn", "h3"}), "tquic perf server: ",
               "--alpn");
  expect_error(parse({"perf"}), "tquic perf: a subcommand is required: server or client");
}

TEST(PerfCommandLine, ClientDefaults) {
  const auto p = client({});
  ASSERT_EQ(p.outcome, ParseOutcome::run) << p.message;
  ASSERT_EQ(p.cmd.kind, CommandKind::perf_client);
  const PerfClientOptions& o = p.cmd.perf_client;
  EXPECT_EQ(o.server.host, "127.0.0.1");
  EXPECT_EQ(o.server.port, 4433);
  EXPECT_EQ(o.mode, perf::Mode::down);
  EXPECT_EQ(o.bytes, 0u);
  EXPECT_EQ(o.duration, 10s);
  EXPECT_EQ(o.streams, 1u);
  EXPECT_EQ(o.connections, 1u);
  EXPECT_EQ(o.interval, 1s);
  EXPECT_FALSE(o.json);
  EXPECT_EQ(o.common.alpn, std::vector<std::string>{"tquic-perf/1"});
}

TEST(PerfCommandLine, ClientDataModes) {
  const auto p = client({"--mode", "bidi", "--bytes", "1GiB", "--streams", "8", "--connections", "2", "--json",
                         "--interval", "0", "--insecure", "--engine", "uring"});
  ASSERT_EQ(p.outcome, ParseOutcome::run) << p.message;
  const PerfClientOptions& o = p.cmd.perf_client;
  EXPECT_EQ(o.mode, perf::Mode::bidi);
  EXPECT_EQ(o.bytes, 1ull << 30);
  EXPECT_EQ(o.streams, 8u);
  EXPECT_EQ(o.connections, 2u);
  EXPECT_EQ(o.interval, Duration::zero());
  EXPECT_TRUE(o.json && o.insecure);
  const auto t = client({"--mode", "up", "--time", "500ms"});
  ASSERT_EQ(t.outcome, ParseOutcome::run) << t.message;
  EXPECT_EQ(t.cmd.perf_client.duration, 500ms);
  EXPECT_EQ(client({"--time", "2.5"}).cmd.perf_client.duration, 2500ms);
}

TEST(PerfCommandLine, ClientRequestResponse) {
  const auto p = client({"--mode", "rr", "--request-size", "100", "--response-size", "0", "--rate", "1000/s",
                         "--count", "5000"});
  ASSERT_EQ(p.outcome, ParseOutcome::run) << p.message;
  const PerfClientOptions& o = p.cmd.perf_client;
  EXPECT_EQ(o.request_size, 100u);
  EXPECT_EQ(o.response_size, 0u);
  EXPECT_EQ(o.rate, 1000.0);
  EXPECT_EQ(o.count, 5000u);
  EXPECT_EQ(o.concurrency, kPerfDefaultOpenLoopConcurrency) << "open loop: room for many in flight";
  const auto closed = client({"--mode", "rr"});
  ASSERT_EQ(closed.outcome, ParseOutcome::run);
  EXPECT_EQ(closed.cmd.perf_client.concurrency, 1u);
  EXPECT_EQ(closed.cmd.perf_client.count, 0u) << "runs for --time (10 s)";
  EXPECT_EQ(client({"--mode", "rr", "--concurrency", "16"}).cmd.perf_client.concurrency, 16u);
}

TEST(PerfCommandLine, ClientHandshakes) {
  const auto p = client({"--mode", "handshake", "--resume", "--concurrency", "4"});
  ASSERT_EQ(p.outcome, ParseOutcome::run) << p.message;
  EXPECT_EQ(p.cmd.perf_client.count, kPerfDefaultHandshakes);
  EXPECT_TRUE(p.cmd.perf_client.resume);
  EXPECT_EQ(p.cmd.perf_client.concurrency, 4u);
  EXPECT_EQ(client({"--mode", "handshake", "--count", "7"}).cmd.perf_client.count, 7u);
}

TEST(PerfCommandLine, ClientErrors) {
  const std::string c = "tquic perf client: ";
  expect_error(parse({"perf", "client"}), c + "the server address is required", "127.0.0.1:4433");
  expect_error(parse({"perf", "client", "localhost"}), c + "server 'localhost' must be HOST:PORT");
  expect_error(parse({"perf", "client", "h:1/x"}), c + "server 'h:1/x' must be HOST:PORT");
  expect_error(client({"--mode", "sideways"}), c + "--mode: unknown mode 'sideways'; use up, down, bidi, rr or handshake");
  expect_error(client({"--bytes", "1MB", "--time", "1"}), c + "--bytes and --time contradict each other");
  expect_error(client({"--bytes", "0"}), c + "--bytes: size '0' must be 1 B to 100 GB");
  expect_error(client({"--time", "0"}), c + "--time: '0' must be a duration", "above 0");
  expect_error(client({"--time", "10m"}), c + "--time: '10m' must be a duration such as 10 (seconds), 2.5s or 500ms");
  expect_error(client({"--streams", "0"}), c + "--streams: '0' must be a whole number from 1 to 1000");
  expect_error(client({"--streams", "4x"}), c + "--streams: '4x' must be a whole number");
  expect_error(client({"--connections", "1001"}), c + "--connections: '1001' must be a whole number from 1 to 1000");
  expect_error(client({"--request-size", "10"}), c + "--request-size applies to --mode rr, not down; drop it or change --mode");
  expect_error(client({"--count", "10"}), c + "--count applies to --mode rr or handshake, not down");
  expect_error(client({"--resume"}), c + "--resume applies to --mode handshake");
  expect_error(client({"--mode", "rr", "--bytes", "1MB"}), c + "--bytes applies to --mode up, down or bidi, not rr");
  expect_error(client({"--mode", "rr", "--streams", "2"}), c + "--streams applies to --mode up, down or bidi, not rr");
  expect_error(client({"--mode", "rr", "--rate", "-5"}), c + "--rate: '-5' must be a rate per second above 0");
  expect_error(client({"--mode", "rr", "--rate", "fast"}), c + "--rate: 'fast' must be a rate per second");
  expect_error(client({"--mode", "rr", "--count", "5", "--time", "1"}), c + "--count and --time contradict each other");
  expect_error(client({"--mode", "rr", "--concurrency", "0"}), c + "--concurrency: '0' must be a whole number from 1");
  expect_error(client({"--mode", "handshake", "--time", "1"}), c + "--time applies to --mode up, down, bidi or rr, not handshake");
  expect_error(client({"--mode", "handshake", "--connections", "2"}), c + "--connections applies to");
  expect_error(client({"--mode", "handshake", "--count", "0"}), c + "--count: '0' must be a whole number from 1");
  expect_error(client({"--interval", "-1"}), c + "--interval: '-1' must be a duration", "0 to 86400 s");
  expect_error(client({"--insecure", "--ca", "/x"}), c + "--insecure and --ca contradict each other");
  expect_error(client({"--ca", "/nonexistent.pem"}), c + "--ca: cannot read '/nonexistent.pem'");
  expect_error(client({"--cc", "vegas"}), c + "--cc: unknown congestion controller 'vegas'");
  expect_error(client({"--engine", "dpdk"}), c + "--engine:");
  expect_error(client({"--ciphers", "rc4"}), c + "--ciphers: unknown cipher 'rc4'");
  expect_error(client({"--frobnicate"}), c, "see 'tquic perf client --help'");
}

TEST(PerfCommandLine, HelpShowsEveryMode) {
  const auto p = parse({"perf", "client", "--help"});
  ASSERT_EQ(p.outcome, ParseOutcome::help);
  for (const char* s : {"--mode", "--bytes", "--time", "--streams", "--connections", "--request-size",
                        "--response-size", "--rate", "--concurrency", "--count", "--resume", "--json", "--engine",
                        "--cc", "--ciphers", "--qlog"})
    EXPECT_NE(p.message.find(s), std::string::npos) << s;
}

}  // namespace
}  // namespace tquic::apps
