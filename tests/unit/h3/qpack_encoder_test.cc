// QPACK encoder: static-only mode, RFC 9204 Appendix B through the real
// encoder, decoder-stream handling, and the dynamic table safety rules
// (capacity, blocked streams, no eviction of unacknowledged entries).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "h3/qpack/decoder.h"
#include "h3/qpack/encoder.h"
#include "qpack_test_util.h"

namespace tquic::h3::qpack {
namespace {

using test::as_lines;
using test::Bytes;
using test::CollectingSink;
using test::hex;
using test::is_error;
using test::OwnedField;
using test::to_hex;

constexpr H3Error kDecoderStream = H3Error::QPACK_DECODER_STREAM_ERROR;

struct Encoded {
  std::string section;
  std::string encoder_stream;
  EncodeOutcome outcome;
};

Encoded encode(Encoder& e, std::uint64_t stream_id, const std::vector<OwnedField>& fields) {
  Bytes section(4096);
  Bytes es(4096);
  ByteWriter sw(section);
  ByteWriter ew(es);
  const auto lines = as_lines(fields);
  const auto out = e.encode_field_section(stream_id, lines, sw, ew);
  EXPECT_TRUE(out.ok()) << (out.ok() ? "" : out.error().reason);
  if (!out.ok()) return {};
  EXPECT_EQ(out->section_size, sw.written());
  EXPECT_EQ(out->encoder_stream_size, ew.written());
  return Encoded{to_hex(sw.data()), to_hex(ew.data()), *out};
}

void decoder_stream(Encoder& e, const char* bytes_hex) {
  const Bytes b = hex(bytes_hex);
  const auto r = e.on_decoder_stream(b);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_EQ(*r, b.size());
}

std::vector<OwnedField> decode(Decoder& d, std::uint64_t stream_id, const std::string& section_hex) {
  CollectingSink sink;
  Bytes scratch(4096);
  const auto out = d.decode_field_section(stream_id, hex(section_hex), sink, scratch);
  EXPECT_TRUE(out.ok() && out->status == DecodeStatus::complete);
  return sink.fields;
}

const std::vector<OwnedField> kRequest = {
    {":method", "GET"}, {":path", "/"}, {":scheme", "https"}, {":authority", "www.example.com"}};

TEST(QpackEncoder, StaticOnlyByDefault) {
  Encoder e;
  ASSERT_TRUE(e.on_peer_settings(4096, 100).ok());  // the peer allows a table, we do not want one
  const Encoded enc = encode(e, 0, kRequest);
  EXPECT_EQ(enc.section, "0000d1c1d7508cf1e3c2e5f23a6ba0ab90f4ff");
  EXPECT_EQ(enc.encoder_stream, "");
  EXPECT_EQ(enc.outcome.required_insert_count, 0u);
  EXPECT_FALSE(enc.outcome.may_block);
  Decoder d(DecoderSettings{});
  EXPECT_EQ(decode(d, 0, enc.section), kRequest);
}

TEST(QpackEncoder, NeverIndexedUsesTheNBitAndStaysOutOfTheTable) {
  EncoderOptions o;
  o.max_table_capacity = 4096;
  o.insert_policy = InsertPolicy::always;
  Encoder e(o);
  ASSERT_TRUE(e.on_peer_settings(4096, 100).ok());
  const std::vector<OwnedField> fields = {{"authorization", "secret", true},
                                          {"x-token", "abc", true}};
  const Encoded enc = encode(e, 0, fields);
  EXPECT_EQ(enc.encoder_stream, "");
  EXPECT_EQ(e.insert_count(), 0u);
  // authorization is static index 84: 0101 (N=1, T=1) + 15 + 69.
  EXPECT_EQ(enc.section.substr(0, 8), "00007f45");
  Decoder d(DecoderSettings{});
  EXPECT_EQ(decode(d, 0, enc.section), fields);
}

TEST(QpackEncoder, MaxTableCapacityCannotChangeOnceInUse) {
  EncoderOptions o;
  o.max_table_capacity = 4096;
  o.insert_policy = InsertPolicy::always;
  Encoder e(o);
  ASSERT_TRUE(e.on_peer_settings(0, 0).ok());
  ASSERT_TRUE(e.on_peer_settings(4096, 0).ok());  // not used yet: may change
  encode(e, 0, {{"x-a", "1"}});
  EXPECT_EQ(e.table().capacity(), 4096u);
  ASSERT_TRUE(e.on_peer_settings(4096, 10).ok());  // same capacity (0-RTT remembered)
  EXPECT_TRUE(is_error(e.on_peer_settings(2048, 10).error(), kDecoderStream));
}

TEST(QpackEncoder, NoDynamicTableBeforePeerSettings) {
  EncoderOptions o;
  o.max_table_capacity = 4096;
  o.insert_policy = InsertPolicy::always;
  Encoder e(o);
  Encoded enc = encode(e, 0, {{"x-custom", "1"}});
  EXPECT_EQ(enc.encoder_stream, "");
  ASSERT_TRUE(e.on_peer_settings(0, 100).ok());  // the peer refuses a table
  enc = encode(e, 4, {{"x-custom", "1"}});
  EXPECT_EQ(enc.encoder_stream, "");
  EXPECT_EQ(e.table().capacity(), 0u);
}

// RFC 9204 Appendix B through the real encoder (no Huffman, insert always)
// and decoder, checking every byte the encoder chooses like the RFC's.
TEST(QpackEncoder, RfcAppendixBExchange) {
  EncoderOptions o;
  o.max_table_capacity = 220;
  o.insert_policy = InsertPolicy::always;
  o.use_huffman = false;
  Encoder e(o);
  DecoderSettings ds;
  ds.max_table_capacity = 220;
  ds.max_blocked_streams = 2;
  Decoder d(ds);
  auto feed = [&](const std::string& es) {
    const Bytes b = hex(es);
    const auto r = d.on_encoder_stream(b);
    ASSERT_TRUE(r.ok()) << r.error().reason;
    ASSERT_EQ(*r, b.size());
  };

  // B.1: static name reference, nothing dynamic (the peer's SETTINGS have
  // not arrived yet, so this encoder may not index it either).
  Encoded enc = encode(e, 0, {{":path", "/index.html"}});
  EXPECT_EQ(enc.section, "0000510b2f696e6465782e68746d6c");
  EXPECT_EQ(enc.encoder_stream, "");
  ASSERT_TRUE(e.on_peer_settings(220, 2).ok());

  // B.2
  enc = encode(e, 4, {{":authority", "www.example.com"}, {":path", "/sample/path"}});
  EXPECT_EQ(enc.encoder_stream,
            "3fbd01c00f7777772e6578616d706c652e636f6dc10c2f73616d706c652f70617468");
  EXPECT_EQ(enc.section, "03811011");
  EXPECT_TRUE(enc.outcome.may_block);
  EXPECT_EQ(e.blocking_stream_count(), 1u);
  feed(enc.encoder_stream);
  decode(d, 4, enc.section);
  decoder_stream(e, "84");
  EXPECT_EQ(e.known_received_count(), 2u);
  EXPECT_EQ(e.unacknowledged_sections(), 0u);
  EXPECT_EQ(e.blocking_stream_count(), 0u);

  // B.3
  Bytes es(256);
  ByteWriter ew(es);
  ASSERT_TRUE(e.insert("custom-key", "custom-value", ew));
  EXPECT_EQ(to_hex(ew.data()), "4a637573746f6d2d6b65790c637573746f6d2d76616c7565");
  feed(to_hex(ew.data()));
  decoder_stream(e, "01");
  EXPECT_EQ(e.known_received_count(), 3u);

  // B.4: the oldest entry is draining, so the encoder duplicates it (the RFC
  // encoder does too). Being single pass, it references the duplicate
  // post-Base rather than moving Base past it as the RFC's encoder did.
  enc = encode(e, 8, {{":authority", "www.example.com"}, {":path", "/"},
                      {"custom-key", "custom-value"}});
  EXPECT_EQ(enc.encoder_stream, "02");
  EXPECT_EQ(enc.section, "058010c180");
  EXPECT_EQ(enc.outcome.required_insert_count, 4u);
  decoder_stream(e, "48");  // Stream Cancellation
  EXPECT_EQ(e.unacknowledged_sections(), 0u);
  feed(enc.encoder_stream);
  EXPECT_EQ(decode(d, 12, enc.section),
            (std::vector<OwnedField>{{":authority", "www.example.com"}, {":path", "/"},
                                     {"custom-key", "custom-value"}}));

  // B.5: insert with a dynamic name reference, evicting entry 0.
  ByteWriter ew5(es);
  ASSERT_TRUE(e.insert("custom-key", "custom-value2", ew5));
  EXPECT_EQ(to_hex(ew5.data()), "810d637573746f6d2d76616c756532");
  EXPECT_EQ(e.table().size(), 215u);
  EXPECT_EQ(e.table().dropped_count(), 1u);
  feed(to_hex(ew5.data()));
  EXPECT_EQ(d.table().size(), 215u);
  for (std::uint64_t i = 1; i < 5; ++i) {
    EXPECT_EQ(e.table().entry(i).name, d.table().entry(i).name);
    EXPECT_EQ(e.table().entry(i).value, d.table().entry(i).value);
  }
}

TEST(QpackEncoder, DecoderStreamErrors) {
  EncoderOptions o;
  o.max_table_capacity = 220;
  o.insert_policy = InsertPolicy::always;
  Encoder e(o);
  ASSERT_TRUE(e.on_peer_settings(220, 10).ok());
  // Nothing outstanding on stream 4.
  EXPECT_TRUE(is_error(e.on_decoder_stream(hex("84")).error(), kDecoderStream));
  // Increment of zero; increment beyond the inserts sent.
  EXPECT_TRUE(is_error(e.on_decoder_stream(hex("00")).error(), kDecoderStream));
  EXPECT_TRUE(is_error(e.on_decoder_stream(hex("01")).error(), kDecoderStream));
  encode(e, 4, {{"x-a", "1"}});
  EXPECT_EQ(e.insert_count(), 1u);
  decoder_stream(e, "01");
  EXPECT_TRUE(is_error(e.on_decoder_stream(hex("01")).error(), kDecoderStream));
  // The section on stream 4 is acknowledged once; a second ack is an error.
  decoder_stream(e, "84");
  EXPECT_TRUE(is_error(e.on_decoder_stream(hex("84")).error(), kDecoderStream));
  // Cancelling an unknown stream is fine.
  decoder_stream(e, "7f3f");
  // Oversized integer.
  EXPECT_TRUE(is_error(e.on_decoder_stream(hex("ff ffffffffffffffffff01")).error(), kDecoderStream));
  // A split instruction is left for later.
  const auto r = e.on_decoder_stream(hex("ff"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 0u);
}

TEST(QpackEncoder, SectionAcknowledgmentsGoOldestFirstPerStream) {
  EncoderOptions o;
  o.max_table_capacity = 1000;
  o.insert_policy = InsertPolicy::always;
  Encoder e(o);
  ASSERT_TRUE(e.on_peer_settings(1000, 10).ok());
  encode(e, 4, {{"x-a", "1"}});  // RIC 1
  encode(e, 4, {{"x-b", "2"}});  // RIC 2 (trailers on the same stream)
  EXPECT_EQ(e.unacknowledged_sections(), 2u);
  decoder_stream(e, "84");
  EXPECT_EQ(e.known_received_count(), 1u);
  decoder_stream(e, "84");
  EXPECT_EQ(e.known_received_count(), 2u);
  EXPECT_EQ(e.unacknowledged_sections(), 0u);
}

TEST(QpackEncoder, HonoursTheBlockedStreamsLimit) {
  EncoderOptions o;
  o.max_table_capacity = 4096;
  o.insert_policy = InsertPolicy::always;
  Encoder e(o);
  ASSERT_TRUE(e.on_peer_settings(4096, 1).ok());
  Encoded first = encode(e, 0, {{"x-a", "1"}});
  EXPECT_TRUE(first.outcome.may_block);
  // A second stream may not block: it inserts but sends a literal.
  Encoded second = encode(e, 4, {{"x-b", "2"}});
  EXPECT_FALSE(second.outcome.may_block);
  EXPECT_NE(second.encoder_stream, "");
  EXPECT_EQ(second.outcome.required_insert_count, 0u);
  // The already-blocking stream may keep referencing unacknowledged entries.
  Encoded third = encode(e, 0, {{"x-b", "2"}});
  EXPECT_TRUE(third.outcome.may_block);
  EXPECT_EQ(e.blocking_stream_count(), 1u);
  // Once everything is known received, stream 4 may use the entries.
  decoder_stream(e, "02");
  EXPECT_EQ(e.blocking_stream_count(), 0u);
  Encoded fourth = encode(e, 4, {{"x-b", "2"}});
  EXPECT_FALSE(fourth.outcome.may_block);
  EXPECT_EQ(fourth.outcome.required_insert_count, 2u);
  EXPECT_EQ(fourth.encoder_stream, "");
}

TEST(QpackEncoder, NeverEvictsUnacknowledgedOrReferencedEntries) {
  EncoderOptions o;
  o.max_table_capacity = 100;
  o.insert_policy = InsertPolicy::always;
  Encoder e(o);
  ASSERT_TRUE(e.on_peer_settings(100, 0).ok());  // never block: acknowledged entries only
  const std::string v(20, 'v');
  Bytes es(256);
  ByteWriter w1(es);
  ASSERT_TRUE(e.insert("x-first", v, w1));    // 7 + 20 + 32 = 59
  ByteWriter w2(es);
  EXPECT_FALSE(e.insert("x-second", v, w2));  // would evict the unacknowledged entry
  EXPECT_EQ(w2.written(), 0u);
  decoder_stream(e, "01");
  // Acknowledged, but now referenced by an unacknowledged section.
  Encoded enc = encode(e, 0, {{"x-first", v}});
  EXPECT_EQ(enc.outcome.required_insert_count, 1u);
  EXPECT_FALSE(e.insert("x-second", v, w2));
  decoder_stream(e, "80");  // Section Acknowledgment, stream 0
  EXPECT_TRUE(e.insert("x-second", v, w2));
  EXPECT_EQ(e.table().dropped_count(), 1u);
}

TEST(QpackEncoder, RepeatedPolicyInsertsOnSecondSight) {
  EncoderOptions o;
  o.max_table_capacity = 4096;
  Encoder e(o);
  ASSERT_TRUE(e.on_peer_settings(4096, 10).ok());
  const std::vector<OwnedField> fields = {{"user-agent", "tquic/0.1"}, {"x-trace", "abc"}};
  EXPECT_EQ(encode(e, 0, fields).encoder_stream, "");
  EXPECT_EQ(e.insert_count(), 0u);
  const Encoded second = encode(e, 4, fields);
  EXPECT_NE(second.encoder_stream, "");
  EXPECT_EQ(e.insert_count(), 2u);
  EXPECT_EQ(second.section, "03811011");  // Base 0, both post-Base
  const Encoded third = encode(e, 8, fields);
  EXPECT_EQ(third.encoder_stream, "");
  EXPECT_EQ(third.section, "03008180");  // Base 2, both relative
}

TEST(QpackEncoder, SectionBufferTooSmallLeavesItUntouched) {
  Encoder e;
  Bytes small(5);
  ByteWriter sw(small);
  Bytes es(16);
  ByteWriter ew(es);
  const auto lines = as_lines(kRequest);
  const auto out = e.encode_field_section(0, lines, sw, ew);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::local);
  EXPECT_EQ(sw.written(), 0u);
}

TEST(QpackEncoder, EncoderStreamWithoutRoomFallsBackToLiterals) {
  EncoderOptions o;
  o.max_table_capacity = 4096;
  o.insert_policy = InsertPolicy::always;
  Encoder e(o);
  ASSERT_TRUE(e.on_peer_settings(4096, 10).ok());
  Bytes section(256);
  ByteWriter sw(section);
  ByteWriter ew(MutByteSpan{});
  const std::vector<OwnedField> fields = {{"x-a", "1"}};
  const auto lines = as_lines(fields);
  const auto out = e.encode_field_section(0, lines, sw, ew);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->required_insert_count, 0u);
  EXPECT_EQ(e.insert_count(), 0u);
  Decoder d(DecoderSettings{});
  EXPECT_EQ(decode(d, 0, to_hex(sw.data())), fields);
}

TEST(QpackEncoder, TrackedSectionLimit) {
  EncoderOptions o;
  o.max_table_capacity = 4096;
  o.insert_policy = InsertPolicy::always;
  o.max_unacknowledged_sections = 1;
  Encoder e(o);
  ASSERT_TRUE(e.on_peer_settings(4096, 10).ok());
  EXPECT_EQ(encode(e, 0, {{"x-a", "1"}}).outcome.required_insert_count, 1u);
  const Encoded second = encode(e, 4, {{"x-a", "1"}});
  EXPECT_EQ(second.outcome.required_insert_count, 0u);  // untracked: no dynamic references
  EXPECT_EQ(second.encoder_stream, "");
  EXPECT_EQ(e.unacknowledged_sections(), 1u);
}

}  // namespace
}  // namespace tquic::h3::qpack
