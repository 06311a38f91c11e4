// HTTP/3 frame encoders, payload parsers and the frame/stream table.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "h3/frame_reader.h"
#include "h3/frames.h"
#include "h3_test_util.h"
#include "wire/varint.h"

namespace tquic::h3 {
namespace {

using test::Bytes;
using test::build;
using test::is_h3;

constexpr std::uint64_t kVarintMax = wire::kVarintMax;

// Parses one whole frame with the frame reader (single chunk).
struct Parsed {
  std::uint64_t type = 0;
  Bytes payload;
  std::size_t consumed = 0;
};

Parsed parse_one(const Bytes& frame) {
  FrameReader reader;
  Parsed p;
  ByteSpan in(frame);
  for (;;) {
    auto ev = reader.next(in);
    EXPECT_TRUE(ev.ok()) << (ev.ok() ? "" : ev.error().reason);
    if (!ev.ok()) return p;
    in = in.subspan(ev->consumed);
    p.consumed += ev->consumed;
    if (ev->kind == FrameEventKind::need_more) break;
    p.type = ev->type;
    if (ev->kind != FrameEventKind::frame_header)
      p.payload.insert(p.payload.end(), ev->payload.begin(), ev->payload.end());
  }
  EXPECT_TRUE(reader.at_frame_boundary());
  return p;
}

TEST(H3Frames, DataRoundTrip) {
  const Bytes payload = test::bytes_of("hello, world");
  const Bytes f = build([&](ByteWriter& w) { return write_data_frame(w, payload); });
  EXPECT_EQ(f, test::concat({{0x00, 0x0c}, payload}));
  const Parsed p = parse_one(f);
  EXPECT_EQ(p.type, 0x00u);
  EXPECT_EQ(p.payload, payload);
}

TEST(H3Frames, EmptyDataAndHeaders) {
  EXPECT_EQ(build([](ByteWriter& w) { return write_data_frame(w, {}); }), (Bytes{0x00, 0x00}));
  EXPECT_EQ(build([](ByteWriter& w) { return write_headers_frame(w, {}); }), (Bytes{0x01, 0x00}));
}

TEST(H3Frames, HeadersRoundTripWithLongLength) {
  const Bytes section(300, 0xab);  // length needs a 2-byte varint
  const Bytes f = build([&](ByteWriter& w) { return write_headers_frame(w, section); });
  ASSERT_EQ(f.size(), 1 + 2 + 300u);
  EXPECT_EQ(f[1], 0x41);
  EXPECT_EQ(f[2], 0x2c);
  const Parsed p = parse_one(f);
  EXPECT_EQ(p.type, 0x01u);
  EXPECT_EQ(p.payload, section);
}

struct VarintFrameCase {
  bool (*write)(ByteWriter&, std::uint64_t);
  std::uint64_t type;
};

TEST(H3Frames, OneVarintFramesRoundTrip) {
  const VarintFrameCase cases[] = {{write_cancel_push_frame, 0x03},
                                   {write_goaway_frame, 0x07},
                                   {write_max_push_id_frame, 0x0d}};
  const std::uint64_t values[] = {0, 1, 63, 64, 16383, 16384, (1u << 30) - 1, 1u << 30, kVarintMax};
  for (const auto& c : cases) {
    for (std::uint64_t v : values) {
      const Bytes f = build([&](ByteWriter& w) { return c.write(w, v); });
      ASSERT_EQ(f.size(), 2 + wire::varint_size(v));
      EXPECT_EQ(f[0], c.type);
      EXPECT_EQ(f[1], wire::varint_size(v));
      const Parsed p = parse_one(f);
      EXPECT_EQ(p.type, c.type);
      auto parsed = parse_single_varint_payload(p.payload);
      ASSERT_TRUE(parsed.ok());
      EXPECT_EQ(*parsed, v);
    }
    Bytes big(16);
    ByteWriter w(big);
    EXPECT_FALSE(c.write(w, kVarintMax + 1));
    EXPECT_EQ(w.written(), 0u);
  }
}

TEST(H3Frames, PushPromiseRoundTrip) {
  const Bytes section = test::bytes_of("encoded");
  const Bytes f = build([&](ByteWriter& w) { return write_push_promise_frame(w, 70000, section); });
  const Parsed p = parse_one(f);
  EXPECT_EQ(p.type, 0x05u);
  auto pp = parse_push_promise_payload(p.payload);
  ASSERT_TRUE(pp.ok());
  EXPECT_EQ(pp->push_id, 70000u);
  EXPECT_EQ(test::string_of(pp->encoded_field_section), "encoded");
}

TEST(H3Frames, PushPromiseTruncatedPushId) {
  const Bytes payload{0x80, 0x01};  // a 4-byte varint cut short
  EXPECT_TRUE(is_h3(parse_push_promise_payload(payload).error(), H3Error::H3_FRAME_ERROR));
  EXPECT_TRUE(is_h3(parse_push_promise_payload({}).error(), H3Error::H3_FRAME_ERROR));
}

TEST(H3Frames, SingleVarintPayloadMustBeExact) {
  EXPECT_TRUE(is_h3(parse_single_varint_payload({}).error(), H3Error::H3_FRAME_ERROR));
  const Bytes extra{0x05, 0x00};
  EXPECT_TRUE(is_h3(parse_single_varint_payload(extra).error(), H3Error::H3_FRAME_ERROR));
  const Bytes truncated{0x40};
  EXPECT_TRUE(is_h3(parse_single_varint_payload(truncated).error(), H3Error::H3_FRAME_ERROR));
  const Bytes non_minimal{0x40, 0x05};  // allowed: varints need not be minimal
  ASSERT_TRUE(parse_single_varint_payload(non_minimal).ok());
  EXPECT_EQ(*parse_single_varint_payload(non_minimal), 5u);
}

TEST(H3Frames, ReservedTypes) {
  EXPECT_EQ(reserved_type(0), 0x21u);
  EXPECT_EQ(reserved_type(1), 0x40u);
  EXPECT_EQ(reserved_type(kMaxReservedIndex), 0x3ffffffffffffffeu);
  for (std::uint64_t n : {0ull, 1ull, 2ull, 1000ull, 0x210842108421083ull}) {
    EXPECT_TRUE(is_reserved_frame_type(reserved_type(n)));
    EXPECT_FALSE(is_reserved_frame_type(reserved_type(n) + 1));
  }
  EXPECT_FALSE(is_reserved_frame_type(0x20));
  EXPECT_FALSE(is_reserved_frame_type(0x00));
  const Bytes pad(5, 0);
  const Bytes f = build([&](ByteWriter& w) { return write_reserved_frame(w, 3, pad); });
  const Parsed p = parse_one(f);
  EXPECT_EQ(p.type, reserved_type(3));
  EXPECT_TRUE(p.payload.empty());  // skipped, never handed out
  EXPECT_EQ(p.consumed, f.size());
  Bytes buf(32);
  ByteWriter w(buf);
  EXPECT_FALSE(write_reserved_frame(w, kMaxReservedIndex + 1, pad));
  EXPECT_EQ(w.written(), 0u);
}

TEST(H3Frames, Names) {
  EXPECT_STREQ(frame_type_name(0x00), "DATA");
  EXPECT_STREQ(frame_type_name(0x0d), "MAX_PUSH_ID");
  EXPECT_STREQ(frame_type_name(0x02), "HTTP2_RESERVED");
  EXPECT_STREQ(frame_type_name(0x21), "RESERVED");
  EXPECT_STREQ(frame_type_name(0x0a), "UNKNOWN");
}

TEST(H3Frames, WritersAreAtomic) {
  const Bytes payload(10, 1);
  using Writer = bool (*)(ByteWriter&, ByteSpan);
  const Writer writers[] = {
      [](ByteWriter& w, ByteSpan p) { return write_push_promise_frame(w, 1, p); },
      [](ByteWriter& w, ByteSpan p) { return write_data_frame(w, p); },
      [](ByteWriter& w, ByteSpan p) { return write_headers_frame(w, p); },
      [](ByteWriter& w, ByteSpan p) { return write_reserved_frame(w, 100, p); },
      [](ByteWriter& w, ByteSpan p) { return write_frame(w, 0x4000, p); },
  };
  for (Writer write : writers) {
    const Bytes full = build([&](ByteWriter& w) { return write(w, payload); });
    for (std::size_t cap = 0; cap < full.size(); ++cap) {
      Bytes buf(cap);
      ByteWriter w(buf);
      EXPECT_FALSE(write(w, payload));
      EXPECT_EQ(w.written(), 0u) << cap;
    }
  }
  Bytes buf(3);
  ByteWriter w(buf);
  EXPECT_FALSE(write_goaway_frame(w, 64));  // needs 4 bytes
  EXPECT_EQ(w.written(), 0u);
  EXPECT_TRUE(write_goaway_frame(w, 63));
}

// RFC 9114 §7 table 1.
TEST(H3Frames, FrameStreamTable) {
  struct Row {
    std::uint64_t type;
    bool control, request, push;
  };
  const Row rows[] = {
      {0x00, false, true, true},   {0x01, false, true, true},   {0x03, true, false, false},
      {0x04, true, false, false},  {0x05, false, true, false},  {0x07, true, false, false},
      {0x0d, true, false, false},  {0x21, true, true, true},    {0x0a, true, true, true},
      {0x02, false, false, false}, {0x06, false, false, false}, {0x08, false, false, false},
      {0x09, false, false, false},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(frame_allowed_in(r.type, FrameContext::control), r.control) << r.type;
    EXPECT_EQ(frame_allowed_in(r.type, FrameContext::request), r.request) << r.type;
    EXPECT_EQ(frame_allowed_in(r.type, FrameContext::push), r.push) << r.type;
    if (!r.control) {
      EXPECT_TRUE(is_h3(check_frame_allowed(r.type, FrameContext::control).error(),
                        H3Error::H3_FRAME_UNEXPECTED));
    }
  }
}

TEST(H3Frames, GenericWriterAndHeaderSize) {
  EXPECT_EQ(frame_header_size(0, 0), 2u);
  EXPECT_EQ(frame_header_size(0x40, 0x4000), 2u + 4u);
  EXPECT_EQ(frame_header_size(kVarintMax + 1, 0), 0u);
  const Bytes f = build([](ByteWriter& w) { return write_frame(w, 0x1234, test::span_of("xy")); });
  EXPECT_EQ(f, (Bytes{0x52, 0x34, 0x02, 'x', 'y'}));
}

}  // namespace
}  // namespace tquic::h3
