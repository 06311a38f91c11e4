// hq-interop sessions end to end over an in-memory connection pair (virtual
// time, tests/unit/transport/conn_test_harness.h): files served from a
// directory, parallel requests, empty files, refusals as RESET_STREAM,
// nothing outside the root (symbolic links included).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "apps/generated_content.h"
#include "apps/hq_client_session.h"
#include "apps/hq_server_session.h"
#include "apps_test_util.h"
#include "io/posix_file_source.h"
#include "unit/transport/conn_test_harness.h"

namespace tquic::apps {
namespace {

struct Sink final : ResponseSink {
  std::map<std::size_t, std::string> bodies;
  std::map<std::size_t, std::string> failures;
  std::set<std::size_t> complete;
  void on_body(std::size_t r, ByteSpan d) override { bodies[r].append(reinterpret_cast<const char*>(d.data()), d.size()); }
  void on_complete(std::size_t r) override { complete.insert(r); }
  void on_failed(std::size_t r, const std::string& why) override { failures[r] = why; }
};

struct Exchange {
  transport::testing::Pipe pipe;
  Sink sink;
  std::unique_ptr<HqClientSession> client;
  ServerCounters counters;
  std::unique_ptr<HqServerSession> server;
  std::size_t client_seen = 0, server_seen = 0;

  Exchange(FileSource& files, std::vector<std::string> paths)
      : client(std::make_unique<HqClientSession>(sink, ClientRequests{"h", std::move(paths), {}})),
        server(std::make_unique<HqServerSession>(ServerContext{&files, &counters})) {}

  // Hands new events to the sessions and polls them (what ServerApp/GetApp do).
  void dispatch() {
    for (; client_seen < pipe.client_events.size(); ++client_seen)
      client->on_event(*pipe.client, pipe.client_events[client_seen], pipe.now);
    for (; pipe.server && server_seen < pipe.server_events.size(); ++server_seen)
      server->on_event(*pipe.server, pipe.server_events[server_seen], pipe.now);
    client->poll(*pipe.client, pipe.now);
  }
  bool run(std::size_t requests) {
    return pipe.run_until([&] {
      dispatch();
      return sink.complete.size() + sink.failures.size() == requests;
    });
  }
};

TEST(HqSessions, ParallelFilesEmptyFileAndRefusals) {
  testing::TempDir root;
  root.file("a.txt", "alpha");
  root.file("empty", "");
  root.file("sub/big.bin", std::string(300'000, 'b'));
  testing::TempDir outside;
  outside.file("secret", "not to be served");
  std::filesystem::create_symlink(outside.sub("secret"), root.sub("link"));
  std::string err;
  io::PosixFileSource files;
  ASSERT_TRUE(io::PosixFileSource::open_root(root.path, files, err)) << err;
  const std::vector<std::string> paths = {"/a.txt",           "/empty", "/sub/big.bin", "/missing",
                                          "/../etc/passwd",   "/sub/",  "/sub/%2e%2e/a.txt", "/link"};
  Exchange x(files, paths);
  ASSERT_TRUE(x.pipe.handshake());
  ASSERT_TRUE(x.run(paths.size()));
  EXPECT_EQ(x.sink.bodies[0], "alpha");
  EXPECT_TRUE(x.sink.complete.count(1));
  EXPECT_EQ(x.sink.bodies[1], "");
  EXPECT_EQ(x.sink.bodies[2], std::string(300'000, 'b'));
  for (std::size_t i : {3u, 4u, 5u, 7u}) {
    ASSERT_TRUE(x.sink.failures.count(i)) << paths[i];
    EXPECT_NE(x.sink.failures[i].find("0x10b (H3_REQUEST_REJECTED"), std::string::npos) << x.sink.failures[i];
  }
  EXPECT_TRUE(x.sink.complete.count(6)) << "%2e%2e is decoded and stays inside the root";
  EXPECT_EQ(x.sink.bodies[6], "alpha");
  EXPECT_EQ(x.counters.requests, paths.size());
  EXPECT_EQ(x.counters.responses_completed, 4u);
  EXPECT_EQ(x.counters.responses_rejected, 4u);
  EXPECT_EQ(x.counters.body_bytes, 5u + 300'000u + 5u);
  EXPECT_EQ(x.server->active_responses(), 0u);
  EXPECT_EQ(files.open_files(), 0u) << "every file handle was given back";
}

TEST(HqSessions, LargeBodyFlowsThroughBackpressureUnderLoss) {
  GeneratedFiles content(3'000'000);
  Exchange x(content, {"/any"});
  x.pipe.loss = 0.02;
  ASSERT_TRUE(x.pipe.handshake());
  ASSERT_TRUE(x.run(1));
  ASSERT_TRUE(x.sink.complete.count(0));
  const std::string& got = x.sink.bodies[0];
  ASSERT_EQ(got.size(), 3'000'000u);
  for (std::size_t i = 0; i < got.size(); i += 4099) ASSERT_EQ(static_cast<std::uint8_t>(got[i]), generated_byte(i)) << i;
}

TEST(HqSessions, MalformedRequestLineIsRefusedAsBadRequest) {
  GeneratedFiles content(10);
  Exchange x(content, {});
  ASSERT_TRUE(x.pipe.handshake());
  auto id = x.pipe.client->open_stream(true);
  ASSERT_TRUE(id);
  const std::string junk = "PUT /x\r\n";
  ASSERT_TRUE(x.pipe.client->stream_write(*id, ByteSpan(reinterpret_cast<const std::uint8_t*>(junk.data()), junk.size()), true));
  ASSERT_TRUE(x.pipe.run_until([&] {
    x.dispatch();
    for (const auto& e : x.pipe.client_events)
      if (e.type == transport::ConnectionEventType::stream_reset && e.stream_id == *id) return e.error_code == kHqBadRequest;
    return false;
  }));
  EXPECT_EQ(x.counters.responses_rejected, 1u);
  EXPECT_EQ(describe_hq_reset(kHqBadRequest), "server reset the stream with 0x10e (H3_MESSAGE_ERROR: the server could not parse the request)");
}

}  // namespace
}  // namespace tquic::apps
