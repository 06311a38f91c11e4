// Round trips and malformed input for every frame type of frames.h.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <set>
#include <vector>

#include "wire/frame_decoder.h"
#include "wire/frame_encoder.h"
#include "wire/varint.h"

namespace tquic::wire {
namespace {

using Bytes = std::vector<std::uint8_t>;
using C = TransportErrorCode;

constexpr std::uint64_t kVarintBoundaries[] = {
    0, 63, 64, 16383, 16384, (std::uint64_t{1} << 30) - 1, std::uint64_t{1} << 30, kVarintMax};

const std::array<std::uint8_t, 5> kPayload{'h', 'e', 'l', 'l', 'o'};
const std::array<std::uint8_t, 3> kToken{0xaa, 0xbb, 0xcc};
const std::array<std::uint8_t, 4> kReason{'o', 'o', 'p', 's'};

ConnectionId cid_of_length(std::size_t n) {
  std::array<std::uint8_t, kMaxCidLength> raw{};
  for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<std::uint8_t>(0x10 + i);
  ConnectionId cid;
  EXPECT_TRUE(ConnectionId::from_bytes(ByteSpan(raw.data(), n), cid));
  return cid;
}

StatelessResetToken token_of(std::uint8_t seed) {
  StatelessResetToken t{};
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = static_cast<std::uint8_t>(seed + i);
  return t;
}

Bytes encode(const Frame& f) {
  const std::size_t size = encoded_size(f);
  EXPECT_NE(size, 0u);
  Bytes out(size);
  ByteWriter w(out);
  EXPECT_TRUE(encode_frame(w, f));
  EXPECT_EQ(w.written(), size);
  return out;
}

// Decodes exactly one frame that must use all of `bytes`.
Frame decode_one(const Bytes& bytes) {
  ByteReader r(bytes);
  auto f = decode_frame(r);
  EXPECT_TRUE(f.ok()) << (f.ok() ? "" : f.error().reason);
  EXPECT_TRUE(r.empty());
  return f.ok() ? *f : Frame{};
}

Error decode_error(const Bytes& bytes) {
  ByteReader r(bytes);
  auto f = decode_frame(r);
  EXPECT_FALSE(f.ok());
  return f.ok() ? Error{} : f.error();
}

// Two ACK ranges encoded by hand: [90, 100] and [80, 85] after 100..90.
// Gap = 90 - 85 - 2 = 3, Length = 5.
const std::array<std::uint8_t, 2> kTwoRangePairs{3, 5};

AckFields sample_ack_fields(bool ecn) {
  AckFields a;
  a.largest_acknowledged = 100;
  a.ack_delay = 25;
  a.ack_range_count = 1;
  a.first_ack_range = 10;
  a.ack_range_bytes = ByteSpan(kTwoRangePairs);
  if (ecn) a.ecn_counts = EcnCounts{1, 2, 3};
  return a;
}

// One instance of every frame type (and every flag combination).
std::vector<Frame> sample_frames() {
  std::vector<Frame> v;
  v.push_back(PaddingFrame{1});
  v.push_back(PaddingFrame{7});
  v.push_back(PingFrame{});
  v.push_back(AckFrame{sample_ack_fields(false)});
  v.push_back(AckFrame{sample_ack_fields(true)});
  v.push_back(ResetStreamFrame{4, 0x101, 9000});
  v.push_back(StopSendingFrame{8, 7});
  v.push_back(CryptoFrame{1234, ByteSpan(kPayload)});
  v.push_back(NewTokenFrame{ByteSpan(kToken)});
  for (int bits = 0; bits < 8; ++bits) {
    StreamFrame s;
    s.stream_id = 3;
    s.offset = (bits & 4) ? 777 : 0;
    s.has_length = (bits & 2) != 0;
    s.fin = (bits & 1) != 0;
    s.stream_data = ByteSpan(kPayload);
    v.push_back(s);
  }
  v.push_back(MaxDataFrame{1 << 20});
  v.push_back(MaxStreamDataFrame{5, 65536});
  v.push_back(MaxStreamsFrame{true, 100});
  v.push_back(MaxStreamsFrame{false, 3});
  v.push_back(DataBlockedFrame{4096});
  v.push_back(StreamDataBlockedFrame{9, 1024});
  v.push_back(StreamsBlockedFrame{true, 10});
  v.push_back(StreamsBlockedFrame{false, 20});
  v.push_back(NewConnectionIdFrame{5, 2, cid_of_length(8), token_of(1)});
  v.push_back(RetireConnectionIdFrame{3});
  v.push_back(PathChallengeFrame{{1, 2, 3, 4, 5, 6, 7, 8}});
  v.push_back(PathResponseFrame{{8, 7, 6, 5, 4, 3, 2, 1}});
  v.push_back(ConnectionCloseFrame{false, 0x07, 0x08, ByteSpan(kReason)});
  v.push_back(ConnectionCloseFrame{true, 0x1234, 0, ByteSpan(kReason)});
  v.push_back(HandshakeDoneFrame{});
  v.push_back(DatagramFrame{ByteSpan(kPayload), true});
  v.push_back(DatagramFrame{ByteSpan(kPayload), false});
  v.push_back(AckFrequencyFrame{1, 9, 25000, 3});
  v.push_back(ImmediateAckFrame{});
  v.push_back(PathAckFrame{sample_ack_fields(false), 2});
  v.push_back(PathAckFrame{sample_ack_fields(true), 3});
  v.push_back(PathAbandonFrame{1, 0x3e});
  v.push_back(PathStatusBackupFrame{1, 4});
  v.push_back(PathStatusAvailableFrame{2, 5});
  v.push_back(PathNewConnectionIdFrame{3, 7, 6, cid_of_length(20), token_of(9)});
  v.push_back(PathRetireConnectionIdFrame{3, 6});
  v.push_back(MaxPathIdFrame{16});
  v.push_back(PathsBlockedFrame{16});
  v.push_back(PathCidsBlockedFrame{4, 11});
  return v;
}

// Frames whose last field runs to the end of the packet: any prefix that
// keeps the header is itself a valid (shorter) frame.
bool runs_to_end(const Frame& f) {
  if (std::holds_alternative<PaddingFrame>(f)) return true;
  if (auto* s = std::get_if<StreamFrame>(&f)) return !s->has_length;
  if (auto* d = std::get_if<DatagramFrame>(&f)) return !d->has_length;
  return false;
}

TEST(Frames, EveryFrameRoundTrips) {
  for (const Frame& f : sample_frames()) {
    SCOPED_TRACE(frame_type_name(frame_type_of(f)));
    const Bytes bytes = encode(f);
    // The first varint on the wire is the frame's own type.
    ByteReader r(bytes);
    std::uint64_t type = 0;
    ASSERT_TRUE(read_varint(r, type));
    EXPECT_EQ(type, to_wire(frame_type_of(f)));
    const Frame back = decode_one(bytes);
    EXPECT_EQ(back, f);
    EXPECT_EQ(encode(back), bytes);
  }
}

TEST(Frames, SamplesCoverEveryKnownCodepoint) {
  std::set<std::uint64_t> seen;
  for (const Frame& f : sample_frames()) seen.insert(to_wire(frame_type_of(f)));
  std::size_t known = 0;
  for (std::uint64_t v = 0; v <= 0x3fff; ++v) {
    if (!is_known_frame_type(v)) continue;
    ++known;
    EXPECT_TRUE(seen.count(v)) << "no sample for frame type 0x" << std::hex << v;
  }
  EXPECT_EQ(known, 32u + 2 + 2 + 1 + 8);  // 0x00-0x1f, DATAGRAM, PATH_ACK, ACK_FREQUENCY, MP
}

TEST(Frames, HandEncodedLayouts) {
  const std::vector<std::pair<Bytes, Frame>> cases = {
      {{0x04, 0x01, 0x02, 0x03}, ResetStreamFrame{1, 2, 3}},
      {{0x05, 0x01, 0x02}, StopSendingFrame{1, 2}},
      {{0x12, 0x40, 0x64}, MaxStreamsFrame{true, 100}},
      {{0x17, 0x05}, StreamsBlockedFrame{false, 5}},
      {{0x1c, 0x0a, 0x08, 0x00}, ConnectionCloseFrame{false, 0x0a, 0x08, {}}},
      {{0x1d, 0x0a, 0x00}, ConnectionCloseFrame{true, 0x0a, 0, {}}},
      {{0x1f}, ImmediateAckFrame{}},
      {{0x40, 0xaf, 0x01, 0x02, 0x03, 0x04}, AckFrequencyFrame{1, 2, 3, 4}},
      {{0x7e, 0x75, 0x01, 0x3e}, PathAbandonFrame{1, 0x3e}},
      {{0x7e, 0x76, 0x01, 0x02}, PathStatusBackupFrame{1, 2}},
      {{0x7e, 0x77, 0x01, 0x02}, PathStatusAvailableFrame{1, 2}},
      {{0x7e, 0x79, 0x01, 0x02}, PathRetireConnectionIdFrame{1, 2}},
      {{0x7e, 0x7a, 0x05}, MaxPathIdFrame{5}},
      {{0x7e, 0x7b, 0x06}, PathsBlockedFrame{6}},
      {{0x7e, 0x7c, 0x01, 0x07}, PathCidsBlockedFrame{1, 7}},
  };
  for (const auto& [bytes, frame] : cases) {
    SCOPED_TRACE(frame_type_name(frame_type_of(frame)));
    EXPECT_EQ(decode_one(bytes), frame);
    EXPECT_EQ(encode(frame), bytes);
  }
}

TEST(Frames, AckWireLayout) {
  // ACK 0x03: Largest 100, Delay 25, Count 1, First 10, Gap 3, Length 5, ECN 1 2 3.
  const Bytes bytes{0x03, 0x40, 0x64, 0x19, 0x01, 0x0a, 0x03, 0x05, 0x01, 0x02, 0x03};
  const Frame f = decode_one(bytes);
  const auto& ack = std::get<AckFrame>(f);
  EXPECT_EQ(ack, (AckFrame{sample_ack_fields(true)}));
  std::vector<AckRange> got;
  for (AckRange r : ack.ranges()) got.push_back(r);
  EXPECT_EQ(got, (std::vector<AckRange>{{90, 100}, {80, 85}}));
  // PATH_ACK 0x3f with Path Identifier 2 in front.
  const Bytes path{0x3f, 0x02, 0x40, 0x64, 0x19, 0x01, 0x0a, 0x03, 0x05, 0x01, 0x02, 0x03};
  EXPECT_EQ(decode_one(path), Frame(PathAckFrame{sample_ack_fields(true), 2}));
}

TEST(Frames, StreamFlagCombinations) {
  for (int bits = 0; bits < 8; ++bits) {
    StreamFrame s;
    s.stream_id = 0x3fff;
    s.offset = (bits & 4) ? 1 : 0;
    s.has_length = (bits & 2) != 0;
    s.fin = (bits & 1) != 0;
    s.stream_data = ByteSpan(kPayload);
    const Bytes bytes = encode(s);
    EXPECT_EQ(bytes[0], 0x08 | bits);
    EXPECT_EQ(decode_one(bytes), Frame(s));
  }
}

TEST(Frames, StreamWithoutLengthRunsToEndOfPacket) {
  const Bytes bytes{0x08, 0x04, 'a', 'b', 'c'};
  const auto s = std::get<StreamFrame>(decode_one(bytes));
  EXPECT_EQ(s.stream_id, 4u);
  EXPECT_EQ(s.offset, 0u);
  EXPECT_FALSE(s.has_length);
  EXPECT_EQ(s.stream_data.size(), 3u);
  // Header only: an empty frame at offset 0 (OFF bit clear, FIN set).
  const auto fin = std::get<StreamFrame>(decode_one({0x09, 0x04}));
  EXPECT_TRUE(fin.fin);
  EXPECT_TRUE(fin.stream_data.empty());
}

TEST(Frames, ExplicitZeroOffsetIsAccepted) {
  // OFF bit set with Offset 0 is legal; it re-encodes without the field.
  const Bytes bytes{0x0e, 0x04, 0x00, 0x01, 'x'};
  const auto s = std::get<StreamFrame>(decode_one(bytes));
  EXPECT_EQ(s.offset, 0u);
  EXPECT_EQ(encode(s), (Bytes{0x0a, 0x04, 0x01, 'x'}));
}

TEST(Frames, DatagramVariants) {
  const auto d = std::get<DatagramFrame>(decode_one({0x30, 'a', 'b'}));
  EXPECT_FALSE(d.has_length);
  EXPECT_EQ(d.datagram_data.size(), 2u);
  const auto empty = std::get<DatagramFrame>(decode_one({0x31, 0x00}));
  EXPECT_TRUE(empty.has_length);
  EXPECT_TRUE(empty.datagram_data.empty());
  EXPECT_TRUE(std::get<DatagramFrame>(decode_one({0x30})).datagram_data.empty());
}

TEST(Frames, PaddingRunIsOneFrame) {
  const Bytes bytes{0x00, 0x00, 0x00, 0x01, 0x00};
  ByteReader r(bytes);
  auto a = decode_frame(r);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, Frame(PaddingFrame{3}));
  auto b = decode_frame(r);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, Frame(PingFrame{}));
  auto c = decode_frame(r);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, Frame(PaddingFrame{1}));
  EXPECT_TRUE(r.empty());
}

TEST(Frames, SequenceOfFramesInOnePacket) {
  const std::vector<Frame> frames = sample_frames();
  Bytes packet;
  std::vector<Frame> expected;
  for (const Frame& f : frames) {
    if (runs_to_end(f)) continue;  // would swallow what follows
    const Bytes b = encode(f);
    packet.insert(packet.end(), b.begin(), b.end());
    expected.push_back(f);
  }
  ByteReader r(packet);
  for (const Frame& f : expected) {
    auto got = decode_frame(r);
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, f);
  }
  EXPECT_TRUE(r.empty());
}

// Every field of every varint-only frame at every varint size boundary.
TEST(Frames, VarintBoundariesRoundTrip) {
  for (std::uint64_t v : kVarintBoundaries) {
    SCOPED_TRACE(v);
    const std::uint64_t streams = std::min(v, kMaxStreamsLimit);
    const std::vector<Frame> frames = {
        ResetStreamFrame{v, v, v}, StopSendingFrame{v, v}, MaxDataFrame{v},
        MaxStreamDataFrame{v, v}, MaxStreamsFrame{true, streams}, MaxStreamsFrame{false, streams},
        DataBlockedFrame{v}, StreamDataBlockedFrame{v, v}, StreamsBlockedFrame{true, streams},
        RetireConnectionIdFrame{v}, ConnectionCloseFrame{false, v, v, {}},
        ConnectionCloseFrame{true, v, 0, {}}, AckFrequencyFrame{v, v, v, v},
        PathAbandonFrame{v, v}, PathStatusBackupFrame{v, v}, PathStatusAvailableFrame{v, v},
        PathRetireConnectionIdFrame{v, v}, MaxPathIdFrame{v}, PathsBlockedFrame{v},
        PathCidsBlockedFrame{v, v}, NewConnectionIdFrame{v, v, cid_of_length(1), token_of(0)},
        PathNewConnectionIdFrame{v, v, 0, cid_of_length(20), token_of(3)},
        StreamFrame{v, v, {}, true, true}, CryptoFrame{v, {}},
    };
    for (const Frame& f : frames) {
      SCOPED_TRACE(frame_type_name(frame_type_of(f)));
      EXPECT_EQ(decode_one(encode(f)), f);
    }
    AckFields a;
    a.largest_acknowledged = v;
    a.first_ack_range = v;
    a.ack_delay = v;
    a.ecn_counts = EcnCounts{v, v, v};
    EXPECT_EQ(decode_one(encode(AckFrame{a})), Frame(AckFrame{a}));
    EXPECT_EQ(decode_one(encode(PathAckFrame{a, v})), Frame(PathAckFrame{a, v}));
  }
}

TEST(Frames, VarintSizeDrivesEncodedSize) {
  EXPECT_EQ(encoded_size(MaxDataFrame{63}), 2u);
  EXPECT_EQ(encoded_size(MaxDataFrame{64}), 3u);
  EXPECT_EQ(encoded_size(MaxDataFrame{16383}), 3u);
  EXPECT_EQ(encoded_size(MaxDataFrame{16384}), 5u);
  EXPECT_EQ(encoded_size(MaxDataFrame{(1u << 30) - 1}), 5u);
  EXPECT_EQ(encoded_size(MaxDataFrame{1u << 30}), 9u);
  EXPECT_EQ(encoded_size(MaxDataFrame{kVarintMax}), 9u);
  EXPECT_EQ(encoded_size(MaxPathIdFrame{0}), 3u);  // 2-byte type 0x3e7a
  EXPECT_EQ(encoded_size(AckFrequencyFrame{}), 6u);  // 2-byte type 0xaf
}

TEST(Frames, ConnectionIdLengthBoundaries) {
  for (std::size_t n : {std::size_t{1}, std::size_t{20}}) {
    const NewConnectionIdFrame f{1, 0, cid_of_length(n), token_of(5)};
    EXPECT_EQ(encoded_size(f), 1 + 1 + 1 + 1 + n + 16);
    EXPECT_EQ(decode_one(encode(f)), Frame(f));
  }
  // The encoder refuses lengths the decoder would reject.
  EXPECT_EQ(encoded_size(NewConnectionIdFrame{1, 0, ConnectionId{}, token_of(5)}), 0u);
  EXPECT_EQ(encoded_size(PathNewConnectionIdFrame{0, 1, 0, ConnectionId{}, token_of(5)}), 0u);
}

TEST(Frames, BadConnectionIdLengthIsFrameEncodingError) {
  for (std::uint8_t length : {std::uint8_t{0}, std::uint8_t{21}, std::uint8_t{255}}) {
    Bytes bytes{0x18, 0x01, 0x00, length};
    bytes.resize(bytes.size() + length + 16, 0x5a);
    const Error e = decode_error(bytes);
    EXPECT_TRUE(e.is_transport(C::FRAME_ENCODING_ERROR));
    EXPECT_EQ(e.frame_type, 0x18u);
    Bytes path{0x7e, 0x78, 0x00, 0x01, 0x00, length};
    path.resize(path.size() + length + 16, 0x5a);
    const Error pe = decode_error(path);
    EXPECT_TRUE(pe.is_transport(C::FRAME_ENCODING_ERROR));
    EXPECT_EQ(pe.frame_type, 0x3e78u);
  }
}

TEST(Frames, RetirePriorToAboveSequenceIsFrameEncodingError) {
  Bytes bytes{0x18, 0x01, 0x02, 0x01, 0xcc};
  bytes.resize(bytes.size() + 16, 0);
  EXPECT_TRUE(decode_error(bytes).is_transport(C::FRAME_ENCODING_ERROR));
  Bytes path{0x7e, 0x78, 0x00, 0x01, 0x02, 0x01, 0xcc};
  path.resize(path.size() + 16, 0);
  EXPECT_TRUE(decode_error(path).is_transport(C::FRAME_ENCODING_ERROR));
  // Equal is fine.
  EXPECT_EQ(encoded_size(NewConnectionIdFrame{2, 3, cid_of_length(4), {}}), 0u);
  EXPECT_NE(encoded_size(NewConnectionIdFrame{3, 3, cid_of_length(4), {}}), 0u);
}

TEST(Frames, NonMinimalFrameTypeIsProtocolViolation) {
  const std::vector<Bytes> cases = {
      {0x40, 0x01},                                            // PING in 2 bytes
      {0x80, 0x00, 0x00, 0x1e},                                // HANDSHAKE_DONE in 4 bytes
      {0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x01},  // STREAM in 8 bytes
      {0x80, 0x00, 0x3e, 0x7a, 0x01},                          // MAX_PATH_ID in 4 bytes
      {0x40, 0x00},                                            // PADDING in 2 bytes
  };
  for (const Bytes& b : cases) {
    const Error e = decode_error(b);
    EXPECT_TRUE(e.is_transport(C::PROTOCOL_VIOLATION));
  }
  EXPECT_EQ(decode_error({0x40, 0x01}).frame_type, 0x01u);
}

TEST(Frames, UnknownFrameTypeIsFrameEncodingError) {
  const std::vector<std::pair<Bytes, std::uint64_t>> cases = {
      {{0x20}, 0x20}, {{0x2f}, 0x2f}, {{0x32}, 0x32}, {{0x3d}, 0x3d},
      {{0x40, 0x40}, 0x40}, {{0x40, 0xae}, 0xae}, {{0x40, 0xb0}, 0xb0},
      {{0x7e, 0x74}, 0x3e74}, {{0x7e, 0x7d}, 0x3e7d}, {{0x80, 0xff, 0x04, 0xde}, 0xff04de},
  };
  for (const auto& [bytes, type] : cases) {
    const Error e = decode_error(bytes);
    EXPECT_TRUE(e.is_transport(C::FRAME_ENCODING_ERROR));
    EXPECT_EQ(e.frame_type, type);
  }
}

TEST(Frames, EmptyInputIsFrameEncodingError) {
  const Error e = decode_error({});
  EXPECT_TRUE(e.is_transport(C::FRAME_ENCODING_ERROR));
  EXPECT_EQ(e.frame_type, 0u);
  EXPECT_TRUE(decode_error({0x7e}).is_transport(C::FRAME_ENCODING_ERROR));  // half a type
}

// Every proper prefix of every frame with explicit lengths is rejected as
// FRAME_ENCODING_ERROR naming the frame type once the type is complete.
TEST(Frames, TruncatedAtEveryBytePosition) {
  for (const Frame& f : sample_frames()) {
    if (runs_to_end(f)) continue;
    SCOPED_TRACE(frame_type_name(frame_type_of(f)));
    const Bytes bytes = encode(f);
    const std::uint64_t type = to_wire(frame_type_of(f));
    for (std::size_t n = 0; n < bytes.size(); ++n) {
      SCOPED_TRACE(n);
      const Error e = decode_error(Bytes(bytes.begin(), bytes.begin() + static_cast<long>(n)));
      EXPECT_TRUE(e.is_transport(C::FRAME_ENCODING_ERROR));
      EXPECT_EQ(e.frame_type, n >= varint_size(type) ? type : 0);
    }
  }
}

TEST(Frames, TruncatedHeadersOfOpenEndedFrames) {
  // STREAM without LEN but with OFF: the Offset itself is cut.
  EXPECT_TRUE(decode_error({0x0c, 0x04, 0x40}).is_transport(C::FRAME_ENCODING_ERROR));
  EXPECT_TRUE(decode_error({0x0c}).is_transport(C::FRAME_ENCODING_ERROR));
  // Length larger than what is left.
  EXPECT_TRUE(decode_error({0x0a, 0x04, 0x05, 'a'}).is_transport(C::FRAME_ENCODING_ERROR));
  EXPECT_TRUE(decode_error({0x31, 0x02, 'a'}).is_transport(C::FRAME_ENCODING_ERROR));
  EXPECT_TRUE(decode_error({0x31}).is_transport(C::FRAME_ENCODING_ERROR));
  EXPECT_TRUE(decode_error({0x07, 0x80, 0x00}).is_transport(C::FRAME_ENCODING_ERROR));
}

TEST(Frames, StreamOffsetOverflowIsFrameEncodingError) {
  // Offset 2^62-1, Length 1.
  const Bytes over{0x0e, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 'x'};
  const Error e = decode_error(over);
  EXPECT_TRUE(e.is_transport(C::FRAME_ENCODING_ERROR));
  EXPECT_EQ(e.frame_type, 0x0eu);
  // Without LEN: one data byte to the end of the packet.
  EXPECT_TRUE(decode_error({0x0c, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 'x'})
                  .is_transport(C::FRAME_ENCODING_ERROR));
  // Offset 2^62-1 with no data is the largest legal end.
  const auto s = std::get<StreamFrame>(
      decode_one({0x0f, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}));
  EXPECT_EQ(s.offset, kVarintMax);
  EXPECT_TRUE(s.fin);
  // The encoder refuses to produce the overflowing frame.
  const std::array<std::uint8_t, 1> one{1};
  EXPECT_EQ(encoded_size(StreamFrame{0, kVarintMax, ByteSpan(one), false, true}), 0u);
  EXPECT_EQ(encoded_size(CryptoFrame{kVarintMax, ByteSpan(one)}), 0u);
}

TEST(Frames, CryptoOffsetOverflowIsFrameEncodingError) {
  const Bytes over{0x06, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0x02, 'x', 'y'};
  EXPECT_TRUE(decode_error(over).is_transport(C::FRAME_ENCODING_ERROR));
  const Bytes edge{0x06, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0x01, 'x'};
  EXPECT_EQ(std::get<CryptoFrame>(decode_one(edge)).offset, kVarintMax - 1);
}

TEST(Frames, MaxStreamsAbove2To60IsFrameEncodingError) {
  // 2^60 = 0x1000000000000000 -> 8-byte varint c0 10 00 00 00 00 00 00 (+1 for over).
  for (std::uint8_t type : {std::uint8_t{0x12}, std::uint8_t{0x13}, std::uint8_t{0x16},
                            std::uint8_t{0x17}}) {
    const Bytes limit{type, 0xd0, 0, 0, 0, 0, 0, 0, 0x00};
    ByteReader r(limit);
    EXPECT_TRUE(decode_frame(r).ok());
    const Bytes over{type, 0xd0, 0, 0, 0, 0, 0, 0, 0x01};
    const Error e = decode_error(over);
    EXPECT_TRUE(e.is_transport(C::FRAME_ENCODING_ERROR));
    EXPECT_EQ(e.frame_type, type);
  }
  EXPECT_EQ(encoded_size(MaxStreamsFrame{true, kMaxStreamsLimit + 1}), 0u);
  EXPECT_EQ(encoded_size(StreamsBlockedFrame{false, kMaxStreamsLimit + 1}), 0u);
}

TEST(Frames, EmptyNewTokenIsFrameEncodingError) {
  const Error e = decode_error({0x07, 0x00});
  EXPECT_TRUE(e.is_transport(C::FRAME_ENCODING_ERROR));
  EXPECT_EQ(e.frame_type, 0x07u);
  EXPECT_EQ(encoded_size(NewTokenFrame{}), 0u);
}

TEST(Frames, ApplicationCloseHasNoFrameTypeField) {
  const Bytes app_bytes{0x1d, 0x05, 0x02, 'h', 'i'};
  const auto app = std::get<ConnectionCloseFrame>(decode_one(app_bytes));
  EXPECT_TRUE(app.is_application);
  EXPECT_EQ(app.error_code, 5u);
  EXPECT_EQ(app.frame_type, 0u);
  EXPECT_EQ(app.reason_phrase.size(), 2u);
  const Bytes transport_bytes{0x1c, 0x05, 0x02, 0x02, 'h', 'i'};
  const auto transport = std::get<ConnectionCloseFrame>(decode_one(transport_bytes));
  EXPECT_FALSE(transport.is_application);
  EXPECT_EQ(transport.frame_type, 2u);
  EXPECT_EQ(transport.reason_phrase, app.reason_phrase);
}

TEST(Frames, EncodeFailsWithoutWritingWhenTooSmall) {
  for (const Frame& f : sample_frames()) {
    SCOPED_TRACE(frame_type_name(frame_type_of(f)));
    const std::size_t size = encoded_size(f);
    for (std::size_t room = 0; room < size; ++room) {
      Bytes buf(room + 1, 0xee);
      ByteWriter w(MutByteSpan(buf.data(), room));
      EXPECT_FALSE(encode_frame(w, f));
      EXPECT_EQ(w.written(), 0u);
      EXPECT_EQ(buf, Bytes(room + 1, 0xee));
    }
  }
}

TEST(Frames, UnencodableFramesAreRefused) {
  EXPECT_EQ(encoded_size(PaddingFrame{0}), 0u);
  EXPECT_EQ(encoded_size(MaxDataFrame{kVarintMax + 1}), 0u);
  EXPECT_EQ(encoded_size(PathAbandonFrame{kVarintMax + 1, 0}), 0u);
  std::array<std::uint8_t, 64> buf{};
  ByteWriter w(buf);
  EXPECT_FALSE(encode_frame(w, ResetStreamFrame{0, 0, kVarintMax + 1}));
  EXPECT_EQ(w.written(), 0u);
}

TEST(Frames, PayloadsAreViewsIntoThePacket) {
  const Bytes bytes{0x0b, 0x04, 0x03, 'a', 'b', 'c'};
  ByteReader r(bytes);
  auto f = decode_frame(r);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(std::get<StreamFrame>(*f).stream_data.data(), bytes.data() + 3);
}

TEST(Frames, TypeNames) {
  EXPECT_STREQ(frame_type_name(FrameType::stream_off_len_fin), "stream");
  EXPECT_STREQ(frame_type_name(FrameType::ack_ecn), "ack");
  EXPECT_STREQ(frame_type_name(FrameType::path_ack_ecn), "path_ack");
  EXPECT_STREQ(frame_type_name(FrameType::path_cids_blocked), "path_cids_blocked");
  EXPECT_STREQ(frame_type_name(static_cast<FrameType>(0x21)), "unknown");
}

}  // namespace
}  // namespace tquic::wire
