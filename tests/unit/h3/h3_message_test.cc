// Request / response / trailer validation (RFC 9114 §4.1.2, §4.2, §4.3, §4.4,
// RFC 9220).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "h3/error_scope.h"
#include "h3/message.h"
#include "h3_test_util.h"

namespace tquic::h3 {
namespace {

using test::is_h3;
using Fields = std::vector<FieldLine>;

Fields get(std::string_view path = "/index.html") {
  return {{":method", "GET"}, {":scheme", "https"}, {":authority", "example.com"}, {":path", path}};
}

Fields with(Fields f, std::initializer_list<FieldLine> extra) {
  f.insert(f.end(), extra.begin(), extra.end());
  return f;
}

TEST(H3Message, ValidRequests) {
  struct Case {
    const char* name;
    Fields fields;
  };
  const Case cases[] = {
      {"get", get()},
      {"with regular fields", with(get(), {{"accept", "*/*"}, {"user-agent", "tquic test"}})},
      {"te trailers", with(get(), {{"te", "trailers"}})},
      {"te Trailers", with(get(), {{"te", "Trailers"}})},
      {"host only", {{":method", "GET"}, {":scheme", "https"}, {":path", "/"}, {"host", "a.example"}}},
      {"host equals authority", with(get(), {{"host", "example.com"}})},
      {"options star", {{":method", "OPTIONS"}, {":scheme", "https"}, {":authority", "a"}, {":path", "*"}}},
      {"query", get("/search?q=1&r=%20")},
      {"pseudo order free", {{":path", "/"}, {":authority", "a"}, {":scheme", "http"}, {":method", "POST"}}},
      {"content-length", with(get(), {{"content-length", "42"}})},
      {"repeated equal content-length", with(get(), {{"content-length", "7"}, {"content-length", "7"}})},
      {"connect", {{":method", "CONNECT"}, {":authority", "proxy.example:443"}}},
      {"non-http scheme, no authority", {{":method", "GET"}, {":scheme", "foo"}, {":path", "bar"}}},
      {"empty value", with(get(), {{"x-empty", ""}})},
      {"obs-text and tab inside value", with(get(), {{"x", "a\tb\xc3\xa9"}})},
      {"cookie crumbs", with(get(), {{"cookie", "a=b"}, {"cookie", "c=d"}})},
  };
  for (const Case& c : cases) {
    auto r = validate_request_header(c.fields);
    EXPECT_TRUE(r.ok()) << c.name << ": " << (r.ok() ? "" : r.error().reason);
  }
}

TEST(H3Message, RequestHeadViews) {
  const Fields f = with(get("/a?b"), {{"content-length", "12"}, {"te", "trailers"}});
  auto r = validate_request_header(f);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->scheme, "https");
  EXPECT_EQ(r->authority, "example.com");
  EXPECT_EQ(r->path, "/a?b");
  EXPECT_EQ(r->path.data(), f[3].value.data());  // a view, not a copy
  EXPECT_FALSE(r->is_connect);
  EXPECT_TRUE(r->te_trailers);
  EXPECT_EQ(r->content_length, 12u);
  const HeaderSectionInfo info = header_section_info(*r);
  EXPECT_EQ(info.content_length, 12u);
  EXPECT_FALSE(info.tunnel);

  auto host = validate_request_header(
      Fields{{":method", "GET"}, {":scheme", "http"}, {":path", "/"}, {"host", "h.example"}});
  ASSERT_TRUE(host.ok());
  EXPECT_EQ(host->authority, "h.example");

  auto connect = validate_request_header(Fields{{":method", "CONNECT"}, {":authority", "x:1"}});
  ASSERT_TRUE(connect.ok());
  EXPECT_TRUE(connect->is_connect);
  EXPECT_TRUE(header_section_info(*connect).tunnel);
}

TEST(H3Message, MalformedRequests) {
  struct Case {
    const char* name;
    Fields fields;
  };
  const Case cases[] = {
      {"empty section", {}},
      {"pseudo after regular", {{":method", "GET"}, {":scheme", "https"}, {"accept", "*/*"},
                                {":authority", "a"}, {":path", "/"}}},
      {"uppercase name", with(get(), {{"Accept", "x"}})},
      {"uppercase pseudo", {{":Method", "GET"}, {":scheme", "https"}, {":authority", "a"}, {":path", "/"}}},
      {"space in name", with(get(), {{"x y", "1"}})},
      {"empty name", with(get(), {{"", "1"}})},
      {"connection", with(get(), {{"connection", "close"}})},
      {"keep-alive", with(get(), {{"keep-alive", "5"}})},
      {"proxy-connection", with(get(), {{"proxy-connection", "x"}})},
      {"transfer-encoding", with(get(), {{"transfer-encoding", "chunked"}})},
      {"upgrade", with(get(), {{"upgrade", "websocket"}})},
      {"te gzip", with(get(), {{"te", "gzip"}})},
      {"te list", with(get(), {{"te", "trailers, deflate"}})},
      {"missing method", {{":scheme", "https"}, {":authority", "a"}, {":path", "/"}}},
      {"missing scheme", {{":method", "GET"}, {":authority", "a"}, {":path", "/"}}},
      {"missing path", {{":method", "GET"}, {":scheme", "https"}, {":authority", "a"}}},
      {"empty path", get("")},
      {"relative path", get("index.html")},
      {"star without options", get("*")},
      {"duplicate method", {{":method", "GET"}, {":method", "GET"}, {":scheme", "https"},
                            {":authority", "a"}, {":path", "/"}}},
      {"duplicate path", {{":method", "GET"}, {":scheme", "https"}, {":authority", "a"}, {":path", "/"},
                          {":path", "/"}}},
      {"unknown pseudo", {{":method", "GET"}, {":scheme", "https"}, {":authority", "a"}, {":path", "/"},
                          {":foo", "x"}}},
      {"status in request", {{":method", "GET"}, {":scheme", "https"}, {":authority", "a"}, {":path", "/"},
                             {":status", "200"}}},
      {"protocol not allowed", {{":method", "CONNECT"}, {":protocol", "websocket"}, {":scheme", "https"},
                                {":authority", "a"}, {":path", "/chat"}}},
      {"no authority or host", {{":method", "GET"}, {":scheme", "https"}, {":path", "/"}}},
      {"empty authority", {{":method", "GET"}, {":scheme", "https"}, {":authority", ""}, {":path", "/"}}},
      {"empty host", {{":method", "GET"}, {":scheme", "https"}, {":path", "/"}, {"host", ""}}},
      {"authority differs from host", with(get(), {{"host", "other.example"}})},
      {"two hosts", {{":method", "GET"}, {":scheme", "https"}, {":path", "/"}, {"host", "a"}, {"host", "a"}}},
      {"userinfo", {{":method", "GET"}, {":scheme", "https"}, {":authority", "u:p@a"}, {":path", "/"}}},
      {"connect with path", {{":method", "CONNECT"}, {":authority", "a:1"}, {":path", "/"}}},
      {"connect with scheme", {{":method", "CONNECT"}, {":authority", "a:1"}, {":scheme", "https"}}},
      {"connect without authority", {{":method", "CONNECT"}}},
      {"bad method token", {{":method", "G T"}, {":scheme", "https"}, {":authority", "a"}, {":path", "/"}}},
      {"bad scheme", {{":method", "GET"}, {":scheme", "1http"}, {":authority", "a"}, {":path", "/"}}},
      {"nul in value", with(get(), {{"x", std::string_view("a\0b", 3)}})},
      {"cr in value", with(get(), {{"x", "a\rb"}})},
      {"lf in value", with(get(), {{"x", "a\nb"}})},
      {"lf in path", get("/a\nb")},
      {"leading space", with(get(), {{"x", " a"}})},
      {"trailing tab", with(get(), {{"x", "a\t"}})},
      {"content-length not a number", with(get(), {{"content-length", "12a"}})},
      {"content-length negative", with(get(), {{"content-length", "-1"}})},
      {"content-length empty", with(get(), {{"content-length", ""}})},
      {"content-length huge", with(get(), {{"content-length", "99999999999999999999"}})},
      {"content-length conflict", with(get(), {{"content-length", "1"}, {"content-length", "2"}})},
  };
  for (const Case& c : cases) {
    auto r = validate_request_header(c.fields);
    ASSERT_FALSE(r.ok()) << c.name;
    EXPECT_TRUE(is_h3(r.error(), H3Error::H3_MESSAGE_ERROR)) << c.name;
    EXPECT_TRUE(is_stream_error(r.error())) << c.name;
  }
}

TEST(H3Message, ExtendedConnect) {
  const RequestRules allow{true};
  const Fields ws = {{":method", "CONNECT"}, {":protocol", "websocket"}, {":scheme", "https"},
                     {":authority", "a.example"}, {":path", "/chat"}};
  auto r = validate_request_header(ws, allow);
  ASSERT_TRUE(r.ok()) << r.error().reason;
  EXPECT_TRUE(r->is_extended_connect);
  EXPECT_FALSE(r->is_connect);
  EXPECT_EQ(r->protocol, "websocket");
  EXPECT_TRUE(header_section_info(*r).tunnel);

  const Fields missing_path = {{":method", "CONNECT"}, {":protocol", "websocket"},
                               {":scheme", "https"}, {":authority", "a"}};
  EXPECT_FALSE(validate_request_header(missing_path, allow).ok());
  const Fields no_authority = {{":method", "CONNECT"}, {":protocol", "x"}, {":scheme", "foo"},
                               {":path", "/"}};
  EXPECT_FALSE(validate_request_header(no_authority, allow).ok());
  const Fields protocol_on_get = {{":method", "GET"}, {":protocol", "websocket"}, {":scheme", "https"},
                                  {":authority", "a"}, {":path", "/"}};
  EXPECT_FALSE(validate_request_header(protocol_on_get, allow).ok());
}

TEST(H3Message, Responses) {
  struct Case {
    Fields fields;
    bool ok;
    std::uint16_t status;
  };
  const Case cases[] = {
      {{{":status", "200"}}, true, 200},
      {{{":status", "100"}}, true, 100},
      {{{":status", "599"}, {"content-length", "0"}}, true, 599},
      {{{":status", "404"}, {"content-type", "text/plain"}}, true, 404},
      {{}, false, 0},
      {{{"content-type", "x"}}, false, 0},
      {{{":status", "101"}}, false, 0},
      {{{":status", "099"}}, false, 0},
      {{{":status", "600"}}, false, 0},
      {{{":status", "20"}}, false, 0},
      {{{":status", "2000"}}, false, 0},
      {{{":status", "2x0"}}, false, 0},
      {{{":status", "200"}, {":status", "200"}}, false, 0},
      {{{":status", "200"}, {":path", "/"}}, false, 0},
      {{{"server", "x"}, {":status", "200"}}, false, 0},
      {{{":status", "200"}, {"Server", "x"}}, false, 0},
      {{{":status", "200"}, {"transfer-encoding", "chunked"}}, false, 0},
  };
  for (const Case& c : cases) {
    auto r = validate_response_header(c.fields);
    ASSERT_EQ(r.ok(), c.ok) << (c.fields.empty() ? "" : c.fields[0].value);
    if (r.ok()) {
      EXPECT_EQ(r->status, c.status);
    } else {
      EXPECT_TRUE(is_h3(r.error(), H3Error::H3_MESSAGE_ERROR));
    }
  }
}

TEST(H3Message, ResponseSectionInfo) {
  auto ok = validate_response_header(Fields{{":status", "200"}, {"content-length", "10"}});
  ASSERT_TRUE(ok.ok());
  HeaderSectionInfo i = header_section_info(*ok, "GET");
  EXPECT_EQ(i.content_length, 10u);
  EXPECT_FALSE(i.no_content || i.interim || i.tunnel);
  i = header_section_info(*ok, "HEAD");
  EXPECT_TRUE(i.no_content);
  EXPECT_FALSE(i.content_length.has_value());
  i = header_section_info(*ok, "CONNECT");
  EXPECT_TRUE(i.tunnel);
  auto not_modified = validate_response_header(Fields{{":status", "304"}, {"content-length", "10"}});
  ASSERT_TRUE(not_modified.ok());
  EXPECT_TRUE(header_section_info(*not_modified, "GET").no_content);
  auto early = validate_response_header(Fields{{":status", "103"}});
  ASSERT_TRUE(early.ok());
  EXPECT_TRUE(early->interim());
  EXPECT_TRUE(header_section_info(*early, "GET").interim);
  auto refused = validate_response_header(Fields{{":status", "407"}});
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(header_section_info(*refused, "CONNECT").tunnel);
}

TEST(H3Message, Trailers) {
  EXPECT_TRUE(validate_trailer_section(Fields{}).ok());
  EXPECT_TRUE(validate_trailer_section(Fields{{"grpc-status", "0"}, {"x-checksum", "abc"}}).ok());
  EXPECT_FALSE(validate_trailer_section(Fields{{":status", "200"}}).ok());
  EXPECT_FALSE(validate_trailer_section(Fields{{":path", "/"}}).ok());
  EXPECT_FALSE(validate_trailer_section(Fields{{"Grpc-Status", "0"}}).ok());
  EXPECT_FALSE(validate_trailer_section(Fields{{"connection", "close"}}).ok());
}

TEST(H3Message, FieldSectionSize) {
  EXPECT_EQ(field_section_size(Fields{}), 0u);
  EXPECT_EQ(field_section_size(get("/")), (7u + 3 + 32) + (7u + 5 + 32) + (10u + 11 + 32) + (5u + 1 + 32));
}

}  // namespace
}  // namespace tquic::h3
