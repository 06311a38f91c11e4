// HTTP/3 requests and responses between a client Session and the file
// server (FileServerApp) over real in-memory QUIC connections.
#include "h3/session.h"

#include <gtest/gtest.h>

#include "h3/file_server_app.h"
#include "h3_session_harness.h"

namespace tquic::h3::test {
namespace {

struct FileServerFixture : ::testing::Test {
  H3Pipe p;
  MemoryFiles files;
  SessionConfig server_config;
  SessionConfig client_config;
  std::unique_ptr<FileServerApp> server;
  std::unique_ptr<RecordingSide> client;

  void SetUp() override {
    files.files["index.html"] = "<h1>hello</h1>";
    files.files["empty"] = "";
    files.files["one"] = "x";
    files.files["big.bin"] = pattern(1 << 20);
    files.files["dir/fifty"] = pattern(50, 3);
  }

  void start() {
    server = std::make_unique<FileServerApp>(files, server_config);
    client = std::make_unique<RecordingSide>(wire::Role::client, client_config);
    p.attach_server_app(*server);
    p.attach_client(*client);
    ASSERT_TRUE(p.handshake());
    ASSERT_TRUE(p.run_until([&] { return client->session.peer_settings_received(); }));
  }

  StreamId get(std::string_view path, std::string_view method = "GET",
               std::vector<FieldLine> headers = {}) {
    RequestSpec r;
    r.method = method;
    r.authority = "localhost";
    r.path = path;
    r.headers = headers;
    auto id = client->session.submit_request(p.client(), r, true, p.now());
    EXPECT_TRUE(id) << id.error().reason;
    return id ? *id : 0;
  }

  const Exchange& fetch(std::string_view path, std::string_view method = "GET",
                        std::vector<FieldLine> headers = {}) {
    const StreamId id = get(path, method, headers);
    EXPECT_TRUE(p.run_until([&] { return client->exchanges[id].ended(); }));
    return client->exchanges[id];
  }
};

TEST_F(FileServerFixture, SettingsAreExchangedAndGreaseIgnored) {
  start();
  const Settings& s = client->session.peer_settings();
  EXPECT_EQ(s.qpack_max_table_capacity, 4096u);
  EXPECT_EQ(s.qpack_blocked_streams, 16u);
  EXPECT_EQ(s.max_field_section_size, 64u * 1024);
  EXPECT_TRUE(s.h3_datagram);
  EXPECT_FALSE(s.enable_connect_protocol);
  EXPECT_TRUE(p.run_until([&] { return server->session().peer_settings_received(); }));
  EXPECT_TRUE(server->session().datagrams_enabled());
  EXPECT_TRUE(client->session.datagrams_enabled());
  EXPECT_EQ(client->count(SessionEventType::settings), 1u);
  EXPECT_TRUE(client->session.started());
  EXPECT_TRUE(server->session().started());
}

TEST_F(FileServerFixture, GetsEmptyOneByteAndOneMegabyteFiles) {
  start();
  const Exchange& empty = fetch("/empty");
  EXPECT_EQ(empty.status, 200);
  EXPECT_EQ(empty.header("content-length"), "0");
  EXPECT_TRUE(empty.finished);
  EXPECT_EQ(empty.body, "");
  const Exchange& one = fetch("/one");
  EXPECT_EQ(one.status, 200);
  EXPECT_EQ(one.header("content-length"), "1");
  EXPECT_EQ(one.body, "x");
  const Exchange& big = fetch("/big.bin");
  EXPECT_EQ(big.status, 200);
  EXPECT_EQ(big.header("content-length"), std::to_string(1 << 20));
  EXPECT_EQ(big.header("accept-ranges"), "bytes");
  EXPECT_TRUE(big.finished);
  EXPECT_EQ(big.body.size(), std::size_t{1} << 20);
  EXPECT_TRUE(big.body == files.files["big.bin"]);
  EXPECT_EQ(files.open_handles(), 0u);
  EXPECT_EQ(server->responder().stats().files_completed, 2u);  // "empty" needs no body
  EXPECT_FALSE(p.client_closed());
}

TEST_F(FileServerFixture, RootAndDirectoryMapToIndex) {
  files.files["dir/index.html"] = "dir index";
  start();
  EXPECT_EQ(fetch("/").body, "<h1>hello</h1>");
  EXPECT_EQ(fetch("/dir/").body, "dir index");
  EXPECT_EQ(fetch("/dir/fifty?query=1#frag").body, files.files["dir/fifty"]);
}

TEST_F(FileServerFixture, HeadSendsTheHeadersOfGetWithoutContent) {
  start();
  const Exchange& x = fetch("/big.bin", "HEAD");
  EXPECT_EQ(x.status, 200);
  EXPECT_EQ(x.header("content-length"), std::to_string(1 << 20));
  EXPECT_TRUE(x.finished);
  EXPECT_TRUE(x.body.empty());
  EXPECT_EQ(files.open_handles(), 0u);
}

TEST_F(FileServerFixture, ErrorStatuses) {
  files.failures["secret"] = FileStatus::forbidden;
  files.failures["broken"] = FileStatus::io_error;
  files.failures["adir"] = FileStatus::not_regular;
  start();
  EXPECT_EQ(fetch("/missing").status, 404);
  EXPECT_EQ(fetch("/adir").status, 404);
  EXPECT_EQ(fetch("/secret").status, 403);
  EXPECT_EQ(fetch("/broken").status, 500);
  const Exchange& post = fetch("/index.html", "POST");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("allow"), "GET, HEAD");
  EXPECT_EQ(post.header("content-length"), "0");
  EXPECT_TRUE(post.finished);
  for (const char* bad : {"/../index.html", "/a/../../index.html", "/%2e%2e/index.html", "/%2E%2e/x",
                          "/a%00b", "/a%2fb", "/a%5cb", "/a\\b", "/c:/x", "/%zz"}) {
    const Exchange& x = fetch(bad);
    EXPECT_EQ(x.status, 400) << bad;
    EXPECT_TRUE(x.finished) << bad;
  }
  EXPECT_EQ(fetch("/" + std::string(5000, 'a')).status, 414);
  // None of them reached the file source with a path outside the root.
  for (const std::string& path : files.opened_paths) EXPECT_EQ(path.find(".."), std::string::npos) << path;
  EXPECT_FALSE(p.client_closed());
}

TEST_F(FileServerFixture, RequestContentIsDiscardedAndTheAnswerStands) {
  start();
  RequestSpec r;
  r.method = "POST";
  r.authority = "localhost";
  r.path = "/upload";
  auto id = client->session.submit_request(p.client(), r, false, p.now());
  ASSERT_TRUE(id);
  const std::string body = pattern(200'000, 9);
  std::size_t sent = 0;
  ASSERT_TRUE(p.run_until([&] {
    if (sent < body.size()) {
      auto n = client->session.send_body(p.client(), *id, bytes(body).subspan(sent), true);
      EXPECT_TRUE(n);
      if (n) sent += *n;
    }
    return client->exchanges[*id].ended();
  }));
  EXPECT_EQ(client->exchanges[*id].status, 405);
  EXPECT_EQ(sent, body.size());
}

TEST_F(FileServerFixture, SingleByteRanges) {
  start();
  const std::string& fifty = files.files["dir/fifty"];
  const Exchange& mid = fetch("/dir/fifty", "GET", {{"range", "bytes=10-19"}});
  EXPECT_EQ(mid.status, 206);
  EXPECT_EQ(mid.header("content-range"), "bytes 10-19/50");
  EXPECT_EQ(mid.header("content-length"), "10");
  EXPECT_EQ(mid.body, fifty.substr(10, 10));
  const Exchange& suffix = fetch("/dir/fifty", "GET", {{"range", "bytes=-5"}});
  EXPECT_EQ(suffix.status, 206);
  EXPECT_EQ(suffix.header("content-range"), "bytes 45-49/50");
  EXPECT_EQ(suffix.body, fifty.substr(45));
  const Exchange& open_end = fetch("/dir/fifty", "GET", {{"range", "bytes=40-"}});
  EXPECT_EQ(open_end.body, fifty.substr(40));
  const Exchange& past_end = fetch("/dir/fifty", "GET", {{"range", "bytes=45-1000"}});
  EXPECT_EQ(past_end.header("content-range"), "bytes 45-49/50");
  const Exchange& bad = fetch("/dir/fifty", "GET", {{"range", "bytes=50-60"}});
  EXPECT_EQ(bad.status, 416);
  EXPECT_EQ(bad.header("content-range"), "bytes */50");
  EXPECT_TRUE(bad.body.empty());
  const Exchange& several = fetch("/dir/fifty", "GET", {{"range", "bytes=0-1,5-6"}});
  EXPECT_EQ(several.status, 200);
  EXPECT_EQ(several.body, fifty);
  const Exchange& big = fetch("/big.bin", "GET", {{"range", "bytes=100000-899999"}});
  EXPECT_EQ(big.status, 206);
  EXPECT_TRUE(big.body == files.files["big.bin"].substr(100000, 800000));
  const Exchange& head = fetch("/dir/fifty", "HEAD", {{"range", "bytes=0-9"}});
  EXPECT_EQ(head.status, 206);
  EXPECT_EQ(head.header("content-length"), "10");
  EXPECT_TRUE(head.body.empty());
}

TEST_F(FileServerFixture, ManyParallelRequests) {
  for (int i = 0; i < 100; ++i) files.files["f" + std::to_string(i)] = pattern(static_cast<std::size_t>(i) * 997, i);
  start();
  std::vector<StreamId> ids;
  for (int i = 0; i < 100; ++i) ids.push_back(get("/f" + std::to_string(i)));
  ASSERT_TRUE(p.run_until([&] {
    return std::all_of(ids.begin(), ids.end(), [&](StreamId id) { return client->exchanges[id].ended(); });
  }, 60s));
  for (int i = 0; i < 100; ++i) {
    const Exchange& x = client->exchanges[ids[static_cast<std::size_t>(i)]];
    EXPECT_EQ(x.status, 200) << i;
    EXPECT_TRUE(x.finished) << i;
    EXPECT_TRUE(x.body == files.files["f" + std::to_string(i)]) << i;
  }
  EXPECT_EQ(server->session().stats().requests_received, 100u);
  // Every stream record is released once its events were read.
  p.run_for(100ms);
  EXPECT_EQ(server->session().active_streams(), 0u);
  EXPECT_EQ(client->session.active_streams(), 0u);
}

TEST_F(FileServerFixture, ClientCancelStopsOnlyThatTransfer) {
  files.files["huge"] = pattern(8 << 20);
  start();
  client->read_bodies = false;  // let the server fill the stream
  const StreamId big = get("/huge");
  ASSERT_TRUE(p.run_until([&] { return client->exchanges[big].status == 200; }));
  ASSERT_TRUE(client->session.cancel(p.client(), big, H3Error::H3_REQUEST_CANCELLED, p.now()));
  client->read_bodies = true;
  ASSERT_TRUE(p.run_until([&] { return server->responder().active_transfers() == 0; }));
  EXPECT_EQ(server->responder().stats().transfers_aborted, 1u);
  EXPECT_EQ(files.open_handles(), 0u);
  const Exchange& other = fetch("/one");
  EXPECT_EQ(other.body, "x");
  EXPECT_FALSE(p.client_closed());
}

TEST_F(FileServerFixture, FileThatShrinksIsResetNotTruncatedSilently) {
  files.files["shrinks"] = pattern(100'000);
  files.truncated = "shrinks";
  files.truncate_at = 30'000;
  start();
  const Exchange& x = fetch("/shrinks");
  // The reset discards whatever was still buffered, the header section
  // included: the client must not mistake a prefix for the file.
  EXPECT_TRUE(x.reset);
  EXPECT_TRUE(x.reset_by_peer);
  EXPECT_LT(x.body.size(), 100'000u);
  EXPECT_EQ(x.reset_code, code(H3Error::H3_INTERNAL_ERROR));
  EXPECT_FALSE(x.finished);
  EXPECT_EQ(files.open_handles(), 0u);
}

TEST_F(FileServerFixture, GracefulShutdownFinishesAcceptedRequests) {
  files.files["large"] = pattern(2 << 20);
  start();
  const StreamId first = get("/large");
  ASSERT_TRUE(p.run_until([&] { return server->session().stats().requests_received == 1; }));
  server->shutdown(p.server(), p.now());
  EXPECT_EQ(server->session().goaway_sent_id(), first + 4);
  // Sent before the GOAWAY arrives: the server will not process it.
  const StreamId late = get("/one");
  ASSERT_TRUE(p.run_until([&] { return p.client_closed(); }, 60s));
  const Exchange& a = client->exchanges[first];
  EXPECT_EQ(a.status, 200);
  EXPECT_TRUE(a.finished);
  EXPECT_TRUE(a.body == files.files["large"]);
  const Exchange& b = client->exchanges[late];
  EXPECT_TRUE(b.reset);
  EXPECT_EQ(b.reset_code, code(H3Error::H3_REQUEST_REJECTED));
  EXPECT_EQ(client->count(SessionEventType::goaway), 1u);
  EXPECT_EQ(client->session.peer_goaway_id(), first + 4);
  const transport::CloseInfo& ci = p.client().close_info();
  EXPECT_TRUE(ci.by_peer);
  EXPECT_TRUE(ci.is_application);
  EXPECT_EQ(ci.error_code, code(H3Error::H3_NO_ERROR));
  EXPECT_EQ(client->count(SessionEventType::closed), 1u);
  // No new request after GOAWAY.
  RequestSpec r;
  r.authority = "localhost";
  EXPECT_FALSE(client->session.submit_request(p.client(), r, true, p.now()));
}

TEST_F(FileServerFixture, ShutdownWithNothingInFlightClosesPromptly) {
  start();
  EXPECT_EQ(fetch("/one").body, "x");
  server->shutdown(p.server(), p.now());
  EXPECT_EQ(server->session().goaway_sent_id(), 4u);
  ASSERT_TRUE(p.run_until([&] { return p.client_closed(); }, 5s));
  EXPECT_EQ(p.client().close_info().error_code, code(H3Error::H3_NO_ERROR));
  EXPECT_EQ(client->count(SessionEventType::goaway), 1u);  // GOAWAY arrived before the close
}

TEST_F(FileServerFixture, ClientShutdownClosesAfterItsRequests) {
  start();
  const StreamId id = get("/big.bin");
  client->session.shutdown(p.client(), p.now());
  EXPECT_EQ(client->session.goaway_sent_id(), 0u);
  ASSERT_TRUE(p.run_until([&] { return p.server_closed(); }, 30s));
  EXPECT_TRUE(client->exchanges[id].finished);
  EXPECT_EQ(p.server().close_info().error_code, code(H3Error::H3_NO_ERROR));
  EXPECT_EQ(server->session().peer_goaway_id(), 0u);
}

TEST_F(FileServerFixture, RequestsWithTheDynamicTable) {
  client_config.encoder_max_table_capacity = 4096;
  client_config.encoder_insert_policy = qpack::InsertPolicy::always;
  start();
  std::vector<StreamId> ids;
  for (int i = 0; i < 20; ++i)
    ids.push_back(get("/index.html", "GET", {{"user-agent", "tquic-test/1.0"}, {"x-trace", "abcdef"}}));
  ASSERT_TRUE(p.run_until([&] {
    return std::all_of(ids.begin(), ids.end(), [&](StreamId id) { return client->exchanges[id].finished; });
  }));
  for (StreamId id : ids) EXPECT_EQ(client->exchanges[id].body, "<h1>hello</h1>");
  const qpack::Decoder& dec = server->session().qpack_decoder();
  const qpack::Encoder& enc = client->session.qpack_encoder();
  EXPECT_GT(dec.insert_count(), 0u);
  EXPECT_EQ(enc.insert_count(), dec.insert_count());
  // Section Acknowledgments and Insert Count Increments came back.
  ASSERT_TRUE(p.run_until([&] { return enc.known_received_count() == enc.insert_count(); }));
  EXPECT_EQ(enc.unacknowledged_sections(), 0u);
}

// A send buffer of a few kilobytes: send_body() keeps taking part of what
// it is offered, DATA frame headers get split, and `writable` drives the
// rest; the bytes must still arrive exactly.
struct TinySendBuffer : FileServerFixture {
  TinySendBuffer() {
    transport::ConnectionConfig cfg = h3_connection_config();
    cfg.max_send_buffer_per_stream = 2500;
    p.configure(cfg);
  }
};

TEST_F(TinySendBuffer, LargeFilesArriveIntactUnderBackpressure) {
  files.files["odd"] = pattern(300'001, 5);
  start();
  const Exchange& big = fetch("/big.bin");
  EXPECT_EQ(big.status, 200);
  EXPECT_TRUE(big.body == files.files["big.bin"]);
  std::vector<StreamId> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(get("/odd"));
  ASSERT_TRUE(p.run_until([&] {
    return std::all_of(ids.begin(), ids.end(), [&](StreamId id) { return client->exchanges[id].ended(); });
  }));
  for (StreamId id : ids) EXPECT_TRUE(client->exchanges[id].body == files.files["odd"]);
  EXPECT_GT(client->count(SessionEventType::data), 10u);
  EXPECT_EQ(files.open_handles(), 0u);
}

TEST_F(TinySendBuffer, ClientUploadUnderBackpressure) {
  // A server that keeps the request content and answers once it is complete.
  RecordingSide upload_server(wire::Role::server);
  upload_server.on_event = [&](Connection& c, const SessionEvent& ev, Timestamp) {
    if (ev.type == SessionEventType::finished) {
      EXPECT_TRUE(upload_server.session.send_response(c, ev.stream_id, 201, {}, true));
    }
  };
  client = std::make_unique<RecordingSide>(wire::Role::client);
  p.attach_server(upload_server);
  p.attach_client(*client);
  ASSERT_TRUE(p.handshake());
  RequestSpec r;
  r.method = "PUT";
  r.authority = "localhost";
  r.path = "/upload";
  auto id = client->session.submit_request(p.client(), r, false, p.now());
  ASSERT_TRUE(id);
  const std::string body = pattern(100'000, 11);
  std::size_t sent = 0;
  std::size_t partial = 0;
  ASSERT_TRUE(p.run_until([&] {
    if (sent < body.size()) {
      // Offer up to 7000 bytes at a time, as a reader of a file would.
      const std::size_t n = std::min<std::size_t>(7000, body.size() - sent);
      auto taken = client->session.send_body(p.client(), *id, bytes(body).subspan(sent, n), sent + n == body.size());
      EXPECT_TRUE(taken) << taken.error().reason;
      if (taken) {
        if (*taken < n) ++partial;
        sent += *taken;
      }
    }
    return client->exchanges[*id].ended();
  }));
  EXPECT_GT(partial, 0u);
  EXPECT_EQ(client->exchanges[*id].status, 201);
  EXPECT_TRUE(upload_server.exchanges[*id].finished);
  EXPECT_TRUE(upload_server.exchanges[*id].body == body);
}

}  // namespace
}  // namespace tquic::h3::test
