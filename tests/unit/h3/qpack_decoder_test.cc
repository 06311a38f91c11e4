// QPACK decoder: RFC 9204 Appendix B byte for byte, blocking, limits and
// every malformed input mapped to its RFC error code.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "h3/qpack/decoder.h"
#include "h3/qpack/huffman.h"
#include "qpack_test_util.h"

namespace tquic::h3::qpack {
namespace {

using test::Bytes;
using test::CollectingSink;
using test::hex;
using test::is_error;
using test::OwnedField;
using test::to_hex;

constexpr H3Error kDecompression = H3Error::QPACK_DECOMPRESSION_FAILED;
constexpr H3Error kEncoderStream = H3Error::QPACK_ENCODER_STREAM_ERROR;

DecoderSettings settings(std::uint64_t capacity, std::uint64_t blocked,
                         std::uint64_t max_section = UINT64_MAX) {
  DecoderSettings s;
  s.max_table_capacity = capacity;
  s.max_blocked_streams = blocked;
  s.max_field_section_size = max_section;
  return s;
}

struct Harness {
  explicit Harness(const DecoderSettings& s) : decoder(s) {}

  void feed(const Bytes& encoder_stream) {
    const auto consumed = decoder.on_encoder_stream(encoder_stream);
    ASSERT_TRUE(consumed.ok()) << consumed.error().reason;
    ASSERT_EQ(*consumed, encoder_stream.size());
  }
  Result<DecodeOutcome> decode(std::uint64_t stream_id, const Bytes& section) {
    sink.fields.clear();
    return decoder.decode_field_section(stream_id, section, sink, scratch);
  }
  std::string decoder_stream(bool (Decoder::*write)(ByteWriter&)) {
    Bytes b(64);
    ByteWriter w(b);
    EXPECT_TRUE((decoder.*write)(w));
    return to_hex(w.data());
  }

  Decoder decoder;
  CollectingSink sink;
  Bytes scratch = Bytes(4096);
};

// ---- RFC 9204 Appendix B ----------------------------------------------------

TEST(QpackDecoder, RfcAppendixB) {
  Harness h(settings(220, 2));
  // B.1
  auto out = h.decode(0, hex("0000 510b 2f69 6e64 6578 2e68 746d 6c"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, DecodeStatus::complete);
  EXPECT_FALSE(out->needs_section_acknowledgment());
  EXPECT_EQ(h.sink.fields, (std::vector<OwnedField>{{":path", "/index.html"}}));

  // B.2
  h.feed(hex("3fbd01 c00f 7777 772e 6578 616d 706c 652e 636f 6d c10c 2f73 616d 706c 652f 7061 7468"));
  EXPECT_EQ(h.decoder.table().size(), 106u);
  out = h.decode(4, hex("0381 10 11"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->required_insert_count, 2u);
  EXPECT_TRUE(out->needs_section_acknowledgment());
  EXPECT_EQ(h.sink.fields, (std::vector<OwnedField>{{":authority", "www.example.com"},
                                                    {":path", "/sample/path"}}));
  Bytes ack(8);
  ByteWriter aw(ack);
  ASSERT_TRUE(h.decoder.write_section_acknowledgment(aw, 4, out->required_insert_count));
  EXPECT_EQ(to_hex(aw.data()), "84");
  EXPECT_EQ(h.decoder.known_received_count(), 2u);
  EXPECT_EQ(h.decoder.pending_insert_count_increment(), 0u);

  // B.3
  h.feed(hex("4a63 7573 746f 6d2d 6b65 790c 6375 7374 6f6d 2d76 616c 7565"));
  EXPECT_EQ(h.decoder.table().size(), 160u);
  EXPECT_EQ(h.decoder_stream(&Decoder::write_insert_count_increment), "01");
  EXPECT_EQ(h.decoder.known_received_count(), 3u);
  EXPECT_EQ(h.decoder_stream(&Decoder::write_insert_count_increment), "");  // nothing pending

  // B.4: the section on stream 8 overtakes the Duplicate; the stream blocks
  // and is then cancelled.
  const Bytes section8 = hex("0500 80 c1 81");
  out = h.decode(8, section8);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, DecodeStatus::blocked);
  EXPECT_EQ(out->required_insert_count, 4u);
  EXPECT_FALSE(out->needs_section_acknowledgment());
  EXPECT_TRUE(h.sink.fields.empty());
  EXPECT_EQ(h.decoder.blocked_stream_count(), 1u);
  Bytes cancel(8);
  ByteWriter cw(cancel);
  ASSERT_TRUE(h.decoder.write_stream_cancellation(cw, 8));
  EXPECT_EQ(to_hex(cw.data()), "48");
  EXPECT_EQ(h.decoder.blocked_stream_count(), 0u);
  h.feed(hex("02"));
  EXPECT_EQ(h.decoder.table().size(), 217u);
  out = h.decode(12, section8);  // the same bytes now decode
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, DecodeStatus::complete);
  EXPECT_EQ(h.sink.fields, (std::vector<OwnedField>{{":authority", "www.example.com"},
                                                    {":path", "/"},
                                                    {"custom-key", "custom-value"}}));

  // B.5
  h.feed(hex("810d 6375 7374 6f6d 2d76 616c 7565 32"));
  const DynamicTable& t = h.decoder.table();
  EXPECT_EQ(t.size(), 215u);
  EXPECT_EQ(t.dropped_count(), 1u);
  EXPECT_EQ(t.entry(4).name, "custom-key");
  EXPECT_EQ(t.entry(4).value, "custom-value2");
  EXPECT_EQ(h.decoder_stream(&Decoder::write_insert_count_increment), "02");
}

TEST(QpackDecoder, EncoderStreamMayArriveOneByteAtATime) {
  const Bytes stream = hex(
      "3fbd01 c00f7777772e6578616d706c652e636f6d c10c2f73616d706c652f70617468 "
      "4a637573746f6d2d6b65790c637573746f6d2d76616c7565 02 810d637573746f6d2d76616c756532");
  Decoder d(settings(220, 0));
  Bytes pending;
  for (const std::uint8_t b : stream) {
    pending.push_back(b);
    const auto consumed = d.on_encoder_stream(pending);
    ASSERT_TRUE(consumed.ok());
    pending.erase(pending.begin(), pending.begin() + static_cast<long>(*consumed));
  }
  EXPECT_TRUE(pending.empty());
  EXPECT_EQ(d.insert_count(), 5u);
  EXPECT_EQ(d.table().size(), 215u);
}

TEST(QpackDecoder, HuffmanStringsAndNeverIndexedBit) {
  Harness h(settings(0, 0));
  // Literal with literal name, N=1, both Huffman: custom-key / custom-value.
  const Bytes section = hex("0000 3f01 25a849e95ba97d7f 89 25a849e95bb8e8b4bf 5f1d 86 a8eb10649cbf");
  // 0x5f 0x1d: literal with static name ref, N=0, T=1, index 15 + 29 = 44
  // ("content-type"), Huffman value "no-cache" (just a value).
  auto out = h.decode(0, section);
  ASSERT_TRUE(out.ok()) << out.error().reason;
  EXPECT_EQ(h.sink.fields, (std::vector<OwnedField>{{"custom-key", "custom-value", true},
                                                    {"content-type", "no-cache", false}}));
  EXPECT_EQ(out->field_count, 2u);
  EXPECT_EQ(out->field_section_size, (10u + 12 + 32) + (12u + 8 + 32));
}

// Views handed to the sink stay valid until decode_field_section returns.
TEST(QpackDecoder, ViewsStayValidForTheWholeCall) {
  struct ViewSink : FieldSink {
    Status on_field(std::string_view n, std::string_view v, bool) override {
      views.emplace_back(n, v);
      return ok_status();
    }
    std::vector<std::pair<std::string_view, std::string_view>> views;
  };
  Decoder d(settings(4096, 0));
  ASSERT_TRUE(d.on_encoder_stream(hex("3f e11f 4161 0162")).ok());  // cap 4096; insert a: b
  ViewSink sink;
  Bytes scratch(64);
  const Bytes section = hex("0200 80 3f01 25a849e95ba97d7f 89 25a849e95bb8e8b4bf c1");
  ASSERT_TRUE(d.decode_field_section(0, section, sink, scratch).ok());
  ASSERT_EQ(sink.views.size(), 3u);
  EXPECT_EQ(sink.views[0].first, "a");
  EXPECT_EQ(sink.views[0].second, "b");
  EXPECT_EQ(sink.views[1].first, "custom-key");
  EXPECT_EQ(sink.views[1].second, "custom-value");
  EXPECT_EQ(sink.views[2].second, "/");
}

TEST(QpackDecoder, ScratchTooSmallIsALocalError) {
  Harness h(settings(0, 0));
  h.scratch.resize(11);  // "custom-key" fits, "custom-value" does not
  const auto out = h.decode(0, hex("0000 3f01 25a849e95ba97d7f 89 25a849e95bb8e8b4bf"));
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::local);
  h.scratch.resize(22);
  EXPECT_TRUE(h.decode(0, hex("0000 3f01 25a849e95ba97d7f 89 25a849e95bb8e8b4bf")).ok());
}

TEST(QpackDecoder, SinkErrorAbortsDecoding) {
  struct Refuse : FieldSink {
    Status on_field(std::string_view, std::string_view, bool) override {
      return h3_error(H3Error::H3_MESSAGE_ERROR, "refused");
    }
  } sink;
  Decoder d(settings(0, 0));
  Bytes scratch(16);
  const auto out = d.decode_field_section(0, hex("0000 d1"), sink, scratch);
  ASSERT_FALSE(out.ok());
  EXPECT_TRUE(is_error(out.error(), H3Error::H3_MESSAGE_ERROR));
}

// ---- SETTINGS_MAX_FIELD_SECTION_SIZE ---------------------------------------

TEST(QpackDecoder, FieldSectionSizeLimit) {
  // :path / (1+5+32 = 38) then :method GET (7+3+32 = 42): 80 in total.
  const Bytes section = hex("0000 c1 d1");
  Harness exact(settings(0, 0, 80));
  auto out = exact.decode(0, section);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, DecodeStatus::complete);
  EXPECT_EQ(out->field_section_size, 80u);

  Harness small(settings(0, 0, 79));
  out = small.decode(0, section);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, DecodeStatus::too_large);
  EXPECT_EQ(out->field_section_size, 80u);
  EXPECT_EQ(out->field_count, 2u);
  EXPECT_EQ(small.sink.fields, (std::vector<OwnedField>{{":path", "/"}}));
  // A too-large section is still validated to the end.
  EXPECT_TRUE(is_error(small.decode(0, hex("0000 c1 d1 ff7f")).error(), kDecompression));
}

TEST(QpackDecoder, TooLargeSectionNeedsNoScratch) {
  Harness h(settings(0, 0, 40));
  h.scratch.clear();
  // A 60-byte Huffman value would need scratch, but the limit is hit first.
  std::string value(60, 'a');
  Bytes enc(huffman_encoded_size(test::span_of(value)));
  ByteWriter w(enc);
  ASSERT_TRUE(huffman_encode(test::span_of(value), w));
  Bytes section = hex("0000 5f1d");
  section.push_back(static_cast<std::uint8_t>(0x80 | enc.size()));
  section.insert(section.end(), enc.begin(), enc.end());
  const auto out = h.decode(0, section);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, DecodeStatus::too_large);
  EXPECT_EQ(out->field_section_size, 12u + 60 + 32);
}

// ---- Blocked streams (§2.1.2, §2.2.1) ----------------------------------------

TEST(QpackDecoder, BlockedStreamsAreBoundedAndReportedWhenUnblocked) {
  Harness h(settings(220, 2));
  h.feed(hex("3fbd01"));
  // RIC 1 (encoded 2), Base 1, relative index 0.
  const Bytes needs_one = hex("0200 80");
  const Bytes needs_two = hex("0300 80");
  ASSERT_EQ(h.decode(4, needs_one)->status, DecodeStatus::blocked);
  ASSERT_EQ(h.decode(4, needs_one)->status, DecodeStatus::blocked);  // same stream again
  ASSERT_EQ(h.decode(8, needs_two)->status, DecodeStatus::blocked);
  EXPECT_EQ(h.decoder.blocked_stream_count(), 2u);
  std::uint64_t ids[4];
  EXPECT_EQ(h.decoder.unblocked_streams(ids), 0u);
  // A third stream exceeds SETTINGS_QPACK_BLOCKED_STREAMS = 2.
  EXPECT_TRUE(is_error(h.decode(12, needs_one).error(), kDecompression));

  h.feed(hex("c00161"));  // :authority=a
  ASSERT_EQ(h.decoder.unblocked_streams(ids), 1u);
  EXPECT_EQ(ids[0], 4u);
  auto out = h.decode(4, needs_one);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, DecodeStatus::complete);
  EXPECT_EQ(h.sink.fields, (std::vector<OwnedField>{{":authority", "a"}}));
  EXPECT_EQ(h.decoder.blocked_stream_count(), 1u);
  h.feed(hex("c00162"));
  ASSERT_EQ(h.decoder.unblocked_streams(ids), 1u);
  EXPECT_EQ(ids[0], 8u);
  h.decoder.forget_stream(8);
  EXPECT_EQ(h.decoder.blocked_stream_count(), 0u);
}

TEST(QpackDecoder, NoBlockedStreamsAllowed) {
  Harness h(settings(220, 0));
  h.feed(hex("3fbd01"));
  EXPECT_TRUE(is_error(h.decode(0, hex("0200 80")).error(), kDecompression));
}

// ---- Malformed field sections -> QPACK_DECOMPRESSION_FAILED ------------------

class QpackDecoderMalformed : public ::testing::Test {
 protected:
  void SetUp() override {
    // Table: capacity 220, entries 0 (:authority=www.example.com) and
    // 1 (:path=/sample/path).
    h_.feed(hex("3fbd01 c00f7777772e6578616d706c652e636f6d c10c2f73616d706c652f70617468"));
  }
  ::testing::AssertionResult fails(const char* section_hex) {
    const auto out = h_.decode(0, hex(section_hex));
    if (out.ok()) return ::testing::AssertionFailure() << section_hex << " decoded";
    return is_error(out.error(), kDecompression);
  }
  Harness h_{settings(220, 4)};
};

TEST_F(QpackDecoderMalformed, ValidBaselineDecodes) {
  ASSERT_TRUE(h_.decode(0, hex("0300 81 80")).ok());  // RIC 2, Base 2
  ASSERT_TRUE(h_.decode(0, hex("0381 10 11")).ok());  // RIC 2, Base 0
}

TEST_F(QpackDecoderMalformed, TruncatedInput) {
  EXPECT_TRUE(fails(""));
  EXPECT_TRUE(fails("00"));
  EXPECT_TRUE(fails("0000 51"));          // name index, then nothing
  EXPECT_TRUE(fails("0000 510b 2f69"));   // value shorter than its length
  EXPECT_TRUE(fails("0000 ff"));          // truncated integer (static index)
  EXPECT_TRUE(fails("0000 ff80"));        // continuation bit, no more bytes
  EXPECT_TRUE(fails("0000 2f"));          // literal name, length needs more bytes
  EXPECT_TRUE(fails("ff"));               // truncated RIC
}

TEST_F(QpackDecoderMalformed, IntegerOverflow) {
  EXPECT_TRUE(fails("0000 ff ffffffffffffffffff01"));
  EXPECT_TRUE(fails("0000 ff 8080808080808080808001"));  // 11 continuation bytes
  EXPECT_TRUE(fails("0000 5f ffffffffffffffffff01"));
}

TEST_F(QpackDecoderMalformed, BadHuffman) {
  EXPECT_TRUE(fails("0000 5f1d 81 18"));          // padding not all ones
  EXPECT_TRUE(fails("0000 5f1d 82 1fff"));        // padding longer than 7 bits
  EXPECT_TRUE(fails("0000 5f1d 84 ffffffff"));    // EOS
  EXPECT_TRUE(fails("0000 2c ffffffff 00"));      // EOS in a literal name
}

TEST_F(QpackDecoderMalformed, IndexBeyondTables) {
  EXPECT_TRUE(fails("0000 ff24"));           // static index 99
  EXPECT_TRUE(fails("0000 5f54 00"));        // static name index 99
  EXPECT_TRUE(fails("0300 82"));             // relative index 2 with Base 2
  EXPECT_TRUE(fails("0381 12"));             // post-base 2: absolute 2 >= RIC 2
  EXPECT_TRUE(fails("0381 02 00"));          // literal post-base name 2
  EXPECT_TRUE(fails("0300 4200"));           // literal with dynamic name, relative 2
  EXPECT_TRUE(fails("0000 80"));             // dynamic reference with RIC 0
  EXPECT_TRUE(fails("0000 10"));             // post-base reference with RIC 0
}

TEST_F(QpackDecoderMalformed, RequiredInsertCountWrong) {
  EXPECT_TRUE(fails("0d00"));      // encoded 13 > FullRange 12
  EXPECT_TRUE(fails("0301 80"));   // Base 3 > RIC 2: relative 0 is absolute 2 >= RIC
  EXPECT_TRUE(fails("0300 81"));   // references only entry 0, but RIC 2: too large
  EXPECT_TRUE(fails("0300"));      // RIC 2 and no reference at all
  EXPECT_TRUE(fails("0282 80"));   // S=1, Delta Base 2 >= RIC 1: negative Base
  EXPECT_TRUE(fails("0281"));      // S=1, Delta Base 1 == RIC 1: negative Base
}

TEST_F(QpackDecoderMalformed, ReferenceToEvictedEntry) {
  // Shrink the table to one entry (entry 0 evicted), insert a third one.
  h_.feed(hex("3f 1e"));   // capacity 61: drops entry 0 (57) -> only entry 1 (49)
  EXPECT_EQ(h_.decoder.table().dropped_count(), 1u);
  EXPECT_TRUE(fails("0300 81"));        // absolute 0: evicted
  EXPECT_TRUE(fails("0300 4100 80"));   // evicted name (literal with name ref)
  ASSERT_TRUE(h_.decode(0, hex("0300 80")).ok());
}

// ---- Malformed encoder stream -> QPACK_ENCODER_STREAM_ERROR ------------------

::testing::AssertionResult encoder_stream_fails(std::uint64_t max_capacity, const char* bytes_hex) {
  Decoder d(settings(max_capacity, 0));
  const auto r = d.on_encoder_stream(hex(bytes_hex));
  if (r.ok()) return ::testing::AssertionFailure() << bytes_hex << " accepted (" << *r << ")";
  return is_error(r.error(), kEncoderStream);
}

TEST(QpackDecoderEncoderStream, CapacityAboveSettingsLimit) {
  EXPECT_TRUE(encoder_stream_fails(220, "3fbe01"));  // 221
  EXPECT_TRUE(encoder_stream_fails(0, "21"));         // 1 with a zero limit
  Decoder d(settings(220, 0));
  EXPECT_TRUE(d.on_encoder_stream(hex("3fbd01 20")).ok());  // 220, then 0
}

TEST(QpackDecoderEncoderStream, EntryLargerThanCapacity) {
  // Capacity 40; "a" + 8-byte value = 41.
  EXPECT_TRUE(encoder_stream_fails(100, "3f09 4161 086868686868686868"));
  EXPECT_TRUE(encoder_stream_fails(100, "3f09 c0 09616161616161616161"));  // 10 + 9 + 32 = 51
  // Rejected from its length alone, before the bytes arrive.
  EXPECT_TRUE(encoder_stream_fails(100, "3f09 c0 7f01"));
  // Capacity 0: no insert at all fits.
  EXPECT_TRUE(encoder_stream_fails(100, "4000"));
}

TEST(QpackDecoderEncoderStream, BadReferences) {
  EXPECT_TRUE(encoder_stream_fails(220, "3fbd01 ff24 00"));   // static index 99
  EXPECT_TRUE(encoder_stream_fails(220, "3fbd01 80 00"));     // dynamic name, empty table
  EXPECT_TRUE(encoder_stream_fails(220, "3fbd01 00"));        // duplicate, empty table
  EXPECT_TRUE(encoder_stream_fails(220, "3fbd01 c00161 01")); // duplicate relative 1 of 1 entry
  // Duplicate of an evicted entry: two 57-byte entries, capacity 100.
  EXPECT_TRUE(encoder_stream_fails(
      220, "3f45 c00f7777772e6578616d706c652e636f6d c00f7777772e6578616d706c652e636f6d 01"));
}

TEST(QpackDecoderEncoderStream, MalformedBytes) {
  EXPECT_TRUE(encoder_stream_fails(220, "3fbd01 c0 81 18"));  // Huffman padding not ones
  EXPECT_TRUE(encoder_stream_fails(220, "3fbd01 c0 84 ffffffff"));  // EOS
  EXPECT_TRUE(encoder_stream_fails(220, "3f ffffffffffffffffff01"));  // integer overflow
}

TEST(QpackDecoderEncoderStream, PartialInstructionIsNotConsumed) {
  Decoder d(settings(220, 0));
  const Bytes b = hex("3fbd01 c00f7777");
  const auto r = d.on_encoder_stream(b);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 3u);
  EXPECT_EQ(d.table().capacity(), 220u);
  EXPECT_EQ(d.insert_count(), 0u);
}

TEST(QpackDecoder, SettingsAreClamped) {
  Decoder d(settings(UINT64_MAX, UINT64_MAX));
  EXPECT_EQ(d.settings().max_table_capacity, DynamicTable::kMaxSupportedCapacity);
  EXPECT_EQ(d.settings().max_blocked_streams, Decoder::kMaxSupportedBlockedStreams);
}

}  // namespace
}  // namespace tquic::h3::qpack
