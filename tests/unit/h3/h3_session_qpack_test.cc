// The server's QPACK decoder against a raw client whose encoder uses the
// dynamic table (RFC 9204): blocked streams, the blocked-stream limit,
// Section Acknowledgment, Stream Cancellation, Insert Count Increment, and
// errors on the instruction streams.
#include <gtest/gtest.h>

#include "h3/file_server_app.h"
#include "h3/qpack/instructions.h"
#include "h3_session_harness.h"

namespace tquic::h3::test {
namespace {

// The server opens control (3), then QPACK encoder (7) and decoder (11).
constexpr StreamId kServerDecoderStream = 11;

struct QpackPeer : ::testing::Test {
  H3Pipe p;
  MemoryFiles files;
  SessionConfig server_config;
  std::unique_ptr<FileServerApp> server;
  std::unique_ptr<qpack::Encoder> enc;
  StreamId control = 0, encoder_stream = 0, decoder_stream = 0;
  std::vector<std::uint8_t> decoder_bytes;  // the server's decoder stream, after its type

  void start(std::uint64_t announced_blocked = 16) {
    files.files["hello"] = "hello world";
    server = std::make_unique<FileServerApp>(files, server_config);
    p.attach_server_app(*server);
    ASSERT_TRUE(p.handshake());
    qpack::EncoderOptions o;
    o.max_table_capacity = 4096;
    o.insert_policy = qpack::InsertPolicy::always;
    enc = std::make_unique<qpack::Encoder>(o);
    // What the server announced (a lying client may claim more blocked streams).
    ASSERT_TRUE(enc->on_peer_settings(server_config.qpack_max_table_capacity, announced_blocked));
    control = raw_uni(p.client(), to_wire(UniStreamType::control), settings_frame());
    encoder_stream = raw_uni(p.client(), to_wire(UniStreamType::qpack_encoder));
    decoder_stream = raw_uni(p.client(), to_wire(UniStreamType::qpack_decoder));
  }

  struct Encoded {
    std::vector<std::uint8_t> frame;         // HEADERS frame
    std::vector<std::uint8_t> instructions;  // for the encoder stream
    qpack::EncodeOutcome outcome;
  };

  Encoded encode(StreamId id, std::string_view path, std::string_view marker) {
    auto lines = get_request(path);
    lines.push_back({"x-marker", marker});
    lines.push_back({"user-agent", "raw-qpack-client"});
    std::vector<std::uint8_t> section(4096), ins(4096);
    ByteWriter sw(section), iw(ins);
    auto r = enc->encode_field_section(id, lines, sw, iw);
    EXPECT_TRUE(r);
    section.resize(sw.written());
    ins.resize(iw.written());
    return Encoded{headers_frame(section), ins, r ? *r : qpack::EncodeOutcome{}};
  }

  // Feeds the server's decoder stream to our encoder.
  void read_decoder_stream() {
    const std::string got = raw_read(p.client(), kServerDecoderStream);
    decoder_bytes.insert(decoder_bytes.end(), got.begin(), got.end());
    if (decoder_bytes.empty() || decoder_bytes.front() != to_wire(UniStreamType::qpack_decoder)) return;
    auto used = enc->on_decoder_stream(ByteSpan(decoder_bytes).subspan(1));
    ASSERT_TRUE(used) << used.error().reason;
    decoder_bytes.erase(decoder_bytes.begin() + 1, decoder_bytes.begin() + 1 + static_cast<long>(*used));
  }

  std::string response(StreamId id) {
    std::string got;
    EXPECT_TRUE(p.run_until([&] {
      got += raw_read(p.client(), id);
      return p.client().stream_fin_received(id);
    }));
    return got;
  }

  std::uint64_t server_close_code() {
    EXPECT_TRUE(p.run_until([&] { return p.server_closed(); }));
    return p.server().close_info().error_code;
  }
};

TEST_F(QpackPeer, BlockedRequestWaitsForTheEncoderStreamThenIsAcknowledged) {
  start();
  const StreamId id = raw_open(p.client(), true);
  const Encoded e = encode(id, "/hello", "first");
  ASSERT_TRUE(e.outcome.may_block);
  ASSERT_GT(e.outcome.required_insert_count, 0u);
  ASSERT_GT(e.instructions.size(), 2u);
  raw_write(p.client(), id, e.frame, true);
  ASSERT_TRUE(p.run_until([&] { return server->session().stats().blocked_sections == 1; }))
      << p.server().close_info().error_code << " " << p.server().close_info().reason << " / "
      << p.client().close_info().error_code << " " << p.client().close_info().reason;
  p.run_for(50ms);
  ASSERT_FALSE(p.server_closed()) << std::hex << p.server().close_info().error_code << " " << p.server().close_info().reason;
  ASSERT_FALSE(p.client_closed()) << std::hex << p.client().close_info().error_code << " " << p.client().close_info().reason;
  EXPECT_EQ(server->session().stats().requests_received, 0u);  // still blocked
  EXPECT_EQ(server->session().qpack_decoder().blocked_stream_count(), 1u);
  // The instructions arrive in two pieces, split inside an instruction.
  const std::size_t half = e.instructions.size() / 2;
  raw_write(p.client(), encoder_stream, std::vector<std::uint8_t>(e.instructions.begin(), e.instructions.begin() + static_cast<long>(half)));
  p.run_for(30ms);
  EXPECT_EQ(server->session().stats().requests_received, 0u);
  raw_write(p.client(), encoder_stream, std::vector<std::uint8_t>(e.instructions.begin() + static_cast<long>(half), e.instructions.end()));
  EXPECT_NE(response(id).find("hello world"), std::string::npos);
  EXPECT_EQ(server->session().stats().requests_received, 1u);
  EXPECT_EQ(server->session().qpack_decoder().blocked_stream_count(), 0u);
  EXPECT_EQ(files.opened_paths.size(), 1u);
  // The Section Acknowledgment reaches our encoder.
  EXPECT_EQ(enc->unacknowledged_sections(), 1u);
  ASSERT_TRUE(p.run_until([&] {
    read_decoder_stream();
    return enc->unacknowledged_sections() == 0;
  }));
  EXPECT_EQ(enc->known_received_count(), enc->insert_count());
  // The next request reuses the entries without blocking.
  const StreamId id2 = raw_open(p.client(), true);
  const Encoded e2 = encode(id2, "/hello", "first");
  EXPECT_FALSE(e2.outcome.may_block);
  EXPECT_TRUE(e2.instructions.empty());
  raw_write(p.client(), id2, e2.frame, true);
  EXPECT_NE(response(id2).find("hello world"), std::string::npos);
  EXPECT_FALSE(p.server_closed());
}

TEST_F(QpackPeer, MoreBlockedStreamsThanAnnouncedIsDecompressionFailed) {
  server_config.qpack_blocked_streams = 1;
  start(/*announced_blocked=*/16);
  for (const char* marker : {"one", "two"}) {
    const StreamId id = raw_open(p.client(), true);
    const Encoded e = encode(id, "/hello", marker);
    ASSERT_TRUE(e.outcome.may_block);
    raw_write(p.client(), id, e.frame, true);  // instructions withheld
  }
  EXPECT_EQ(server_close_code(), code(H3Error::QPACK_DECOMPRESSION_FAILED));
}

TEST_F(QpackPeer, ResetBlockedStreamGetsStreamCancellation) {
  start();
  const StreamId id = raw_open(p.client(), true);
  const Encoded e = encode(id, "/hello", "cancelled");
  raw_write(p.client(), id, e.frame);
  ASSERT_TRUE(p.run_until([&] { return server->session().stats().blocked_sections == 1; }));
  EXPECT_EQ(enc->unacknowledged_sections(), 1u);
  ASSERT_TRUE(p.client().stream_reset(id, code(H3Error::H3_REQUEST_CANCELLED)));
  ASSERT_TRUE(p.run_until([&] {
    read_decoder_stream();
    return enc->unacknowledged_sections() == 0;
  }));
  EXPECT_EQ(server->session().qpack_decoder().blocked_stream_count(), 0u);
  // Entries inserted later are still acknowledged with an Insert Count Increment.
  raw_write(p.client(), encoder_stream, e.instructions);
  ASSERT_TRUE(p.run_until([&] {
    read_decoder_stream();
    return enc->known_received_count() == enc->insert_count();
  }));
  EXPECT_EQ(server->session().stats().requests_received, 0u);
  EXPECT_FALSE(p.server_closed());
}

TEST_F(QpackPeer, SpeculativeInsertIsAcknowledgedWithInsertCountIncrement) {
  start();
  std::vector<std::uint8_t> ins(256);
  ByteWriter w(ins);
  ASSERT_TRUE(enc->insert("x-speculative", "value", w));
  ASSERT_TRUE(enc->insert("x-speculative-2", "value", w));
  ins.resize(w.written());
  raw_write(p.client(), encoder_stream, ins);
  ASSERT_TRUE(p.run_until([&] {
    read_decoder_stream();
    return enc->known_received_count() == 2;
  }));
  EXPECT_EQ(server->session().qpack_decoder().insert_count(), 2u);
}

TEST_F(QpackPeer, CapacityAboveTheSettingIsEncoderStreamError) {
  start();
  raw_write(p.client(), encoder_stream,
            build([](ByteWriter& w) { return qpack::write_set_dynamic_table_capacity(w, 1 << 20); }));
  EXPECT_EQ(server_close_code(), code(H3Error::QPACK_ENCODER_STREAM_ERROR));
}

TEST_F(QpackPeer, AcknowledgingNothingIsDecoderStreamError) {
  start();
  raw_write(p.client(), decoder_stream, build([](ByteWriter& w) { return qpack::write_section_acknowledgment(w, 0); }));
  EXPECT_EQ(server_close_code(), code(H3Error::QPACK_DECODER_STREAM_ERROR));
}

TEST_F(QpackPeer, ReferenceBeyondTheTableIsDecompressionFailed) {
  start();
  const StreamId id = raw_open(p.client(), true);
  // One entry in the table; a section may reference it, but not an entry
  // below it.
  std::vector<std::uint8_t> ins = build([](ByteWriter& w) {
    return qpack::write_set_dynamic_table_capacity(w, 100) &&
           qpack::write_insert_with_literal_name(w, bytes("a"), bytes("b"));
  });
  raw_write(p.client(), encoder_stream, ins);
  ASSERT_TRUE(p.run_until([&] { return server->session().qpack_decoder().insert_count() == 1; }));
  // Prefix: Encoded Required Insert Count 2 (RIC 1), Base = RIC; then an
  // indexed dynamic field line with relative index 1: absolute index -1.
  raw_write(p.client(), id, headers_frame({0x02, 0x00, 0x81}), true);
  EXPECT_EQ(server_close_code(), code(H3Error::QPACK_DECOMPRESSION_FAILED));
}

}  // namespace
}  // namespace tquic::h3::test
