// The HTTP/3 sessions of `tquic` (h3::FileServerApp / h3::FetchApp behind
// the apps' session interfaces) over the in-memory connection pair: 2xx
// bodies reach the sink, other statuses fail the request, and the server's
// counters follow the responder.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "apps/generated_content.h"
#include "apps/h3_client_session.h"
#include "apps/h3_server_session.h"
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

std::unique_ptr<crypto::TlsContext> h3_client_tls() {
  crypto::TlsClientOptions o;
  o.ca_pem = transport::testing::pki().cert.cert_pem;
  o.alpn = {"h3"};
  std::string err;
  return crypto::TlsContext::make_client(o, err);
}

TEST(H3Sessions, FilesAndStatusesThroughTheAppsInterfaces) {
  testing::TempDir root;
  root.file("a.txt", "alpha");
  root.file("big", std::string(200'000, 'q'));
  io::PosixFileSource files;
  std::string err;
  ASSERT_TRUE(io::PosixFileSource::open_root(root.path, files, err)) << err;
  transport::testing::Pipe pipe;
  pipe.ctls = h3_client_tls();
  Sink sink;
  const std::vector<std::string> paths = {"/a.txt", "/big", "/missing", "/../x"};
  H3ClientSession client(sink, ClientRequests{"localhost:443", paths});
  ServerCounters counters;
  H3ServerSession server(ServerContext{&files, &counters});
  ASSERT_TRUE(pipe.handshake());
  ASSERT_EQ(pipe.client->alpn(), "h3");
  std::size_t cs = 0, ss = 0;
  ASSERT_TRUE(pipe.run_until([&] {
    for (; cs < pipe.client_events.size(); ++cs) client.on_event(*pipe.client, pipe.client_events[cs], pipe.now);
    for (; ss < pipe.server_events.size(); ++ss) server.on_event(*pipe.server, pipe.server_events[ss], pipe.now);
    client.poll(*pipe.client, pipe.now);
    server.poll(*pipe.server, pipe.now);
    return sink.complete.size() + sink.failures.size() == paths.size();
  }));
  EXPECT_EQ(sink.bodies[0], "alpha");
  EXPECT_EQ(sink.bodies[1].size(), 200'000u);
  EXPECT_TRUE(sink.complete.count(0) && sink.complete.count(1));
  EXPECT_EQ(sink.failures[2], "HTTP status 404");
  EXPECT_EQ(sink.failures[3], "HTTP status 400");
  EXPECT_EQ(sink.bodies.count(2), 0u) << "the body of an error page is not a file";
  EXPECT_EQ(counters.requests, 4u);
  EXPECT_EQ(counters.responses_completed, 2u);
  EXPECT_EQ(counters.responses_rejected, 2u);
  EXPECT_EQ(counters.body_bytes, 200'005u);
  EXPECT_EQ(server.active_responses(), 0u);
}

}  // namespace
}  // namespace tquic::apps
