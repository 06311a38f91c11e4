// The incremental frame reader: every split point of a multi-frame stream
// gives the same frames; DATA is never copied; limits and malformations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "h3/frame_reader.h"
#include "h3/frames.h"
#include "h3/settings.h"
#include "h3_test_util.h"

namespace tquic::h3 {
namespace {

using test::Bytes;
using test::build;
using test::is_h3;

struct Record {
  FrameEventKind kind;
  std::uint64_t type;
  std::uint64_t length;
  Bytes bytes;
  bool operator==(const Record&) const = default;
};

// Feeds `chunks` in order and returns the normalised event transcript:
// consecutive DATA pieces of one frame are merged into one record.
struct Transcript {
  std::vector<Record> records;
  bool at_boundary = false;
};

void append(Transcript& t, const FrameEvent& ev, ByteSpan chunk) {
  if (ev.kind == FrameEventKind::data) {
    // DATA must be a view into the chunk being fed: never copied.
    EXPECT_GE(ev.payload.data(), chunk.data());
    EXPECT_LE(ev.payload.data() + ev.payload.size(), chunk.data() + chunk.size());
    EXPECT_FALSE(ev.payload.empty());
    Record& last = t.records.back();
    if (last.kind == FrameEventKind::data) {
      last.bytes.insert(last.bytes.end(), ev.payload.begin(), ev.payload.end());
      return;
    }
  }
  t.records.push_back(Record{ev.kind, ev.type, ev.length, Bytes(ev.payload.begin(), ev.payload.end())});
}

Transcript feed_chunks(const std::vector<ByteSpan>& chunks) {
  FrameReader reader;
  Transcript t;
  for (ByteSpan chunk : chunks) {
    ByteSpan in = chunk;
    for (;;) {
      auto ev = reader.next(in);
      EXPECT_TRUE(ev.ok()) << (ev.ok() ? "" : ev.error().reason);
      if (!ev.ok()) return t;
      EXPECT_LE(ev->consumed, in.size());
      in = in.subspan(ev->consumed);
      if (ev->kind == FrameEventKind::need_more) {
        EXPECT_TRUE(in.empty());
        break;
      }
      append(t, *ev, chunk);
    }
  }
  t.at_boundary = reader.at_frame_boundary() && reader.finish().ok();
  return t;
}

std::vector<Bytes> sample_frames() {
  Settings s;
  s.qpack_max_table_capacity = 4096;
  s.h3_datagram = true;
  const GreaseSetting grease{2, 1u << 20};
  const Bytes payload(70, 'd');
  return {
      build([&](ByteWriter& w) { return write_settings_frame(w, s, &grease); }),
      build([](ByteWriter& w) { return write_headers_frame(w, test::span_of("hdrs")); }),
      build([](ByteWriter& w) { return write_reserved_frame(w, 7, test::span_of("grease")); }),
      build([&](ByteWriter& w) { return write_data_frame(w, payload); }),
      build([](ByteWriter& w) { return write_data_frame(w, {}); }),
      build([](ByteWriter& w) { return write_headers_frame(w, {}); }),
      build([](ByteWriter& w) { return write_push_promise_frame(w, 300, test::span_of("pp")); }),
      build([](ByteWriter& w) { return write_goaway_frame(w, 1u << 16); }),
      build([](ByteWriter& w) { return write_frame(w, 0x1234, {}); }),
      build([](ByteWriter& w) { return write_max_push_id_frame(w, 9); }),
      build([](ByteWriter& w) { return write_cancel_push_frame(w, 8); }),
      build([](ByteWriter& w) { return write_data_frame(w, test::span_of("z")); }),
  };
}

Bytes sample_stream() {
  Bytes out;
  for (const Bytes& f : sample_frames()) out.insert(out.end(), f.begin(), f.end());
  return out;
}

TEST(H3FrameReader, WholeStreamTranscript) {
  const Bytes b = sample_stream();
  const Transcript t = feed_chunks({ByteSpan(b)});
  ASSERT_TRUE(t.at_boundary);
  // 12 headers + 7 buffered payloads + 2 non-empty DATA payloads.
  ASSERT_EQ(t.records.size(), 21u);
  EXPECT_EQ(t.records[0].kind, FrameEventKind::frame_header);
  EXPECT_EQ(t.records[0].type, 0x04u);
  EXPECT_EQ(t.records[1].kind, FrameEventKind::frame);
  auto s = parse_settings_payload(t.records[1].bytes);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->qpack_max_table_capacity, 4096u);
  EXPECT_EQ(test::string_of(t.records[3].bytes), "hdrs");
  EXPECT_EQ(t.records[4].type, reserved_type(7));  // header only, payload skipped
  EXPECT_EQ(t.records[5].type, 0x00u);
  EXPECT_EQ(t.records[6].kind, FrameEventKind::data);
  EXPECT_EQ(t.records[6].bytes, Bytes(70, 'd'));
  EXPECT_EQ(t.records[7].length, 0u);  // empty DATA: header only
  EXPECT_EQ(t.records[8].type, 0x01u);
  EXPECT_EQ(t.records[9].kind, FrameEventKind::frame);  // empty HEADERS still reported
  EXPECT_TRUE(t.records[9].bytes.empty());
  EXPECT_EQ(t.records.back().bytes, Bytes{'z'});
}

TEST(H3FrameReader, EverySplitPointGivesTheSameFrames) {
  const Bytes b = sample_stream();
  const Transcript whole = feed_chunks({ByteSpan(b)});
  for (std::size_t split = 0; split <= b.size(); ++split) {
    const Transcript t = feed_chunks({ByteSpan(b).first(split), ByteSpan(b).subspan(split)});
    ASSERT_EQ(t.records, whole.records) << "split at " << split;
    EXPECT_TRUE(t.at_boundary);
  }
}

TEST(H3FrameReader, EveryPairOfSplitPoints) {
  const Bytes b = sample_stream();
  const Transcript whole = feed_chunks({ByteSpan(b)});
  for (std::size_t i = 0; i <= b.size(); i += 1) {
    for (std::size_t j = i; j <= b.size(); j += 3) {
      const ByteSpan all(b);
      const Transcript t = feed_chunks({all.first(i), all.subspan(i, j - i), all.subspan(j)});
      ASSERT_EQ(t.records, whole.records) << "splits " << i << "," << j;
    }
  }
}

TEST(H3FrameReader, ByteByByte) {
  const Bytes b = sample_stream();
  std::vector<ByteSpan> chunks;
  for (std::size_t i = 0; i < b.size(); ++i) chunks.push_back(ByteSpan(b).subspan(i, 1));
  EXPECT_EQ(feed_chunks(chunks).records, feed_chunks({ByteSpan(b)}).records);
}

TEST(H3FrameReader, ContiguousBufferedPayloadIsAView) {
  const Bytes b = build([](ByteWriter& w) { return write_headers_frame(w, test::span_of("abc")); });
  FrameReader reader;
  auto header = reader.next(b);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->kind, FrameEventKind::frame_header);
  auto frame = reader.next(ByteSpan(b).subspan(header->consumed));
  ASSERT_TRUE(frame.ok());
  EXPECT_EQ(frame->kind, FrameEventKind::frame);
  EXPECT_EQ(frame->payload.data(), b.data() + 2);
}

TEST(H3FrameReader, DataFrameEndFlag) {
  const Bytes b = build([](ByteWriter& w) { return write_data_frame(w, test::span_of("0123456789")); });
  FrameReader reader;
  ByteSpan in(b);
  auto h = reader.next(in.first(4));  // header + 2 payload bytes
  ASSERT_TRUE(h.ok());
  auto d1 = reader.next(in.subspan(h->consumed, 4 - h->consumed));
  ASSERT_TRUE(d1.ok());
  EXPECT_EQ(d1->kind, FrameEventKind::data);
  EXPECT_FALSE(d1->frame_end);
  EXPECT_FALSE(reader.at_frame_boundary());
  EXPECT_TRUE(is_h3(reader.finish().error(), H3Error::H3_FRAME_ERROR));
  auto d2 = reader.next(in.subspan(4));
  ASSERT_TRUE(d2.ok());
  EXPECT_TRUE(d2->frame_end);
  EXPECT_EQ(d2->payload.size(), 8u);
  EXPECT_TRUE(reader.finish().ok());
}

TEST(H3FrameReader, StreamEndingInsideAFrameIsFrameError) {
  const Bytes b = sample_stream();
  std::vector<std::size_t> boundaries{0};
  for (const Bytes& f : sample_frames()) boundaries.push_back(boundaries.back() + f.size());
  for (std::size_t cut = 0; cut <= b.size(); ++cut) {
    FrameReader reader;
    ByteSpan in = ByteSpan(b).first(cut);
    for (;;) {
      auto ev = reader.next(in);
      ASSERT_TRUE(ev.ok());
      in = in.subspan(ev->consumed);
      if (ev->kind == FrameEventKind::need_more) break;
    }
    const bool boundary =
        std::find(boundaries.begin(), boundaries.end(), cut) != boundaries.end();
    EXPECT_EQ(reader.finish().ok(), boundary) << cut;
    if (!boundary) {
      EXPECT_TRUE(is_h3(reader.finish().error(), H3Error::H3_FRAME_ERROR));
    }
  }
}

TEST(H3FrameReader, Http2FrameTypesRejected) {
  for (std::uint8_t type : {0x02, 0x06, 0x08, 0x09}) {
    FrameReader reader;
    const Bytes b{type, 0x00};
    auto ev = reader.next(b);
    ASSERT_FALSE(ev.ok());
    EXPECT_TRUE(is_h3(ev.error(), H3Error::H3_FRAME_UNEXPECTED));
    EXPECT_TRUE(reader.failed());
    // Sticky: later input gets the same error.
    auto again = reader.next(Bytes{0x00, 0x00});
    ASSERT_FALSE(again.ok());
    EXPECT_TRUE(is_h3(again.error(), H3Error::H3_FRAME_UNEXPECTED));
  }
}

TEST(H3FrameReader, OversizedBufferedFramesRejectedBeforeBuffering) {
  FrameReaderLimits limits;
  limits.max_field_section_frame = 100;
  limits.max_settings_frame = 10;
  struct Case {
    std::uint64_t type;
    std::uint64_t length;
    bool ok;
  };
  const Case cases[] = {{0x01, 100, true}, {0x01, 101, false}, {0x05, 101, false},
                        {0x04, 10, true},  {0x04, 11, false},  {0x00, 1u << 30, true},
                        {0x21, 1u << 30, true}};
  for (const Case& c : cases) {
    FrameReader reader(limits);
    const Bytes header = build([&](ByteWriter& w) { return write_frame_header(w, c.type, c.length); });
    auto ev = reader.next(header);  // only the header: nothing buffered yet
    EXPECT_EQ(ev.ok(), c.ok) << c.type << " " << c.length;
    if (!c.ok) {
      EXPECT_TRUE(is_h3(ev.error(), H3Error::H3_EXCESSIVE_LOAD));
    }
  }
}

TEST(H3FrameReader, OneVarintFrameLengthChecked) {
  for (std::uint8_t type : {0x03, 0x07, 0x0d}) {
    for (std::uint8_t length : {0, 9, 63}) {
      FrameReader reader;
      auto ev = reader.next(Bytes{type, length});
      ASSERT_FALSE(ev.ok());
      EXPECT_TRUE(is_h3(ev.error(), H3Error::H3_FRAME_ERROR));
    }
  }
}

TEST(H3FrameReader, LargeUnknownFrameSkippedWithoutBuffering) {
  const Bytes payload(100000, 0x55);
  const Bytes b = test::concat({build([&](ByteWriter& w) { return write_frame(w, 0x2f, payload); }),
                                build([](ByteWriter& w) { return write_data_frame(w, test::span_of("x")); })});
  std::vector<ByteSpan> chunks;
  for (std::size_t i = 0; i < b.size(); i += 1000) chunks.push_back(ByteSpan(b).subspan(i, std::min<std::size_t>(1000, b.size() - i)));
  const Transcript t = feed_chunks(chunks);
  ASSERT_EQ(t.records.size(), 3u);
  EXPECT_EQ(t.records[0].type, 0x2fu);
  EXPECT_EQ(t.records[0].length, 100000u);
  EXPECT_EQ(t.records[2].bytes, Bytes{'x'});
  EXPECT_EQ(t.records.size(), 3u);
}

TEST(H3FrameReader, CountsFrames) {
  const Bytes b = sample_stream();
  FrameReader reader;
  ByteSpan in(b);
  for (;;) {
    auto ev = reader.next(in);
    ASSERT_TRUE(ev.ok());
    in = in.subspan(ev->consumed);
    if (ev->kind == FrameEventKind::need_more) break;
  }
  EXPECT_EQ(reader.frames_started(), 12u);
  EXPECT_TRUE(frame_type_is_buffered(0x01));
  EXPECT_FALSE(frame_type_is_buffered(0x00));
  EXPECT_FALSE(frame_type_is_buffered(0x21));
}

}  // namespace
}  // namespace tquic::h3
