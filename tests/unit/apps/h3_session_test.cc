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
#include "h3/settings.h"
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
  H3ClientSession client(sink, ClientRequests{"localhost:443", paths, {}});
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

// Both sessions of one connection pair, fed every event and polled after
// each step, as the apps' event loop does.
struct Sessions {
  transport::testing::Pipe& pipe;
  ClientSession& client;
  ServerSession& server;
  std::size_t cs = 0, ss = 0;

  void turn() {
    for (; cs < pipe.client_events.size(); ++cs) client.on_event(*pipe.client, pipe.client_events[cs], pipe.now);
    client.poll(*pipe.client, pipe.now);
    if (!pipe.server) return;
    for (; ss < pipe.server_events.size(); ++ss) server.on_event(*pipe.server, pipe.server_events[ss], pipe.now);
    server.poll(*pipe.server, pipe.now);
  }
};

struct Ticket {
  std::vector<std::uint8_t> ticket, params, settings;
  std::unique_ptr<crypto::TlsContext> server_tls;  // the server that issued it
};

// A first h3 connection that fetches one file and keeps its ticket, its
// transport parameters and the server's SETTINGS, as `tquic get --session` does.
Ticket first_connection(io::PosixFileSource& files) {
  transport::testing::Pipe pipe;
  pipe.ctls = h3_client_tls();
  Sink sink;
  H3ClientSession client(sink, ClientRequests{"localhost:443", {"/a.txt"}, {}});
  ServerCounters counters;
  H3ServerSession server(ServerContext{&files, &counters});
  Sessions run{pipe, client, server};
  pipe.start_client();
  EXPECT_TRUE(pipe.run_until([&] {
    run.turn();
    return sink.complete.size() == 1 && !pipe.client->session_ticket().empty() && !client.settings_to_remember().empty();
  }));
  return Ticket{pipe.client->session_ticket(), pipe.client->session_params(), client.settings_to_remember(),
                std::move(pipe.stls)};
}

struct ZeroRtt : ::testing::Test {
  testing::TempDir root;
  io::PosixFileSource files;
  Ticket ticket;
  transport::testing::Pipe pipe;
  Sink sink;
  ServerCounters counters;
  std::unique_ptr<H3ClientSession> client;
  std::unique_ptr<H3ServerSession> server;

  void SetUp() override {
    root.file("a.txt", "alpha");
    root.file("big", std::string(300'000, 'z'));
    std::string err;
    ASSERT_TRUE(io::PosixFileSource::open_root(root.path, files, err)) << err;
    ticket = first_connection(files);
    ASSERT_FALSE(ticket.ticket.empty());
    pipe.ctls = h3_client_tls();
    server = std::make_unique<H3ServerSession>(ServerContext{&files, &counters});
  }

  // Resumes with the ticket; the session starts before any packet left.
  void resume(std::vector<std::uint8_t> settings) {
    transport::ClientOptions o;
    o.session_ticket = ticket.ticket;
    o.remembered_params = ticket.params;
    pipe.start_client(std::move(o));
    client = std::make_unique<H3ClientSession>(sink, ClientRequests{"localhost:443", {"/a.txt", "/big"}, std::move(settings)});
    ASSERT_TRUE(pipe.client->early_data_available());
    client->poll(*pipe.client, pipe.now);
  }
};

TEST_F(ZeroRtt, RequestsLeaveInZeroRttUnderTheRememberedSettings) {
  ASSERT_TRUE(h3::parse_settings_payload(ticket.settings));
  pipe.stls = std::move(ticket.server_tls);  // the same server: it can open the ticket
  resume(ticket.settings);
  Sessions run{pipe, *client, *server};
  bool served_early = false;  // the server had a request before the client's handshake completed
  ASSERT_TRUE(pipe.run_until([&] {
    run.turn();
    served_early = served_early || (counters.requests > 0 && !pipe.client->is_established());
    return sink.complete.size() + sink.failures.size() == 2;
  }));
  EXPECT_TRUE(served_early) << "the requests waited for the handshake";
  EXPECT_EQ(counters.requests, 2u);
  EXPECT_EQ(sink.bodies[0], "alpha");
  EXPECT_EQ(sink.bodies[1].size(), 300'000u);
  EXPECT_TRUE(sink.failures.empty());
  EXPECT_TRUE(pipe.client->is_resumed());
  EXPECT_TRUE(pipe.client->early_data_accepted());
  EXPECT_TRUE(pipe.server->early_data_accepted());
}

TEST_F(ZeroRtt, RejectedZeroRttRequestsAreSentAgainIn1Rtt) {
  // A server that cannot open the ticket (another ticket key): full
  // handshake, 0-RTT rejected, the transport resends what it carried.
  resume(ticket.settings);
  Sessions run{pipe, *client, *server};
  ASSERT_TRUE(pipe.run_until([&] {
    run.turn();
    return sink.complete.size() + sink.failures.size() == 2;
  }));
  EXPECT_TRUE(sink.failures.empty()) << sink.failures.begin()->second;
  EXPECT_EQ(sink.bodies[0], "alpha");
  EXPECT_EQ(sink.bodies[1].size(), 300'000u);
  EXPECT_FALSE(pipe.client->is_resumed());
  EXPECT_FALSE(pipe.client->early_data_accepted());
  EXPECT_EQ(counters.requests, 2u);
}

TEST_F(ZeroRtt, ServerSettingsBelowTheRememberedOnesAreASettingsError) {
  // The client remembers a larger field section limit than the server has
  // (RFC 9114 §7.2.4.2: after accepted 0-RTT it must not shrink).
  auto remembered = h3::parse_settings_payload(ticket.settings);
  ASSERT_TRUE(remembered);
  remembered->max_field_section_size *= 4;
  std::uint8_t buf[64];
  ByteWriter w(buf);
  ASSERT_TRUE(h3::write_settings_payload(w, *remembered));
  pipe.stls = std::move(ticket.server_tls);
  resume(std::vector<std::uint8_t>(w.data().begin(), w.data().end()));
  Sessions run{pipe, *client, *server};
  ASSERT_TRUE(pipe.run_until([&] {
    run.turn();
    return pipe.client->close_info().closed;
  }));
  EXPECT_TRUE(pipe.client->early_data_accepted());
  EXPECT_TRUE(pipe.client->close_info().is_application);
  EXPECT_EQ(pipe.client->close_info().error_code, 0x0109u) << pipe.client->close_info().reason;
}

}  // namespace
}  // namespace tquic::apps
