// HTTP/0.9 over QUIC request parsing (hq-interop).
#include <gtest/gtest.h>

#include <string>

#include "h3/hq_interop.h"
#include "h3_test_util.h"

namespace tquic::h3 {
namespace {

using test::Bytes;
using test::build;
using test::span_of;

HqRequest parse_whole(std::string_view s, bool fin = true) {
  HqRequestParser p;
  return p.feed(span_of(s), fin);
}

TEST(H3HqInterop, Requests) {
  struct Case {
    std::string input;
    bool fin;
    HqRequestStatus status;
    std::string relative;
  };
  const Case cases[] = {
      {"GET /index.html\r\n", true, HqRequestStatus::ok, "index.html"},
      {"GET /index.html\r\n", false, HqRequestStatus::ok, "index.html"},
      {"GET /a/b\n", true, HqRequestStatus::ok, "a/b"},             // missing \r
      {"GET /a/b", true, HqRequestStatus::ok, "a/b"},               // FIN ends the line
      {"GET /a/b", false, HqRequestStatus::need_more, ""},
      {"GET /\r\n", true, HqRequestStatus::ok, "index.html"},
      {"GET   /x  \r\n", true, HqRequestStatus::ok, "x"},            // extra blanks
      {"GET /x?y=1\r\n", true, HqRequestStatus::ok, "x"},
      {"GET /../etc/passwd\r\n", true, HqRequestStatus::bad_path, ""},
      {"GET /a/%2e%2e/%2e%2e/x\r\n", true, HqRequestStatus::bad_path, ""},
      {"GET /a%00b\r\n", true, HqRequestStatus::bad_path, ""},
      {"GET /a\rb\r\n", true, HqRequestStatus::bad_path, ""},
      {"POST /x\r\n", true, HqRequestStatus::bad_request_line, ""},
      {"get /x\r\n", true, HqRequestStatus::bad_request_line, ""},
      {"GET\r\n", true, HqRequestStatus::bad_request_line, ""},
      {"GET \r\n", true, HqRequestStatus::bad_request_line, ""},
      {"GET /x HTTP/1.1\r\n", true, HqRequestStatus::bad_request_line, ""},
      {"", true, HqRequestStatus::bad_request_line, ""},
      {"\r\n", true, HqRequestStatus::bad_request_line, ""},
      {"GET x\r\n", true, HqRequestStatus::bad_path, ""},
  };
  for (const Case& c : cases) {
    const HqRequest r = parse_whole(c.input, c.fin);
    EXPECT_EQ(r.status, c.status) << c.input;
    if (c.status == HqRequestStatus::ok) {
      EXPECT_EQ(r.relative_path, c.relative) << c.input;
    }
  }
}

TEST(H3HqInterop, EverySplitPoint) {
  const std::string req = "GET /dir/file-1.bin\r\n";
  for (std::size_t split = 0; split <= req.size(); ++split) {
    HqRequestParser p;
    const HqRequest first = p.feed(span_of(std::string_view(req).substr(0, split)), false);
    if (split < req.size()) {
      EXPECT_EQ(first.status, HqRequestStatus::need_more) << split;
      EXPECT_EQ(first.consumed, split);
    }
    const HqRequest second = p.feed(span_of(std::string_view(req).substr(split)), true);
    EXPECT_EQ(second.status, HqRequestStatus::ok) << split;
    EXPECT_EQ(second.relative_path, "dir/file-1.bin");
    EXPECT_EQ(second.target, "/dir/file-1.bin");
  }
}

TEST(H3HqInterop, ByteByByteAndTrailingBytesIgnored) {
  const std::string req = "GET /x\r\nignored";
  HqRequestParser p;
  HqRequest r;
  for (char c : req) r = p.feed(span_of(std::string_view(&c, 1)), false);
  EXPECT_EQ(r.status, HqRequestStatus::ok);
  EXPECT_EQ(r.relative_path, "x");
  const HqRequest again = p.feed(span_of("more"), true);
  EXPECT_EQ(again.status, HqRequestStatus::ok);
  EXPECT_EQ(again.consumed, 4u);
}

TEST(H3HqInterop, LineLengthBounded) {
  const std::string path(kMaxHqRequestLine, 'a');
  HqRequestParser p;
  const std::string req = "GET /" + path;
  HqRequest r;
  for (std::size_t pos = 0; pos < req.size(); pos += 1000)
    r = p.feed(span_of(std::string_view(req).substr(pos, 1000)), false);
  EXPECT_EQ(r.status, HqRequestStatus::too_long);
  // A long path that fits the line but not the path limit.
  const std::string long_path = "GET /" + std::string(kMaxRequestPathLength + 10, 'b') + "\r\n";
  EXPECT_EQ(parse_whole(long_path).status, HqRequestStatus::bad_path);
  EXPECT_EQ(parse_whole(long_path).path_verdict, PathVerdict::too_long);
}

TEST(H3HqInterop, ClientRequestWriter) {
  const Bytes b = build([](ByteWriter& w) { return write_hq_request(w, "/file.bin"); });
  EXPECT_EQ(std::string(b.begin(), b.end()), "GET /file.bin\r\n");
  HqRequestParser p;
  const HqRequest r = p.feed(b, true);
  EXPECT_EQ(r.relative_path, "file.bin");
  Bytes small(5);
  ByteWriter w(small);
  EXPECT_FALSE(write_hq_request(w, "/file.bin"));
  EXPECT_EQ(w.written(), 0u);
  Bytes big(64);
  ByteWriter w2(big);
  EXPECT_FALSE(write_hq_request(w2, ""));
  EXPECT_FALSE(write_hq_request(w2, "/a b"));
  EXPECT_FALSE(write_hq_request(w2, "/a\r\n"));
  EXPECT_EQ(w2.written(), 0u);
}

}  // namespace
}  // namespace tquic::h3
