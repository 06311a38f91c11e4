// FetchApp (the `tquic get --alpn h3` client) against FileServerApp.
#include "h3/fetch_app.h"

#include <gtest/gtest.h>

#include "h3/file_server_app.h"
#include "h3_session_harness.h"

namespace tquic::h3::test {
namespace {

FetchRequest req(std::string path, std::string method = "GET") {
  FetchRequest r;
  r.path = std::move(path);
  r.method = std::move(method);
  return r;
}

struct CollectingSink final : ResponseSink {
  std::map<std::size_t, std::string> bodies;
  std::map<std::size_t, std::uint16_t> statuses;
  std::vector<std::size_t> completed;
  void on_response(std::size_t index, const ResponseHead& head, std::span<const FieldLine>) override {
    statuses[index] = head.status;
  }
  void on_body(std::size_t index, ByteSpan b) override { bodies[index].append(b.begin(), b.end()); }
  void on_complete(std::size_t index, const FetchResult&) override { completed.push_back(index); }
};

TEST(H3FetchApp, FetchesEveryPathThenClosesCleanly) {
  H3Pipe p;
  MemoryFiles files;
  files.files["a"] = pattern(70'000, 1);
  files.files["b"] = "bee";
  for (int i = 0; i < 40; ++i) files.files["n" + std::to_string(i)] = pattern(1000 + static_cast<std::size_t>(i), i);
  FileServerApp server(files);
  CollectingSink sink;
  std::vector<FetchRequest> requests = {req("/a"), req("/b"), req("/missing"), req("/b", "HEAD")};
  for (int i = 0; i < 40; ++i) requests.push_back(req("/n" + std::to_string(i)));
  FetchOptions options;
  options.authority = "localhost:443";
  options.max_concurrent = 8;
  FetchApp app(requests, sink, options);
  p.attach_server_app(server);
  p.attach_client_app(app);
  ASSERT_TRUE(p.handshake());
  std::size_t most_active = 0;
  ASSERT_TRUE(p.run_until([&] {
    most_active = std::max(most_active, app.session().active_streams());
    return app.done() && p.server_closed();
  }));
  EXPECT_LE(most_active, 8u);
  EXPECT_GT(most_active, 1u);
  EXPECT_EQ(sink.completed.size(), requests.size());
  EXPECT_EQ(sink.bodies[0], files.files["a"]);
  EXPECT_EQ(sink.bodies[1], "bee");
  EXPECT_EQ(sink.statuses[2], 404);
  EXPECT_EQ(sink.statuses[3], 200);
  EXPECT_TRUE(sink.bodies[3].empty());
  for (std::size_t i = 0; i < 40; ++i) EXPECT_EQ(sink.bodies[4 + i], files.files["n" + std::to_string(i)]) << i;
  for (const FetchResult& r : app.results()) EXPECT_TRUE(r.complete);
  EXPECT_EQ(app.results()[0].body_bytes, 70'000u);
  EXPECT_EQ(server.session().stats().requests_received, requests.size());
  EXPECT_TRUE(p.server().close_info().by_peer);
  EXPECT_EQ(p.server().close_info().error_code, code(H3Error::H3_NO_ERROR));
}

// More requests than the server's initial stream limit (128): finished
// streams must be released so the transport grants new stream credit.
TEST(H3FetchApp, ManyMoreRequestsThanTheStreamLimit) {
  H3Pipe p;
  MemoryFiles files;
  files.files["tiny"] = "t";
  FileServerApp server(files);
  CollectingSink sink;
  std::vector<FetchRequest> requests(400, req("/tiny"));
  FetchOptions options;
  options.authority = "localhost";
  options.max_concurrent = 64;
  FetchApp app(requests, sink, options);
  p.attach_server_app(server);
  p.attach_client_app(app);
  ASSERT_TRUE(p.handshake());
  ASSERT_TRUE(p.run_until([&] { return app.done(); }, 60s));
  for (const FetchResult& r : app.results()) {
    EXPECT_TRUE(r.complete);
    EXPECT_EQ(r.body_bytes, 1u);
  }
  EXPECT_EQ(server.session().stats().requests_received, 400u);
}

TEST(H3FetchApp, ConnectionLossFailsWhatIsLeft) {
  H3Pipe p;
  MemoryFiles files;
  files.files["big"] = pattern(4 << 20);
  FileServerApp server(files);
  CollectingSink sink;
  FetchOptions options;
  options.authority = "localhost";
  options.max_concurrent = 1;
  FetchApp app({req("/big"), req("/big")}, sink, options);
  p.attach_server_app(server);
  p.attach_client_app(app);
  ASSERT_TRUE(p.handshake());
  ASSERT_TRUE(p.run_until([&] { return app.results()[0].body_bytes > 0; }));
  server.session().close(p.server(), H3Error::H3_EXCESSIVE_LOAD, "going away", p.now());
  ASSERT_TRUE(p.run_until([&] { return app.done(); }));
  EXPECT_FALSE(app.results()[0].complete);
  EXPECT_EQ(app.results()[0].error_code, code(H3Error::H3_EXCESSIVE_LOAD));
  EXPECT_FALSE(app.results()[1].complete);
  EXPECT_STREQ(app.results()[1].error, "connection closed before the request was sent");
}

}  // namespace
}  // namespace tquic::h3::test
