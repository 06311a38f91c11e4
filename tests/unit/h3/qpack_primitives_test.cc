// Prefixed integers (RFC 7541 §5.1), string literals (§5.2) and the QPACK
// representation / instruction codecs.
#include <gtest/gtest.h>

#include "h3/qpack/instructions.h"
#include "h3/qpack/prefixed_integer.h"
#include "h3/qpack/representation.h"
#include "h3/qpack/string_literal.h"
#include "qpack_test_util.h"

namespace tquic::h3::qpack {
namespace {

using test::Bytes;
using test::build;
using test::hex;
using test::span_of;
using test::to_hex;

Bytes encode_int(std::uint8_t flags, unsigned prefix, std::uint64_t v) {
  return build([&](ByteWriter& w) { return write_prefixed_integer(w, flags, prefix, v); });
}

ParseStatus decode_int(const Bytes& b, unsigned prefix, std::uint64_t& v, std::size_t& used) {
  ByteReader r(b);
  const ParseStatus s = read_prefixed_integer(r, prefix, v);
  used = r.position();
  return s;
}

// RFC 7541 C.1.1 - C.1.3.
TEST(QpackPrefixedInteger, Rfc7541Examples) {
  EXPECT_EQ(to_hex(encode_int(0, 5, 10)), "0a");
  EXPECT_EQ(to_hex(encode_int(0, 5, 1337)), "1f9a0a");
  EXPECT_EQ(to_hex(encode_int(0, 8, 42)), "2a");
  std::uint64_t v = 0;
  std::size_t used = 0;
  ASSERT_EQ(decode_int(hex("1f9a0a"), 5, v, used), ParseStatus::ok);
  EXPECT_EQ(v, 1337u);
  EXPECT_EQ(used, 3u);
  // High bits above the prefix belong to the caller and are ignored.
  ASSERT_EQ(decode_int(hex("ea"), 5, v, used), ParseStatus::ok);
  EXPECT_EQ(v, 10u);
}

TEST(QpackPrefixedInteger, RoundTripsEveryPrefixAndBoundary) {
  for (unsigned prefix = 1; prefix <= 8; ++prefix) {
    const std::uint64_t max_prefix = (1u << prefix) - 1;
    for (std::uint64_t v : {std::uint64_t{0}, max_prefix - 1, max_prefix, max_prefix + 1,
                            max_prefix + 127, max_prefix + 128, std::uint64_t{1} << 32,
                            kPrefixedIntegerMax - 1, kPrefixedIntegerMax}) {
      const Bytes b = encode_int(static_cast<std::uint8_t>(0xff << prefix), prefix, v);
      EXPECT_EQ(b.size(), prefixed_integer_size(v, prefix));
      std::uint64_t out = 0;
      std::size_t used = 0;
      ASSERT_EQ(decode_int(b, prefix, out, used), ParseStatus::ok) << prefix << " " << v;
      EXPECT_EQ(out, v);
      EXPECT_EQ(used, b.size());
      EXPECT_EQ(b[0] >> prefix, 0xffu >> prefix) << "flag bits kept";
    }
  }
}

TEST(QpackPrefixedInteger, TruncatedLeavesReaderInPlace) {
  const Bytes full = encode_int(0, 5, 1u << 20);
  for (std::size_t n = 0; n < full.size(); ++n) {
    const Bytes part(full.begin(), full.begin() + static_cast<long>(n));
    std::uint64_t v = 0;
    std::size_t used = 99;
    EXPECT_EQ(decode_int(part, 5, v, used), ParseStatus::truncated) << n;
    EXPECT_EQ(used, 0u);
  }
}

TEST(QpackPrefixedInteger, RejectsOverflowAndOverlongEncodings) {
  std::uint64_t v = 0;
  std::size_t used = 0;
  // 2^62 - 1 is the largest accepted value...
  ASSERT_EQ(decode_int(encode_int(0, 8, kPrefixedIntegerMax), 8, v, used), ParseStatus::ok);
  EXPECT_EQ(v, kPrefixedIntegerMax);
  // ... and 2^62 (built by hand: 0xff then 2^62 - 255 in 7-bit groups) is not.
  Bytes b{0xff};
  std::uint64_t rest = (std::uint64_t{1} << 62) - 255;
  while (rest >= 0x80) {
    b.push_back(static_cast<std::uint8_t>(0x80 | (rest & 0x7f)));
    rest >>= 7;
  }
  b.push_back(static_cast<std::uint8_t>(rest));
  EXPECT_EQ(decode_int(b, 8, v, used), ParseStatus::invalid);
  // A 64-bit value is refused, not wrapped.
  EXPECT_EQ(decode_int(hex("ff ffffffffffffffffff 01"), 8, v, used), ParseStatus::invalid);
  // Eleven continuation bytes (zero payload, still too long).
  EXPECT_EQ(decode_int(hex("1f 8080808080808080808000"), 5, v, used), ParseStatus::invalid);
  // Ten are fine when the value fits.
  ASSERT_EQ(decode_int(hex("1f 80808080808080808000"), 5, v, used), ParseStatus::ok);
  EXPECT_EQ(v, 31u);
  // Writing refuses values above 62 bits.
  Bytes buf(16);
  ByteWriter w(buf);
  EXPECT_FALSE(write_prefixed_integer(w, 0, 5, kPrefixedIntegerMax + 1));
  EXPECT_EQ(w.written(), 0u);
}

TEST(QpackPrefixedInteger, WriterIsAllOrNothing) {
  Bytes buf(2);
  ByteWriter w(buf);
  EXPECT_FALSE(write_prefixed_integer(w, 0, 5, 1337));  // needs 3 bytes
  EXPECT_EQ(w.written(), 0u);
  EXPECT_TRUE(write_prefixed_integer(w, 0, 5, 30));
}

TEST(QpackStringLiteral, PlainAndHuffmanRoundTrip) {
  for (unsigned prefix = 2; prefix <= 8; ++prefix) {
    for (std::string_view s : {"", "a", "www.example.com", "\x01\x02\xff binary"}) {
      const Bytes b = build([&](ByteWriter& w) { return write_string_literal(w, 0, prefix, span_of(s)); });
      EXPECT_EQ(b.size(), string_literal_size(span_of(s), prefix));
      ByteReader r(b);
      StringLiteral lit;
      ASSERT_EQ(read_string_literal(r, prefix, 1000, lit), ParseStatus::ok);
      EXPECT_TRUE(r.empty());
      std::size_t n = 0;
      ASSERT_TRUE(string_literal_decoded_size(lit, n));
      ASSERT_EQ(n, s.size());
      std::string out(n, '\0');
      ASSERT_TRUE(decode_string_literal_into(
          lit, MutByteSpan(reinterpret_cast<std::uint8_t*>(out.data()), out.size())));
      EXPECT_EQ(out, s);
    }
  }
}

TEST(QpackStringLiteral, HuffmanOnlyWhenShorterAndWhenAllowed) {
  // "www.example.com": 15 bytes plain, 12 Huffman (RFC 7541 C.4.1).
  const Bytes h = build([](ByteWriter& w) { return write_string_literal(w, 0, 8, span_of("www.example.com")); });
  EXPECT_EQ(to_hex(h), "8cf1e3c2e5f23a6ba0ab90f4ff");
  const Bytes p = build([](ByteWriter& w) {
    return write_string_literal(w, 0, 8, span_of("www.example.com"), false);
  });
  EXPECT_EQ(to_hex(p), "0f7777772e6578616d706c652e636f6d");
  // Symbols with long codes: plain is shorter, so no Huffman.
  const Bytes q = build([](ByteWriter& w) { return write_string_literal(w, 0, 8, span_of("\x01\x02")); });
  EXPECT_EQ(to_hex(q), "020102");
}

TEST(QpackStringLiteral, LengthLimitAppliesBeforeBytesArrive) {
  // Plain literal of declared length 100 with only 2 bytes present.
  const Bytes b = hex("64 4142");
  StringLiteral lit;
  ByteReader r(b);
  EXPECT_EQ(read_string_literal(r, 8, 100, lit), ParseStatus::truncated);
  EXPECT_EQ(read_string_literal(r, 8, 99, lit), ParseStatus::invalid);
  EXPECT_EQ(r.position(), 0u);
  // Huffman: 100 encoded bytes decode to at least (800 - 7) / 30 = 26 bytes.
  const Bytes hb = hex("e4 4142");
  ByteReader hr(hb);
  EXPECT_EQ(read_string_literal(hr, 8, 26, lit), ParseStatus::truncated);
  EXPECT_EQ(read_string_literal(hr, 8, 25, lit), ParseStatus::invalid);
}

TEST(QpackSectionPrefix, RequiredInsertCountEncodingRoundTrips) {
  // §4.5.1.1 example: 100-byte table -> MaxEntries 3, modulo 6; with 10
  // inserts an encoded 4 means 9.
  std::uint64_t ric = 0;
  ASSERT_TRUE(decode_required_insert_count(4, 3, 10, ric));
  EXPECT_EQ(ric, 9u);
  for (std::uint64_t max_entries : {1u, 3u, 6u, 128u}) {
    for (std::uint64_t total = 0; total < 5 * max_entries + 3; ++total) {
      // Any RIC in (total - MaxEntries, total + MaxEntries] is recoverable...
      const std::uint64_t lo = total > max_entries ? total - max_entries + 1 : 1;
      for (std::uint64_t want = lo; want <= total + max_entries; ++want) {
        const std::uint64_t enc = encode_required_insert_count(want, max_entries);
        ASSERT_TRUE(decode_required_insert_count(enc, max_entries, total, ric));
        EXPECT_EQ(ric, want) << max_entries << " " << total;
      }
    }
  }
  EXPECT_EQ(encode_required_insert_count(0, 6), 0u);
  ASSERT_TRUE(decode_required_insert_count(0, 6, 100, ric));
  EXPECT_EQ(ric, 0u);
}

TEST(QpackSectionPrefix, RejectsImpossibleRequiredInsertCounts) {
  std::uint64_t ric = 0;
  EXPECT_FALSE(decode_required_insert_count(13, 6, 0, ric));  // > FullRange (12)
  EXPECT_FALSE(decode_required_insert_count(1, 0, 0, ric));   // no dynamic table at all
  // With no inserts and MaxEntries 6, encoded 12 would mean RIC 11 (> MaxValue
  // 6) and cannot wrap below FullRange.
  EXPECT_FALSE(decode_required_insert_count(12, 6, 0, ric));
  // Encoded 1 with no inserts would mean RIC 0, which must be encoded as 0.
  EXPECT_FALSE(decode_required_insert_count(1, 6, 0, ric));
}

TEST(QpackSectionPrefix, Base) {
  SectionPrefix p;
  std::uint64_t base = 0;
  p.sign = false;
  p.delta_base = 3;
  ASSERT_TRUE(decode_base(p, 9, base));
  EXPECT_EQ(base, 12u);
  p.sign = true;
  p.delta_base = 2;  // §4.5.1.2 example: RIC 9, S=1, delta 2 -> Base 6
  ASSERT_TRUE(decode_base(p, 9, base));
  EXPECT_EQ(base, 6u);
  p.delta_base = 9;  // RIC <= Delta Base with S=1: negative Base
  EXPECT_FALSE(decode_base(p, 9, base));
  const Bytes b = build([](ByteWriter& w) { return write_section_prefix(w, 2, 0, 6); });
  EXPECT_EQ(to_hex(b), "0381");  // RFC 9204 B.2
  EXPECT_EQ(section_prefix_size(2, 0, 6), 2u);
}

TEST(QpackRepresentation, EachKindRoundTrips) {
  const Bytes b = build([](ByteWriter& w) {
    return write_indexed(w, true, 17) && write_indexed(w, false, 70) &&
           write_indexed_post_base(w, 20) &&
           write_literal_name_reference(w, true, true, 1, span_of("/index.html")) &&
           write_literal_post_base_name_reference(w, true, 9, span_of("v")) &&
           write_literal_literal_name(w, false, span_of("custom-key"), span_of("custom-value"));
  });
  ByteReader r(b);
  FieldLineRepresentation rep;
  ASSERT_EQ(read_field_line(r, rep), ParseStatus::ok);
  EXPECT_TRUE(rep.kind == FieldLineKind::indexed && rep.is_static && rep.index == 17);
  ASSERT_EQ(read_field_line(r, rep), ParseStatus::ok);
  EXPECT_TRUE(rep.kind == FieldLineKind::indexed && !rep.is_static && rep.index == 70);
  ASSERT_EQ(read_field_line(r, rep), ParseStatus::ok);
  EXPECT_TRUE(rep.kind == FieldLineKind::indexed_post_base && rep.index == 20);
  ASSERT_EQ(read_field_line(r, rep), ParseStatus::ok);
  EXPECT_TRUE(rep.kind == FieldLineKind::literal_name_reference && rep.is_static &&
              rep.never_indexed && rep.index == 1);
  ASSERT_EQ(read_field_line(r, rep), ParseStatus::ok);
  EXPECT_TRUE(rep.kind == FieldLineKind::literal_post_base_name_reference && rep.never_indexed &&
              rep.index == 9);
  ASSERT_EQ(read_field_line(r, rep), ParseStatus::ok);
  EXPECT_TRUE(rep.kind == FieldLineKind::literal_literal_name && !rep.never_indexed);
  EXPECT_TRUE(r.empty());
}

// RFC 9204 B.1: literal with static name reference, byte for byte.
TEST(QpackRepresentation, RfcB1LiteralWithStaticNameReference) {
  const Bytes b = build([](ByteWriter& w) {
    return write_section_prefix(w, 0, 0, 0) &&
           write_literal_name_reference(w, false, true, 1, span_of("/index.html"), false);
  });
  EXPECT_EQ(b, hex("0000 510b 2f69 6e64 6578 2e68 746d 6c"));
}

// RFC 9204 Appendix B encoder-stream bytes, built with the instruction writers.
TEST(QpackInstructions, RfcAppendixBEncoderStreamBytes) {
  const Bytes b2 = build([](ByteWriter& w) {
    return write_set_dynamic_table_capacity(w, 220) &&
           write_insert_with_name_reference(w, true, 0, span_of("www.example.com"), false) &&
           write_insert_with_name_reference(w, true, 1, span_of("/sample/path"), false);
  });
  EXPECT_EQ(b2, hex("3fbd01 c00f 7777 772e 6578 616d 706c 652e 636f 6d c10c 2f73 616d 706c 652f "
                    "7061 7468"));
  const Bytes b3 = build([](ByteWriter& w) {
    return write_insert_with_literal_name(w, span_of("custom-key"), span_of("custom-value"), false);
  });
  EXPECT_EQ(b3, hex("4a63 7573 746f 6d2d 6b65 790c 6375 7374 6f6d 2d76 616c 7565"));
  EXPECT_EQ(build([](ByteWriter& w) { return write_duplicate(w, 2); }), hex("02"));
  const Bytes b5 = build([](ByteWriter& w) {
    return write_insert_with_name_reference(w, false, 1, span_of("custom-value2"), false);
  });
  EXPECT_EQ(b5, hex("810d 6375 7374 6f6d 2d76 616c 7565 32"));
}

TEST(QpackInstructions, RfcAppendixBDecoderStreamBytes) {
  EXPECT_EQ(build([](ByteWriter& w) { return write_section_acknowledgment(w, 4); }), hex("84"));
  EXPECT_EQ(build([](ByteWriter& w) { return write_insert_count_increment(w, 1); }), hex("01"));
  EXPECT_EQ(build([](ByteWriter& w) { return write_stream_cancellation(w, 8); }), hex("48"));
}

TEST(QpackInstructions, EncoderInstructionsParse) {
  const Bytes b = hex("3fbd01 c00f7777772e6578616d706c652e636f6d 4a637573746f6d2d6b65790c637573746f6d2d76616c7565 02");
  ByteReader r(b);
  EncoderInstruction ins;
  ASSERT_EQ(read_encoder_instruction(r, 188, ins), ParseStatus::ok);
  EXPECT_TRUE(ins.kind == EncoderInstructionKind::set_dynamic_table_capacity && ins.value == 220);
  ASSERT_EQ(read_encoder_instruction(r, 188, ins), ParseStatus::ok);
  EXPECT_TRUE(ins.kind == EncoderInstructionKind::insert_with_name_reference && ins.is_static &&
              ins.value == 0 && ins.field_value.encoded.size() == 15);
  ASSERT_EQ(read_encoder_instruction(r, 188, ins), ParseStatus::ok);
  EXPECT_TRUE(ins.kind == EncoderInstructionKind::insert_with_literal_name &&
              ins.name.encoded.size() == 10 && ins.field_value.encoded.size() == 12);
  ASSERT_EQ(read_encoder_instruction(r, 188, ins), ParseStatus::ok);
  EXPECT_TRUE(ins.kind == EncoderInstructionKind::duplicate && ins.value == 2);
  EXPECT_TRUE(r.empty());
  // Every strict prefix of an instruction is truncated, never invalid.
  const Bytes one = hex("4a637573746f6d2d6b65790c637573746f6d2d76616c7565");
  for (std::size_t n = 0; n < one.size(); ++n) {
    ByteReader pr(ByteSpan(one.data(), n));
    EXPECT_EQ(read_encoder_instruction(pr, 188, ins), ParseStatus::truncated) << n;
    EXPECT_EQ(pr.position(), 0u);
  }
}

TEST(QpackInstructions, DecoderInstructionsParse) {
  const Bytes b = hex("84 01 48 ff00 7f01");
  ByteReader r(b);
  DecoderInstruction ins;
  ASSERT_EQ(read_decoder_instruction(r, ins), ParseStatus::ok);
  EXPECT_TRUE(ins.kind == DecoderInstructionKind::section_acknowledgment && ins.value == 4);
  ASSERT_EQ(read_decoder_instruction(r, ins), ParseStatus::ok);
  EXPECT_TRUE(ins.kind == DecoderInstructionKind::insert_count_increment && ins.value == 1);
  ASSERT_EQ(read_decoder_instruction(r, ins), ParseStatus::ok);
  EXPECT_TRUE(ins.kind == DecoderInstructionKind::stream_cancellation && ins.value == 8);
  ASSERT_EQ(read_decoder_instruction(r, ins), ParseStatus::ok);
  EXPECT_TRUE(ins.kind == DecoderInstructionKind::section_acknowledgment && ins.value == 127);
  ASSERT_EQ(read_decoder_instruction(r, ins), ParseStatus::ok);
  EXPECT_TRUE(ins.kind == DecoderInstructionKind::stream_cancellation && ins.value == 64);
  EXPECT_EQ(read_decoder_instruction(r, ins), ParseStatus::truncated);
}

}  // namespace
}  // namespace tquic::h3::qpack
