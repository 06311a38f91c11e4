// Request / response stream state machine (RFC 9114 §4.1, §4.4, §7.2).
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "h3/error_scope.h"
#include "h3/frames.h"
#include "h3/request_stream.h"
#include "h3_test_util.h"

namespace tquic::h3 {
namespace {

using test::Bytes;
using test::build;
using test::is_h3;

Bytes headers(std::string_view s = "h") {
  return build([&](ByteWriter& w) { return write_headers_frame(w, test::span_of(s)); });
}
Bytes data(std::string_view s) {
  return build([&](ByteWriter& w) { return write_data_frame(w, test::span_of(s)); });
}
Bytes push_promise(std::uint64_t id) {
  return build([&](ByteWriter& w) { return write_push_promise_frame(w, id, test::span_of("pp")); });
}
Bytes grease() { return build([](ByteWriter& w) { return write_reserved_frame(w, 9, test::span_of("g")); }); }
Bytes frame(std::uint64_t type, std::string_view payload) {
  return build([&](ByteWriter& w) { return write_frame(w, type, test::span_of(payload)); });
}

HeaderSectionInfo final_with(std::optional<std::uint64_t> cl = std::nullopt) {
  HeaderSectionInfo i;
  i.content_length = cl;
  return i;
}
HeaderSectionInfo interim() {
  HeaderSectionInfo i;
  i.interim = true;
  return i;
}
HeaderSectionInfo tunnel() {
  HeaderSectionInfo i;
  i.tunnel = true;
  return i;
}
HeaderSectionInfo no_content(std::uint64_t cl) {
  HeaderSectionInfo i;
  i.no_content = true;
  i.content_length = cl;
  return i;
}

struct Outcome {
  Status status;            // first error, from next() or on_fin()
  std::string log;          // "H D:abc T P:3 ..." in event order
  std::uint64_t content = 0;
  bool complete = false;
};

// Feeds `stream` in `chunk`-byte pieces; each headers event is classified
// with the next entry of `infos`. Calls on_fin() at the end if `fin`.
Outcome drive(MessageStreamKind kind, const Bytes& stream, std::deque<HeaderSectionInfo> infos,
              bool fin = true, std::size_t chunk = 1 << 20) {
  RequestStreamReceiver rx(kind);
  Outcome out;
  bool in_data_frame = false;
  for (std::size_t pos = 0; pos < stream.size() && out.status.ok(); pos += chunk) {
    ByteSpan in = ByteSpan(stream).subspan(pos, std::min(chunk, stream.size() - pos));
    for (;;) {
      auto ev = rx.next(in);
      if (!ev) {
        out.status = ev.error();
        break;
      }
      in = in.subspan(ev->consumed);
      if (ev->kind == RequestEventKind::need_more) break;
      switch (ev->kind) {
        case RequestEventKind::headers: {
          out.log += "H ";
          EXPECT_FALSE(infos.empty());
          if (infos.empty()) return out;
          EXPECT_TRUE(rx.accept_header_section(infos.front()).ok());
          infos.pop_front();
          break;
        }
        case RequestEventKind::data:
          // Pieces of one DATA frame are merged so the log ignores chunking.
          if (in_data_frame) out.log.pop_back();
          else out.log += "D:";
          out.log += test::string_of(ev->payload) + " ";
          in_data_frame = !ev->frame_end;
          break;
        case RequestEventKind::trailers: out.log += "T "; break;
        case RequestEventKind::push_promise: out.log += "P:" + std::to_string(ev->push_id) + " "; break;
        case RequestEventKind::need_more: break;
      }
    }
  }
  if (out.status.ok() && fin) out.status = rx.on_fin();
  out.content = rx.content_received();
  out.complete = rx.message_complete();
  return out;
}

TEST(H3RequestStream, SimpleRequestAtEveryChunkSize) {
  const Bytes b = test::concat({grease(), headers(), data("abc"), grease(), data("de"), headers("t")});
  for (std::size_t chunk = 1; chunk <= b.size(); ++chunk) {
    const Outcome o = drive(MessageStreamKind::request, b, {final_with(5)}, true, chunk);
    ASSERT_TRUE(o.status.ok()) << chunk << ": " << o.status.error().reason;
    EXPECT_EQ(o.log, "H D:abc D:de T ") << chunk;
    EXPECT_EQ(o.content, 5u);
    EXPECT_TRUE(o.complete);
  }
}

TEST(H3RequestStream, HeadersOnlyGet) {
  const Outcome o = drive(MessageStreamKind::request, headers(), {final_with()});
  EXPECT_TRUE(o.status.ok());
  EXPECT_EQ(o.log, "H ");
  EXPECT_TRUE(o.complete);
}

TEST(H3RequestStream, InterimResponsesThenFinal) {
  const Bytes b = test::concat({headers("100"), headers("103"), headers("200"), data("body")});
  const Outcome o = drive(MessageStreamKind::response, b, {interim(), interim(), final_with(4)});
  EXPECT_TRUE(o.status.ok());
  EXPECT_EQ(o.log, "H H H D:body ");
}

TEST(H3RequestStream, PushPromiseAnywhereInAResponse) {
  const Bytes b = test::concat({push_promise(0), headers(), push_promise(1), data("x"),
                                push_promise(2), headers("t"), push_promise(3)});
  const Outcome o = drive(MessageStreamKind::response, b, {final_with()});
  EXPECT_TRUE(o.status.ok());
  EXPECT_EQ(o.log, "P:0 H P:1 D:x P:2 T P:3 ");
}

TEST(H3RequestStream, ConnectTunnelCarriesOnlyData) {
  const Bytes ok = test::concat({headers(), data("tcp bytes"), grease(), data("more")});
  const Outcome o = drive(MessageStreamKind::request, ok, {tunnel()});
  EXPECT_TRUE(o.status.ok());
  EXPECT_EQ(o.log, "H D:tcp bytes D:more ");
  const Outcome t = drive(MessageStreamKind::request, test::concat({headers(), data("x"), headers()}),
                          {tunnel()});
  EXPECT_TRUE(is_h3(t.status.error(), H3Error::H3_FRAME_UNEXPECTED));
}

TEST(H3RequestStream, NoContentResponses) {
  // HEAD response / 204 / 304: a content-length is fine, content is not.
  EXPECT_TRUE(drive(MessageStreamKind::response, headers(), {no_content(1234)}).status.ok());
  EXPECT_TRUE(drive(MessageStreamKind::response, test::concat({headers(), data("")}),
                    {no_content(1234)}).status.ok());
  const Outcome o = drive(MessageStreamKind::response, test::concat({headers(), data("x")}),
                          {no_content(1)});
  EXPECT_TRUE(is_h3(o.status.error(), H3Error::H3_MESSAGE_ERROR));
}

struct Row {
  const char* name;
  MessageStreamKind kind;
  Bytes stream;
  std::deque<HeaderSectionInfo> infos;
  H3Error expected;
  ErrorScope scope;
};

TEST(H3RequestStream, ErrorTable) {
  using K = MessageStreamKind;
  using S = ErrorScope;
  const Row rows[] = {
      {"data before headers", K::request, data("x"), {}, H3Error::H3_FRAME_UNEXPECTED, S::connection},
      {"data after trailers", K::request, test::concat({headers(), headers(), data("x")}),
       {final_with()}, H3Error::H3_FRAME_UNEXPECTED, S::connection},
      {"headers after trailers", K::response, test::concat({headers(), data("x"), headers(), headers()}),
       {final_with()}, H3Error::H3_FRAME_UNEXPECTED, S::connection},
      {"data after interim", K::response, test::concat({headers(), data("x")}), {interim()},
       H3Error::H3_FRAME_UNEXPECTED, S::connection},
      {"settings", K::request, test::concat({headers(), frame(0x04, "")}), {final_with()},
       H3Error::H3_FRAME_UNEXPECTED, S::connection},
      {"goaway", K::request, frame(0x07, "\x04"), {}, H3Error::H3_FRAME_UNEXPECTED, S::connection},
      {"max push id", K::response, frame(0x0d, "\x01"), {}, H3Error::H3_FRAME_UNEXPECTED, S::connection},
      {"cancel push", K::response, frame(0x03, "\x01"), {}, H3Error::H3_FRAME_UNEXPECTED, S::connection},
      {"push promise to server", K::request, push_promise(0), {}, H3Error::H3_FRAME_UNEXPECTED,
       S::connection},
      {"push promise on push stream", K::push_response, test::concat({headers(), push_promise(0)}),
       {final_with()}, H3Error::H3_FRAME_UNEXPECTED, S::connection},
      {"http2 priority", K::request, frame(0x02, "xx"), {}, H3Error::H3_FRAME_UNEXPECTED,
       S::connection},
      {"http2 continuation", K::response, test::concat({headers(), frame(0x09, "")}), {final_with()},
       H3Error::H3_FRAME_UNEXPECTED, S::connection},
      {"content over length", K::request, test::concat({headers(), data("abc"), data("de")}),
       {final_with(4)}, H3Error::H3_MESSAGE_ERROR, S::stream},
      {"content under length at fin", K::request, test::concat({headers(), data("abc")}),
       {final_with(4)}, H3Error::H3_MESSAGE_ERROR, S::stream},
      {"content under length at trailers", K::response, test::concat({headers(), data("abc"), headers()}),
       {final_with(4)}, H3Error::H3_MESSAGE_ERROR, S::stream},
      {"length but no data", K::request, headers(), {final_with(1)}, H3Error::H3_MESSAGE_ERROR,
       S::stream},
      {"fin before headers", K::request, grease(), {}, H3Error::H3_REQUEST_INCOMPLETE, S::stream},
      {"empty request stream", K::request, {}, {}, H3Error::H3_REQUEST_INCOMPLETE, S::stream},
      {"fin after interim only", K::response, headers(), {interim()}, H3Error::H3_MESSAGE_ERROR,
       S::stream},
      {"fin inside a frame", K::request, Bytes{0x01, 0x05, 'a'}, {}, H3Error::H3_FRAME_ERROR,
       S::connection},
      {"fin inside data", K::request, test::concat({headers(), Bytes{0x00, 0x03, 'a'}}), {final_with()},
       H3Error::H3_FRAME_ERROR, S::connection},
      {"bad push promise", K::response, Bytes{0x05, 0x01, 0x40}, {}, H3Error::H3_FRAME_ERROR,
       S::connection},
  };
  for (const Row& r : rows) {
    for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{1} << 20}) {
      const Outcome o = drive(r.kind, r.stream, r.infos, true, chunk);
      ASSERT_FALSE(o.status.ok()) << r.name;
      EXPECT_TRUE(is_h3(o.status.error(), r.expected)) << r.name << " chunk " << chunk;
      EXPECT_EQ(error_scope(o.status.error()), r.scope) << r.name;
    }
  }
}

TEST(H3RequestStream, ExcessDataNeverHandedOut) {
  // The DATA frame that overflows content-length is refused at its header.
  const Outcome o = drive(MessageStreamKind::request,
                          test::concat({headers(), data("ab"), data("cdef")}), {final_with(3)});
  EXPECT_TRUE(is_h3(o.status.error(), H3Error::H3_MESSAGE_ERROR));
  EXPECT_EQ(o.log, "H D:ab ");
}

TEST(H3RequestStream, MisuseIsALocalError) {
  RequestStreamReceiver rx(MessageStreamKind::request);
  EXPECT_EQ(rx.accept_header_section(final_with()).error().kind, ErrorKind::local);
  const Bytes b = test::concat({headers(), data("x")});
  auto ev = rx.next(b);
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->kind, RequestEventKind::headers);
  auto blocked = rx.next(ByteSpan(b).subspan(ev->consumed));
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().kind, ErrorKind::local);
  EXPECT_EQ(rx.on_fin().error().kind, ErrorKind::local);
  EXPECT_EQ(rx.accept_header_section(interim()).error().kind, ErrorKind::local);  // requests have no 1xx
  EXPECT_TRUE(rx.accept_header_section(final_with()).ok());
  auto d = rx.next(ByteSpan(b).subspan(ev->consumed));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, RequestEventKind::data);
}

TEST(H3RequestStream, NoFinMeansNotComplete) {
  const Outcome o = drive(MessageStreamKind::request, test::concat({headers(), data("x")}),
                          {final_with()}, false);
  EXPECT_TRUE(o.status.ok());
  EXPECT_FALSE(o.complete);
}

TEST(H3RequestStream, ErrorScopes) {
  EXPECT_EQ(error_scope(h3_error(H3Error::H3_MESSAGE_ERROR, "")), ErrorScope::stream);
  EXPECT_EQ(error_scope(h3_error(H3Error::H3_REQUEST_CANCELLED, "")), ErrorScope::stream);
  EXPECT_EQ(error_scope(h3_error(H3Error::H3_FRAME_UNEXPECTED, "")), ErrorScope::connection);
  EXPECT_EQ(error_scope(h3_error(H3Error::H3_DATAGRAM_ERROR, "")), ErrorScope::connection);
  EXPECT_EQ(error_scope(Error::local("bug")), ErrorScope::connection);
  EXPECT_TRUE(is_stream_error(h3_error(H3Error::H3_REQUEST_INCOMPLETE, "")));
}

}  // namespace
}  // namespace tquic::h3
