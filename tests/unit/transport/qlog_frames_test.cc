// qlog QuicFrame objects decoded from real frame encodings
// (draft-ietf-quic-qlog-quic-events "QUIC Frames").
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>
#include <vector>

#include "transport/qlog/qlog_errors.h"
#include "transport/qlog/qlog_frames.h"
#include "wire/ack_frame.h"
#include "wire/frame_encoder.h"

namespace tquic::transport::qlog {
namespace {

using nlohmann::json;

// Encodes `frames` into one payload and returns the qlog "frames" array.
json frames_of(ByteSpan payload, std::uint64_t exponent = 3) {
  JsonWriter w;
  w.begin_object();
  write_frames(w, payload, exponent);
  w.end_object();
  return json::parse(w.view())["frames"];
}

std::vector<std::uint8_t> encode(std::initializer_list<wire::Frame> frames) {
  std::vector<std::uint8_t> out(4096);
  ByteWriter w(out);
  for (const wire::Frame& f : frames) EXPECT_TRUE(wire::encode_frame(w, f));
  out.resize(w.written());
  return out;
}

TEST(QlogFrames, StreamFrameHasIdOffsetFinAndLength) {
  const std::uint8_t data[100] = {};
  const auto payload = encode({wire::StreamFrame{4, 1000, ByteSpan(data, 100), true, true},
                               wire::StreamFrame{8, 0, ByteSpan(data, 7), false, false}});
  const json f = frames_of(payload);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0]["frame_type"], "stream");
  EXPECT_EQ(f[0]["stream_id"], 4);
  EXPECT_EQ(f[0]["offset"], 1000);
  EXPECT_EQ(f[0]["fin"], true);
  EXPECT_EQ(f[0]["raw"]["length"], 100);
  EXPECT_EQ(f[1]["stream_id"], 8);
  EXPECT_EQ(f[1]["offset"], 0);
  EXPECT_EQ(f[1]["fin"], false);
  EXPECT_EQ(f[1]["raw"]["length"], 7);  // no Length field: the rest of the packet
}

TEST(QlogFrames, AckFrameHasRangesDelayAndEcnCounts) {
  const wire::AckRange ranges[] = {{20, 25}, {10, 10}, {0, 3}};
  std::vector<std::uint8_t> payload(256);
  ByteWriter w(payload);
  wire::AckFrameSpec spec;
  spec.ranges = ranges;
  spec.ack_delay = 1000;  // x 2^3 us = 8 ms
  spec.ecn_counts = wire::EcnCounts{5, 6, 7};
  ASSERT_TRUE(wire::encode_ack_frame(w, spec));
  payload.resize(w.written());
  const json f = frames_of(payload)[0];
  EXPECT_EQ(f["frame_type"], "ack");
  EXPECT_DOUBLE_EQ(f["ack_delay"].get<double>(), 8.0);
  EXPECT_EQ(f["acked_ranges"], json::parse("[[20,25],[10],[0,3]]"));
  EXPECT_EQ(f["ect0"], 5);
  EXPECT_EQ(f["ect1"], 6);
  EXPECT_EQ(f["ce"], 7);
  EXPECT_DOUBLE_EQ(frames_of(payload, 0)[0]["ack_delay"].get<double>(), 1.0);  // exponent 0: 1000 us
}

TEST(QlogFrames, CryptoPaddingAndControlFrames) {
  const std::uint8_t hello[300] = {};
  const auto payload = encode({wire::CryptoFrame{1200, ByteSpan(hello, 300)}, wire::MaxDataFrame{1 << 20},
                               wire::MaxStreamsFrame{false, 9}, wire::StreamDataBlockedFrame{4, 77},
                               wire::ResetStreamFrame{4, 0x10c, 500}, wire::HandshakeDoneFrame{},
                               wire::PaddingFrame{37}});
  const json f = frames_of(payload);
  ASSERT_EQ(f.size(), 7u);
  EXPECT_EQ(f[0], json::parse(R"({"frame_type":"crypto","offset":1200,"raw":{"length":300}})"));
  EXPECT_EQ(f[1], json::parse(R"({"frame_type":"max_data","maximum":1048576})"));
  EXPECT_EQ(f[2], json::parse(R"({"frame_type":"max_streams","stream_type":"unidirectional","maximum":9})"));
  EXPECT_EQ(f[3], json::parse(R"({"frame_type":"stream_data_blocked","stream_id":4,"limit":77})"));
  EXPECT_EQ(f[4], json::parse(
                      R"({"frame_type":"reset_stream","stream_id":4,"error":"unknown","error_code":268,"final_size":500})"));
  EXPECT_EQ(f[5], json::parse(R"({"frame_type":"handshake_done"})"));
  EXPECT_EQ(f[6], json::parse(R"({"frame_type":"padding","raw":{"length":37,"payload_length":37}})"));
}

TEST(QlogFrames, ConnectionCloseErrorsByKind) {
  const std::uint8_t why[] = {'b', 'a', 'd', '"', '\n'};
  const auto payload = encode({wire::ConnectionCloseFrame{false, 0x0a, 0x08, ByteSpan(why, sizeof why)},
                               wire::ConnectionCloseFrame{false, 0x128, 0x06, ByteSpan()},
                               wire::ConnectionCloseFrame{true, 0x42, 0, ByteSpan()},
                               wire::ConnectionCloseFrame{false, 0x3e75, 0, ByteSpan()}});
  const json f = frames_of(payload);
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0]["error_space"], "transport");
  EXPECT_EQ(f[0]["error"], "protocol_violation");
  EXPECT_EQ(f[0]["reason"], "bad\"\n");
  EXPECT_EQ(f[0]["trigger_frame_type"], 8);
  EXPECT_EQ(f[1]["error"], "crypto_error_0x128");  // TLS alert 0x28 (handshake_failure)
  EXPECT_EQ(f[2]["error_space"], "application");
  EXPECT_EQ(f[2]["error"], "unknown");
  EXPECT_EQ(f[2]["error_code"], 0x42);
  EXPECT_FALSE(f[2].contains("trigger_frame_type"));
  EXPECT_EQ(f[3]["error"], "unknown");  // a multipath code qlog has no name for
  EXPECT_EQ(f[3]["error_code"], 0x3e75);
}

TEST(QlogFrames, ConnectionIdAndPathFrames) {
  wire::NewConnectionIdFrame ncid;
  ncid.sequence_number = 3;
  ncid.retire_prior_to = 1;
  const std::uint8_t cid[] = {0xaa, 0xbb, 0xcc, 0xdd};
  wire::ConnectionId::from_bytes(ByteSpan(cid, sizeof cid), ncid.connection_id);
  ncid.stateless_reset_token.fill(0x11);
  wire::PathChallengeFrame challenge;
  challenge.data = {1, 2, 3, 4, 5, 6, 7, 8};
  const auto payload = encode({ncid, wire::RetireConnectionIdFrame{2}, challenge});
  const json f = frames_of(payload);
  EXPECT_EQ(f[0]["frame_type"], "new_connection_id");
  EXPECT_EQ(f[0]["sequence_number"], 3);
  EXPECT_EQ(f[0]["retire_prior_to"], 1);
  EXPECT_EQ(f[0]["connection_id_length"], 4);
  EXPECT_EQ(f[0]["connection_id"], "aabbccdd");
  EXPECT_EQ(f[0]["stateless_reset_token"], "11111111111111111111111111111111");
  EXPECT_EQ(f[1], json::parse(R"({"frame_type":"retire_connection_id","sequence_number":2})"));
  EXPECT_EQ(f[2], json::parse(R"({"frame_type":"path_challenge","data":"0102030405060708"})"));
}

TEST(QlogFrames, UndecodableFrameEndsTheListAsUnknown) {
  auto payload = encode({wire::PingFrame{}});
  payload.push_back(0x21);  // not a frame type tquic knows
  payload.push_back(0x00);
  const json f = frames_of(payload);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0]["frame_type"], "ping");
  EXPECT_EQ(f[1]["frame_type"], "unknown");
  EXPECT_EQ(f[1]["frame_type_bytes"], 0x21);
  EXPECT_EQ(f[1]["raw"]["length"], 2);
}

// A peer's packet can hold anything after decryption: the frames list must
// stay valid JSON whatever the bytes (random payloads and mutations of a
// valid one).
TEST(QlogFrames, ArbitraryPayloadsGiveValidJson) {
  const std::uint8_t data[40] = {'a', '"', '\\', 0xff};
  const auto valid = encode({wire::StreamFrame{4, 9, ByteSpan(data, 40), true, true},
                             wire::ConnectionCloseFrame{false, 0x0a, 0x08, ByteSpan(data, 4)},
                             wire::MaxStreamsFrame{true, 3}, wire::PingFrame{}});
  std::mt19937_64 rng(7);
  for (int i = 0; i < 5000; ++i) {
    std::vector<std::uint8_t> p;
    if (i % 2) {
      p.resize(rng() % 64);
      for (auto& b : p) b = static_cast<std::uint8_t>(rng() % 4 ? rng() % 0x20 : rng());
    } else {
      p = valid;
      for (int k = 0; k < 3; ++k) p[rng() % p.size()] = static_cast<std::uint8_t>(rng());
    }
    JsonWriter w;
    w.begin_object();
    write_frames(w, p, rng() % 24);
    w.end_object();
    ASSERT_TRUE(json::accept(w.view())) << w.view();
  }
}

TEST(QlogErrors, TransportErrorNames) {
  EXPECT_EQ(transport_error_name(0x00), "no_error");
  EXPECT_EQ(transport_error_name(0x07), "frame_encoding_error");
  EXPECT_EQ(transport_error_name(0x10), "no_viable_path");
  EXPECT_EQ(transport_error_name(0x11), "");  // RFC 9368: qlog has no name
  EXPECT_EQ(transport_error_name(0x100), "");
}

}  // namespace
}  // namespace tquic::transport::qlog
