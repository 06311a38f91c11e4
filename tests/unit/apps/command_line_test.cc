// The tquic command line: what parses, and the one-line message for every
// kind of bad input (option syntax, values, files, directories, config).
#include <gtest/gtest.h>

#include "apps/command_line.h"
#include "apps_test_util.h"
#include "command_line_test_util.h"
#include "wire/version.h"

namespace tquic::apps {
namespace {

using testing::TempDir;
using testing::parse;
using testing::Parsed;

// Usage errors are exactly one line, start with the command and name what to do.
void expect_error(const Parsed& p, const std::string& starts_with, const std::string& contains) {
  ASSERT_EQ(p.outcome, ParseOutcome::usage_error) << p.message;
  EXPECT_EQ(p.message.rfind(starts_with, 0), 0u) << p.message;
  EXPECT_NE(p.message.find(contains), std::string::npos) << p.message;
  EXPECT_EQ(p.message.find('\n'), std::string::npos) << p.message;
}

TEST(CommandLine, GetWithEveryOption) {
  TempDir d;
  const std::string ca = d.file("ca.pem", "x");
  const auto p = parse({"get", "--ca", ca, "--output", d.sub("out"), "--session", d.sub("s"), "--0rtt",
                        "--key-update", "--migrate", "--version", "v2", "--ciphers", "chacha20,aes128gcm", "--cc",
                        "cubic", "--engine", "mmsg", "--alpn", "hq-interop", "--keylog", d.sub("k"), "--qlog",
                        d.sub("q"), "--max-datagram-size", "9000", "https://localhost:4433/a",
                        "https://localhost:4433/b"});
  ASSERT_EQ(p.outcome, ParseOutcome::run) << p.message;
  ASSERT_EQ(p.cmd.kind, CommandKind::get);
  const GetOptions& g = p.cmd.get;
  EXPECT_EQ(g.urls.size(), 2u);
  EXPECT_EQ(g.urls[1].path, "/b");
  EXPECT_EQ(g.ca_file, ca);
  EXPECT_TRUE(g.zero_rtt && g.key_update && g.migrate && !g.insecure);
  EXPECT_EQ(g.version, wire::kQuicVersion2);
  EXPECT_EQ(g.common.max_datagram_size, 9000);
  EXPECT_EQ(g.common.cipher_priority, "+CHACHA20-POLY1305:+AES-128-GCM");
  EXPECT_EQ(g.common.cc, transport::CongestionControlAlgorithm::cubic);
  EXPECT_EQ(g.common.engine, io::EngineKind::mmsg);
  EXPECT_TRUE(std::filesystem::is_directory(d.sub("out"))) << "--output is created";
  EXPECT_TRUE(std::filesystem::is_directory(d.sub("q"))) << "--qlog is created";
}

TEST(CommandLine, GetSpeaksHttp3UnlessToldOtherwise) {
  const auto p = parse({"get", "--insecure", "https://localhost:4433/a"});
  ASSERT_EQ(p.outcome, ParseOutcome::run) << p.message;
  EXPECT_EQ(p.cmd.get.common.alpn, (std::vector<std::string>{"h3"}));
  EXPECT_EQ(p.cmd.get.common.max_datagram_size, 1452);
}

TEST(CommandLine, GetErrors) {
  expect_error(parse({"get", "--ca", "/nonexistent/x.pem", "https://h/"}), "tquic get: --ca: cannot read '/nonexistent/x.pem' (No such file or directory); pass a PEM CA file or --insecure", "");
  expect_error(parse({"get"}), "tquic get: no URL given", "https://");
  expect_error(parse({"get", "http://h/"}), "tquic get: URL 'http://h/': only https://", "https://HOST[:PORT]/PATH");
  expect_error(parse({"get", "https://a:1/x", "https://b:1/y"}), "tquic get: URL 'https://b:1/y' names another server", "one HOST:PORT");
  expect_error(parse({"get", "--insecure", "--ca", "/etc/hostname", "https://h/"}), "tquic get: --insecure and --ca", "");
  expect_error(parse({"get", "--0rtt", "https://h/"}), "tquic get: --0rtt needs --session", "");
  expect_error(parse({"get", "--version", "v3", "https://h/"}), "tquic get: --version: unknown QUIC version 'v3'", "v1");
  expect_error(parse({"get", "--ciphers", "rc4", "https://h/"}), "tquic get: --ciphers: unknown cipher 'rc4'", "chacha20");
  expect_error(parse({"get", "--cc", "vegas", "https://h/"}), "tquic get: --cc: unknown congestion controller 'vegas'", "bbr3");
  expect_error(parse({"get", "--engine", "dpdk", "https://h/"}), "tquic get: --engine: unknown I/O engine 'dpdk'", "mmsg");
  expect_error(parse({"get", "--alpn", "h9", "https://h/"}), "tquic get: --alpn: 'h9' is not implemented by this build; use hq-interop or h3", "");
  expect_error(parse({"get", "--output", "/proc/version/x", "https://h/"}), "tquic get: --output: cannot use '/proc/version/x'", "writable directory");
  expect_error(parse({"get", "--max-datagram-size", "1199", "https://h/"}),
               "tquic get: --max-datagram-size: '1199' must be a whole number from 1200 to 65507", "");
  expect_error(parse({"get", "--max-datagram-size", "9k", "https://h/"}), "tquic get: --max-datagram-size: '9k'", "");
  expect_error(parse({"get", "--frobnicate", "https://h/"}), "tquic get: ", "--frobnicate");
  expect_error(parse({"get", "--ca"}), "tquic get: ", "--ca");
}

TEST(CommandLine, ServeOptionsAndErrors) {
  TempDir d;
  const std::string cert = d.file("c.pem", "x"), key = d.file("k.pem", "y");
  auto ok = parse({"serve", "--listen", "127.0.0.1:4433", "--root", d.path, "--cert", cert, "--key", key, "--retry"});
  ASSERT_EQ(ok.outcome, ParseOutcome::run) << ok.message;
  EXPECT_EQ(ok.cmd.serve.listen.port, 4433);
  EXPECT_TRUE(ok.cmd.serve.retry);
  EXPECT_EQ(ok.cmd.serve.common.alpn, (std::vector<std::string>{"hq-interop", "h3"}));

  expect_error(parse({"serve", "--root", d.path}), "tquic serve: --listen is required", "0.0.0.0:4433");
  expect_error(parse({"serve", "--listen", "127.0.0.1:4433"}), "tquic serve: --root is required", "");
  expect_error(parse({"serve", "--listen", "localhost", "--root", d.path}), "tquic serve: --listen: address 'localhost'", "127.0.0.1:4433");
  expect_error(parse({"serve", "--listen", "127.0.0.1:4433", "--root", d.sub("nope")}), "tquic serve: --root: '" + d.sub("nope") + "' is not a directory (No such file or directory)", "");
  expect_error(parse({"serve", "--listen", "127.0.0.1:4433", "--root", cert}), "tquic serve: --root: ", "Not a directory");
  expect_error(parse({"serve", "--listen", "127.0.0.1:4433", "--root", d.path, "--cert", cert}), "tquic serve: --cert needs --key", "");
  expect_error(parse({"serve", "--listen", "127.0.0.1:4433", "--root", d.path, "--cert", d.sub("none"), "--key", key}), "tquic serve: --cert: cannot read", "PEM certificate");
  expect_error(parse({"serve", "--listen", "127.0.0.1:4433", "--root", d.path, "--cert", cert, "--key", d.path}), "tquic serve: --key: cannot read", "Is a directory");
}

TEST(CommandLine, ServeConfigFileFillsWhatTheCommandLineLeavesOut) {
  TempDir d;
  const std::string cfg = d.file("s.toml", "listen = \"127.0.0.1:9000\"\nroot = \"" + d.path +
                                               "\"\nretry = true\nalpn = [\"hq-interop\"]\ncc = \"cubic\"\n");
  auto p = parse({"serve", "--config", cfg, "--cc", "new_reno"});
  ASSERT_EQ(p.outcome, ParseOutcome::run) << p.message;
  EXPECT_EQ(p.cmd.serve.listen.port, 9000);
  EXPECT_EQ(p.cmd.serve.root, d.path);
  EXPECT_TRUE(p.cmd.serve.retry);
  EXPECT_EQ(p.cmd.serve.versions, (std::vector<std::uint32_t>{0x00000001, 0x6b3343cf})) << "the default order";
  EXPECT_EQ(p.cmd.serve.common.cc, transport::CongestionControlAlgorithm::new_reno) << "the command line wins";

  expect_error(parse({"serve", "--config", d.file("a.toml", "listen = \"127.0.0.1:1\"\nport = 4\n")}),
               "tquic serve: --config '", "line 2: unknown key 'port'; use listen, root");
  expect_error(parse({"serve", "--config", d.file("b.toml", "retry = \"yes\"\n")}), "tquic serve: --config '", "line 1: 'retry' must be true or false");
  expect_error(parse({"serve", "--config", d.file("c.toml", "listen = \n")}), "tquic serve: --config '", "line 1: ");
  expect_error(parse({"serve", "--config", d.sub("missing.toml")}), "tquic serve: --config '", "pass a readable TOML file");
  expect_error(parse({"serve", "--config", d.file("e.toml", "[section]\nx = 1\n")}), "tquic serve: --config '", "line 1: 'section' must be");
}

TEST(CommandLine, ServeVersionPreferenceFromTheCommandLineOrTheConfigFile) {
  TempDir d;
  auto p = parse({"serve", "--listen", "127.0.0.1:4433", "--root", d.path, "--versions", "v2,v1"});
  ASSERT_EQ(p.outcome, ParseOutcome::run) << p.message;
  EXPECT_EQ(p.cmd.serve.versions, (std::vector<std::uint32_t>{0x6b3343cf, 0x00000001}));
  const std::string cfg = d.file("v.toml", "listen = \"127.0.0.1:9000\"\nroot = \"" + d.path + "\"\nversions = [\"v2\"]\n");
  p = parse({"serve", "--config", cfg});
  ASSERT_EQ(p.outcome, ParseOutcome::run) << p.message;
  EXPECT_EQ(p.cmd.serve.versions, (std::vector<std::uint32_t>{0x6b3343cf}));
  p = parse({"serve", "--config", cfg, "--versions", "v1"});
  ASSERT_EQ(p.outcome, ParseOutcome::run) << p.message;
  EXPECT_EQ(p.cmd.serve.versions, (std::vector<std::uint32_t>{0x00000001})) << "the command line wins";
  expect_error(parse({"serve", "--listen", "127.0.0.1:4433", "--root", d.path, "--versions", "v2,quic"}),
               "tquic serve: --versions: unknown QUIC version 'quic'", "such as v2,v1)");
  expect_error(parse({"serve", "--config", d.file("w.toml", "versions = [\"v1\", \"v1\"]\n"), "--listen", "127.0.0.1:1",
                      "--root", d.path}),
               "tquic serve: --versions: version 'v1' is listed twice", "v1, v2 once");
}

TEST(CommandLine, DemoDefaultsAndErrors) {
  auto p = parse({"demo"});
  ASSERT_EQ(p.outcome, ParseOutcome::run) << p.message;
  EXPECT_EQ(p.cmd.demo.size, 10'000'000u);
  EXPECT_TRUE(p.cmd.demo.relay);
  EXPECT_EQ(p.cmd.demo.cc, transport::CongestionControlAlgorithm::bbr3);
  p = parse({"demo", "--size", "1.5GB", "--no-relay", "--delay", "5ms", "--loss", "0.5%"});
  ASSERT_EQ(p.outcome, ParseOutcome::run) << p.message;
  EXPECT_EQ(p.cmd.demo.size, 1'500'000'000u);
  EXPECT_FALSE(p.cmd.demo.relay);
  expect_error(parse({"demo", "--size", "ten"}), "tquic demo: --size: size 'ten' must be", "10MB");
  expect_error(parse({"demo", "--delay", "5 parsecs"}), "tquic demo: --delay: '5 parsecs' must be a duration", "20ms");
  expect_error(parse({"demo", "--loss", "150%"}), "tquic demo: --loss: '150%'", "");
}

TEST(CommandLine, HelpAndMissingSubcommand) {
  auto h = parse({"get", "--help"});
  EXPECT_EQ(h.outcome, ParseOutcome::help);
  EXPECT_NE(h.message.find("--key-update"), std::string::npos);
  expect_error(parse({}), "tquic: a subcommand is required: serve, get, demo or perf", "tquic --help");
  expect_error(parse({"fly"}), "tquic: ", "fly");
}

}  // namespace
}  // namespace tquic::apps
