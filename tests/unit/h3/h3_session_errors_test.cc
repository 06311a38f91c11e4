// A Session facing a peer that writes raw bytes on the connection's
// streams: critical streams, unknown streams, push, misbehaving requests,
// and which errors end one stream versus the whole connection.
#include <gtest/gtest.h>

#include "h3/file_server_app.h"
#include "h3/session.h"
#include "h3_session_harness.h"

namespace tquic::h3::test {
namespace {

constexpr std::uint64_t kReservedStreamType = 0x21 + 0x1f * 3;

// A real server (FileServerApp) and a raw client.
struct RawClient : ::testing::Test {
  H3Pipe p;
  MemoryFiles files;
  std::unique_ptr<FileServerApp> server;

  void SetUp() override {
    files.files["hello"] = "hello world";
    server = std::make_unique<FileServerApp>(files);
    p.attach_server_app(*server);
    ASSERT_TRUE(p.handshake());
  }

  // The client's control stream with SETTINGS (and the QPACK streams).
  void open_critical_streams() {
    control = raw_uni(p.client(), to_wire(UniStreamType::control), settings_frame());
    encoder = raw_uni(p.client(), to_wire(UniStreamType::qpack_encoder));
    decoder = raw_uni(p.client(), to_wire(UniStreamType::qpack_decoder));
  }

  StreamId request(const std::vector<std::uint8_t>& bytes, bool fin = true) {
    const StreamId id = raw_open(p.client(), true);
    raw_write(p.client(), id, bytes, fin);
    return id;
  }

  // Waits for the server to close and returns its close code.
  std::uint64_t server_close_code() {
    EXPECT_TRUE(p.run_until([&] { return p.server_closed(); }));
    EXPECT_TRUE(p.server().close_info().is_application);
    EXPECT_FALSE(p.server().close_info().by_peer);
    return p.server().close_info().error_code;
  }

  bool client_saw_reset(StreamId id, H3Error e) {
    return p.run_until([&] { return saw(p.client_seen, ConnectionEventType::stream_reset, id, code(e)); });
  }

  // A complete valid GET on a new stream; returns the raw response bytes.
  std::string good_exchange() {
    const StreamId id = request(headers_frame(encode_section(get_request("/hello"))));
    std::string got;
    EXPECT_TRUE(p.run_until([&] {
      got += raw_read(p.client(), id);
      return p.client().stream_fin_received(id);
    }));
    return got;
  }

  StreamId control = 0, encoder = 0, decoder = 0;
};

TEST_F(RawClient, ValidRawRequestIsAnswered) {
  open_critical_streams();
  const std::string got = good_exchange();
  EXPECT_NE(got.find("hello world"), std::string::npos);
  EXPECT_FALSE(p.server_closed());
}

TEST_F(RawClient, ControlStreamFinIsClosedCriticalStream) {
  open_critical_streams();
  raw_write(p.client(), control, {}, true);
  EXPECT_EQ(server_close_code(), code(H3Error::H3_CLOSED_CRITICAL_STREAM));
}

TEST_F(RawClient, QpackEncoderStreamResetIsClosedCriticalStream) {
  open_critical_streams();
  ASSERT_TRUE(p.run_until([&] { return server->session().peer_settings_received(); }));
  ASSERT_TRUE(p.client().stream_reset(encoder, 0x42));
  EXPECT_EQ(server_close_code(), code(H3Error::H3_CLOSED_CRITICAL_STREAM));
}

TEST_F(RawClient, QpackDecoderStreamFinIsClosedCriticalStream) {
  open_critical_streams();
  raw_write(p.client(), decoder, {}, true);
  EXPECT_EQ(server_close_code(), code(H3Error::H3_CLOSED_CRITICAL_STREAM));
}

TEST_F(RawClient, StopSendingOnTheServersControlStreamIsClosedCriticalStream) {
  open_critical_streams();
  ASSERT_TRUE(p.run_until([&] { return server->session().started(); }));
  // The server's control stream is its first unidirectional stream: 3.
  ASSERT_TRUE(p.run_until([&] { return !p.client().stream_peek(3).empty(); }));
  ASSERT_TRUE(p.client().stream_stop_sending(3, code(H3Error::H3_NO_ERROR)));
  EXPECT_EQ(server_close_code(), code(H3Error::H3_CLOSED_CRITICAL_STREAM));
}

TEST_F(RawClient, SecondControlStreamIsStreamCreationError) {
  open_critical_streams();
  raw_uni(p.client(), to_wire(UniStreamType::control), settings_frame());
  EXPECT_EQ(server_close_code(), code(H3Error::H3_STREAM_CREATION_ERROR));
}

TEST_F(RawClient, FirstControlFrameMustBeSettings) {
  raw_uni(p.client(), to_wire(UniStreamType::control),
          build([](ByteWriter& w) { return write_goaway_frame(w, 0); }));
  EXPECT_EQ(server_close_code(), code(H3Error::H3_MISSING_SETTINGS));
}

TEST_F(RawClient, MaxPushIdFromClientIsAcceptedAndGreaseIgnored) {
  const auto frames = concat({settings_frame(), build([](ByteWriter& w) { return write_max_push_id_frame(w, 8); }),
                              build([](ByteWriter& w) { return write_reserved_frame(w, 5, bytes("grease")); })});
  control = raw_uni(p.client(), to_wire(UniStreamType::control), frames);
  EXPECT_NE(good_exchange().find("hello world"), std::string::npos);
  EXPECT_FALSE(p.server_closed());
}

TEST_F(RawClient, PushStreamFromAClientIsStreamCreationError) {
  open_critical_streams();
  raw_uni(p.client(), to_wire(UniStreamType::push), build([](ByteWriter& w) { return wire::write_varint(w, 0); }));
  EXPECT_EQ(server_close_code(), code(H3Error::H3_STREAM_CREATION_ERROR));
}

TEST_F(RawClient, UnknownStreamTypeIsStoppedAndIgnored) {
  open_critical_streams();
  const StreamId junk = raw_uni(p.client(), kReservedStreamType, std::vector<std::uint8_t>(100, 0xab));
  const StreamId other = raw_uni(p.client(), 0x54, std::vector<std::uint8_t>(10, 0x01));  // unregistered
  ASSERT_TRUE(p.run_until([&] {
    return saw(p.client_seen, ConnectionEventType::stream_stop_sending, junk,
               code(H3Error::H3_STREAM_CREATION_ERROR)) &&
           saw(p.client_seen, ConnectionEventType::stream_stop_sending, other,
               code(H3Error::H3_STREAM_CREATION_ERROR));
  }));
  EXPECT_EQ(server->session().stats().unknown_streams, 2u);
  EXPECT_NE(good_exchange().find("hello world"), std::string::npos);
  EXPECT_FALSE(p.server_closed());
}

TEST_F(RawClient, StreamEndedBeforeItsTypeIsTolerated) {
  open_critical_streams();
  const StreamId empty = raw_open(p.client(), false);
  raw_write(p.client(), empty, {}, true);
  EXPECT_NE(good_exchange().find("hello world"), std::string::npos);
  EXPECT_FALSE(p.server_closed());
}

TEST_F(RawClient, MalformedRequestResetsOnlyThatStream) {
  open_critical_streams();
  auto bad_lines = get_request("/hello");
  bad_lines.push_back({"X-Upper", "1"});  // §4.2: uppercase field name
  const StreamId bad = request(headers_frame(encode_section(bad_lines)));
  const StreamId good = request(headers_frame(encode_section(get_request("/hello"))));
  ASSERT_TRUE(client_saw_reset(bad, H3Error::H3_MESSAGE_ERROR))
      << "server closed: " << p.server_closed() << " code " << std::hex << p.server().close_info().error_code
      << " " << p.server().close_info().reason;
  std::string got;
  ASSERT_TRUE(p.run_until([&] {
    got += raw_read(p.client(), good);
    return p.client().stream_fin_received(good);
  }));
  EXPECT_NE(got.find("hello world"), std::string::npos);
  EXPECT_FALSE(p.server_closed());
  EXPECT_EQ(server->session().stats().streams_aborted, 1u);
}

TEST_F(RawClient, ContentLongerThanContentLengthIsMessageError) {
  open_critical_streams();
  auto lines = get_request("/hello");
  lines[0].value = "POST";
  lines.push_back({"content-length", "3"});
  const StreamId id = request(concat({headers_frame(encode_section(lines)), data_frame("toolong")}));
  ASSERT_TRUE(client_saw_reset(id, H3Error::H3_MESSAGE_ERROR));
  EXPECT_FALSE(p.server_closed());
}

TEST_F(RawClient, RequestEndingBeforeItsHeadersIsIncomplete) {
  open_critical_streams();
  const StreamId id = request({});
  ASSERT_TRUE(client_saw_reset(id, H3Error::H3_REQUEST_INCOMPLETE));
  EXPECT_FALSE(p.server_closed());
}

TEST_F(RawClient, DataBeforeHeadersIsFrameUnexpected) {
  open_critical_streams();
  request(data_frame("early"));
  EXPECT_EQ(server_close_code(), code(H3Error::H3_FRAME_UNEXPECTED));
}

TEST_F(RawClient, StreamEndingInsideAFrameIsFrameError) {
  open_critical_streams();
  auto frame = headers_frame(encode_section(get_request("/hello")));
  frame.pop_back();
  request(frame);
  EXPECT_EQ(server_close_code(), code(H3Error::H3_FRAME_ERROR));
}

TEST_F(RawClient, UnknownAndReservedFramesOnARequestAreIgnored) {
  open_critical_streams();
  const auto grease = build([](ByteWriter& w) { return write_reserved_frame(w, 9, bytes("pad")); });
  const auto unknown = build([](ByteWriter& w) { return write_frame(w, 0x2f00, bytes("ext")); });
  const StreamId id =
      request(concat({grease, headers_frame(encode_section(get_request("/hello"))), unknown, grease}));
  std::string got;
  ASSERT_TRUE(p.run_until([&] {
    got += raw_read(p.client(), id);
    return p.client().stream_fin_received(id);
  }));
  EXPECT_NE(got.find("hello world"), std::string::npos);
}

TEST_F(RawClient, Http2OnlyFrameIsFrameUnexpected) {
  open_critical_streams();
  request(concat({headers_frame(encode_section(get_request("/hello"))),
                  build([](ByteWriter& w) { return write_frame(w, 0x06, bytes("12345678")); })}));
  EXPECT_EQ(server_close_code(), code(H3Error::H3_FRAME_UNEXPECTED));
}

TEST_F(RawClient, RequestsAfterGoawayAreRejected) {
  open_critical_streams();
  EXPECT_NE(good_exchange().find("hello world"), std::string::npos);  // stream 0
  server->shutdown(p.server(), p.now());
  ASSERT_EQ(server->session().goaway_sent_id(), 4u);
  // This client ignores the GOAWAY: stream 4 is not processed.
  const StreamId late = request(headers_frame(encode_section(get_request("/hello"))));
  ASSERT_EQ(late, 4u);
  ASSERT_TRUE(client_saw_reset(late, H3Error::H3_REQUEST_REJECTED));
  EXPECT_EQ(server->session().stats().requests_rejected, 1u);
  EXPECT_EQ(server->session().stats().requests_received, 1u);
  // Everything accepted is done: the server closes gracefully.
  EXPECT_EQ(server_close_code(), code(H3Error::H3_NO_ERROR));
}

TEST(RawClientToSession, RequestTrailersAndContentReachTheServer) {
  H3Pipe p;
  RecordingSide server(wire::Role::server);
  p.attach_server(server);
  ASSERT_TRUE(p.handshake());
  auto lines = get_request("/upload?x=1");
  lines[0].value = "POST";
  lines.push_back({"content-length", "6"});
  lines.push_back({"te", "trailers"});
  const StreamId id = raw_open(p.client(), true);
  raw_write(p.client(), id,
            concat({headers_frame(encode_section(lines)), data_frame("abc"), data_frame("def"),
                    headers_frame(encode_section({{"x-digest", "sha-256=abc"}}))}),
            true);
  ASSERT_TRUE(p.run_until([&] { return server.exchanges[id].finished; }));
  const Exchange& x = server.exchanges[id];
  EXPECT_EQ(x.body, "abcdef");
  ASSERT_EQ(x.trailers.size(), 1u);
  EXPECT_EQ(x.trailers[0].second, "sha-256=abc");
  // The request head is still readable after the trailers were stored.
  const RequestHead* head = server.session.request(id);
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->method, "POST");
  EXPECT_EQ(head->path, "/upload?x=1");
  EXPECT_EQ(head->authority, "localhost");
  EXPECT_EQ(head->content_length, 6u);
  EXPECT_TRUE(head->te_trailers);
  EXPECT_EQ(server.session.header(id, "te"), "trailers");
}

TEST(RawClientToSession, PseudoHeaderInTrailersIsMessageError) {
  H3Pipe p;
  RecordingSide server(wire::Role::server);
  p.attach_server(server);
  ASSERT_TRUE(p.handshake());
  const StreamId id = raw_open(p.client(), true);
  raw_write(p.client(), id,
            concat({headers_frame(encode_section(get_request("/"))),
                    headers_frame(encode_section({{":path", "/again"}}))}),
            true);
  ASSERT_TRUE(p.run_until([&] { return server.exchanges[id].reset; }));
  EXPECT_EQ(server.exchanges[id].reset_code, code(H3Error::H3_MESSAGE_ERROR));
  EXPECT_FALSE(server.exchanges[id].reset_by_peer);
  EXPECT_TRUE(p.run_until([&] {
    return saw(p.client_seen, ConnectionEventType::stream_reset, id, code(H3Error::H3_MESSAGE_ERROR));
  }));
}

// A real client Session and a raw server.
struct RawServer : ::testing::Test {
  H3Pipe p;
  RecordingSide client{wire::Role::client};
  StreamId control = 0;

  void SetUp() override {
    p.attach_client(client);
    ASSERT_TRUE(p.handshake());
  }

  std::uint64_t client_close_code() {
    EXPECT_TRUE(p.run_until([&] { return p.client_closed(); }));
    EXPECT_TRUE(p.client().close_info().is_application);
    EXPECT_FALSE(p.client().close_info().by_peer);
    return p.client().close_info().error_code;
  }
};

TEST_F(RawServer, MaxPushIdFromAServerIsFrameUnexpected) {
  control = raw_uni(p.server(), to_wire(UniStreamType::control),
                    concat({settings_frame(), build([](ByteWriter& w) { return write_max_push_id_frame(w, 0); })}));
  EXPECT_EQ(client_close_code(), code(H3Error::H3_FRAME_UNEXPECTED));
}

TEST_F(RawServer, PushStreamIsIdErrorBecauseWeNeverAllowPushes) {
  control = raw_uni(p.server(), to_wire(UniStreamType::control), settings_frame());
  raw_uni(p.server(), to_wire(UniStreamType::push), build([](ByteWriter& w) { return wire::write_varint(w, 0); }));
  EXPECT_EQ(client_close_code(), code(H3Error::H3_ID_ERROR));
}

TEST_F(RawServer, PushPromiseIsIdError) {
  control = raw_uni(p.server(), to_wire(UniStreamType::control), settings_frame());
  ASSERT_TRUE(p.run_until([&] { return client.session.started(); }));
  RequestSpec r;
  r.authority = "localhost";
  auto id = client.session.submit_request(p.client(), r, true, p.now());
  ASSERT_TRUE(id);
  ASSERT_TRUE(p.run_until([&] {
    raw_read(p.server(), *id);
    return p.server().stream_fin_received(*id);
  }));
  const auto promise = build([](ByteWriter& w) {
    const auto section = encode_section(get_request("/pushed"));
    return write_push_promise_frame(w, 0, section);
  });
  raw_write(p.server(), *id, promise);
  EXPECT_EQ(client_close_code(), code(H3Error::H3_ID_ERROR));
}

TEST_F(RawServer, ServerInitiatedBidirectionalStreamIsStreamCreationError) {
  const StreamId id = raw_open(p.server(), true);
  raw_write(p.server(), id, {0x00});
  EXPECT_EQ(client_close_code(), code(H3Error::H3_STREAM_CREATION_ERROR));
}

TEST_F(RawServer, GoawayIdsMustNotIncreaseAndMustNameRequestStreams) {
  control = raw_uni(p.server(), to_wire(UniStreamType::control),
                    concat({settings_frame(), build([](ByteWriter& w) { return write_goaway_frame(w, 8); })}));
  ASSERT_TRUE(p.run_until([&] { return client.count(SessionEventType::goaway) == 1; }));
  EXPECT_EQ(client.session.peer_goaway_id(), 8u);
  raw_write(p.server(), control, build([](ByteWriter& w) { return write_goaway_frame(w, 12); }));
  EXPECT_EQ(client_close_code(), code(H3Error::H3_ID_ERROR));
}

TEST_F(RawServer, MalformedResponseResetsTheRequest) {
  control = raw_uni(p.server(), to_wire(UniStreamType::control), settings_frame());
  ASSERT_TRUE(p.run_until([&] { return client.session.started(); }));
  RequestSpec r;
  r.authority = "localhost";
  auto id = client.session.submit_request(p.client(), r, true, p.now());
  ASSERT_TRUE(id);
  ASSERT_TRUE(p.run_until([&] {
    raw_read(p.server(), *id);
    return p.server().stream_fin_received(*id);
  }));
  raw_write(p.server(), *id, headers_frame(encode_section({{":status", "20"}})), true);
  ASSERT_TRUE(p.run_until([&] { return client.exchanges[*id].reset; }));
  EXPECT_EQ(client.exchanges[*id].reset_code, code(H3Error::H3_MESSAGE_ERROR));
  EXPECT_FALSE(client.exchanges[*id].reset_by_peer);
  EXPECT_FALSE(p.client_closed());
}

TEST_F(RawServer, InterimResponsesAreSkippedAndTrailersReported) {
  control = raw_uni(p.server(), to_wire(UniStreamType::control), settings_frame());
  ASSERT_TRUE(p.run_until([&] { return client.session.started(); }));
  RequestSpec r;
  r.authority = "localhost";
  auto id = client.session.submit_request(p.client(), r, true, p.now());
  ASSERT_TRUE(id);
  ASSERT_TRUE(p.run_until([&] {
    raw_read(p.server(), *id);
    return p.server().stream_fin_received(*id);
  }));
  raw_write(p.server(), *id,
            concat({headers_frame(encode_section({{":status", "103"}, {"link", "</a>"}})),
                    headers_frame(encode_section({{":status", "200"}, {"content-length", "5"}})), data_frame("ab"),
                    data_frame("cde"), headers_frame(encode_section({{"x-checksum", "42"}}))}),
            true);
  ASSERT_TRUE(p.run_until([&] { return client.exchanges[*id].ended(); }));
  const Exchange& x = client.exchanges[*id];
  EXPECT_EQ(x.status, 200);
  EXPECT_EQ(x.header("link"), "<none>");
  EXPECT_EQ(x.body, "abcde");
  ASSERT_EQ(x.trailers.size(), 1u);
  EXPECT_EQ(x.trailers[0].first, "x-checksum");
  EXPECT_TRUE(x.finished);
  EXPECT_EQ(client.count(SessionEventType::response), 1u);
}

TEST_F(RawServer, ResponseResetByPeerIsReportedAndCancelsTheRequest) {
  control = raw_uni(p.server(), to_wire(UniStreamType::control), settings_frame());
  ASSERT_TRUE(p.run_until([&] { return client.session.started(); }));
  RequestSpec r;
  r.method = "POST";
  r.authority = "localhost";
  auto id = client.session.submit_request(p.client(), r, false, p.now());
  ASSERT_TRUE(id);
  ASSERT_TRUE(p.run_until([&] { return !p.server().stream_peek(*id).empty(); }));
  ASSERT_TRUE(p.server().stream_reset(*id, code(H3Error::H3_REQUEST_REJECTED)));
  ASSERT_TRUE(p.run_until([&] { return client.exchanges[*id].reset; }));
  EXPECT_TRUE(client.exchanges[*id].reset_by_peer);
  EXPECT_EQ(client.exchanges[*id].reset_code, code(H3Error::H3_REQUEST_REJECTED));
  // Our request body is abandoned with H3_REQUEST_CANCELLED.
  EXPECT_TRUE(p.run_until([&] {
    return saw(p.server_seen, ConnectionEventType::stream_reset, *id, code(H3Error::H3_REQUEST_CANCELLED));
  }));
  EXPECT_FALSE(client.session.send_body(p.client(), *id, bytes("more"), true));
}

}  // namespace
}  // namespace tquic::h3::test
