// The hand-written JSON writer behind qlog: escaping, numbers, structure,
// checked against nlohmann-json as an independent parser.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "transport/qlog/json_writer.h"

namespace tquic::transport::qlog {
namespace {

using nlohmann::json;

std::string escaped(std::string_view s) {
  std::string out;
  append_json_escaped(out, s);
  return out;
}

json parse_string_value(std::string_view s) {
  JsonWriter w;
  w.string(s);
  return json::parse(w.view());
}

TEST(QlogJsonWriter, EscapesQuotesBackslashAndControlCharacters) {
  EXPECT_EQ(escaped("a\"b\\c"), "a\\\"b\\\\c");
  EXPECT_EQ(escaped("\n\r\t\b\f"), "\\n\\r\\t\\b\\f");
  EXPECT_EQ(escaped(std::string_view("\x00\x01\x1f", 3)), "\\u0000\\u0001\\u001f");
  EXPECT_EQ(escaped("\x7f/"), "\x7f/");  // DEL and solidus need no escape (RFC 8259 §7)
  const std::string tricky = std::string("quote\" back\\ nl\n nul") + '\0' + "end";
  EXPECT_EQ(parse_string_value(tricky).get<std::string>(), tricky);
}

TEST(QlogJsonWriter, KeepsWellFormedUtf8) {
  const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf";  // é € 😀 U+10FFFF
  EXPECT_EQ(escaped(text), text);
  EXPECT_EQ(parse_string_value(text).get<std::string>(), text);
}

TEST(QlogJsonWriter, ReplacesIllFormedUtf8) {
  EXPECT_EQ(escaped("\x80"), "\\ufffd");                   // lone continuation byte
  EXPECT_EQ(escaped("\xc0\x80"), "\\ufffd\\ufffd");        // overlong NUL
  EXPECT_EQ(escaped("\xed\xa0\x80"), "\\ufffd\\ufffd\\ufffd");  // UTF-16 surrogate
  EXPECT_EQ(escaped("\xf5\x80\x80\x80"), "\\ufffd\\ufffd\\ufffd\\ufffd");  // above U+10FFFF
  EXPECT_EQ(escaped("ok\xe2\x82"), "ok\\ufffd\\ufffd");    // truncated at the end
  EXPECT_EQ(parse_string_value("a\xff" "b").get<std::string>(), "a\xef\xbf\xbd" "b");
}

TEST(QlogJsonWriter, AnyByteStringBecomesValidJson) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 24, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    JsonWriter w;
    w.begin_object();
    w.field("reason", std::string_view(s));
    w.end_object();
    ASSERT_TRUE(json::accept(w.view())) << w.view();
  }
}

TEST(QlogJsonWriter, Integers) {
  JsonWriter w;
  w.begin_array();
  w.uint(0);
  w.uint(std::numeric_limits<std::uint64_t>::max());
  w.sint(-42);
  w.sint(std::numeric_limits<std::int64_t>::min());
  w.uint_as_string(1234);
  w.end_array();
  EXPECT_EQ(w.view(), "[0,18446744073709551615,-42,-9223372036854775808,\"1234\"]");
  const json j = json::parse(w.view());
  EXPECT_EQ(j[1].get<std::uint64_t>(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(j[3].get<std::int64_t>(), std::numeric_limits<std::int64_t>::min());
}

TEST(QlogJsonWriter, MillisecondsAreExactToTheMicrosecond) {
  const auto ms = [](Duration d) {
    JsonWriter w;
    w.millis(d);
    return std::string(w.view());
  };
  EXPECT_EQ(ms(0ns), "0");
  EXPECT_EQ(ms(2ms), "2");
  EXPECT_EQ(ms(1234567ns), "1.234");
  EXPECT_EQ(ms(1500us), "1.5");
  EXPECT_EQ(ms(10us), "0.01");
  EXPECT_EQ(ms(999ns), "0");  // below a microsecond
  EXPECT_EQ(ms(-1500us), "-1.5");
  EXPECT_EQ(ms(333ms), "333");
  EXPECT_EQ(ms(Duration::max()), "9223372036854.775");
  EXPECT_DOUBLE_EQ(json::parse(ms(25'000'001ns)).get<double>(), 25.0);
}

TEST(QlogJsonWriter, RealsRoundTripAndNonFiniteIsNull) {
  JsonWriter w;
  w.begin_array();
  w.real(1.125);
  w.real(0.1);
  w.real(std::numeric_limits<double>::quiet_NaN());
  w.real(std::numeric_limits<double>::infinity());
  w.real(-2.5e-300);
  w.end_array();
  const json j = json::parse(w.view());
  EXPECT_DOUBLE_EQ(j[0].get<double>(), 1.125);
  EXPECT_DOUBLE_EQ(j[1].get<double>(), 0.1);
  EXPECT_TRUE(j[2].is_null());
  EXPECT_TRUE(j[3].is_null());
  EXPECT_DOUBLE_EQ(j[4].get<double>(), -2.5e-300);
}

TEST(QlogJsonWriter, HexStrings) {
  JsonWriter w;
  w.begin_array();
  const std::uint8_t bytes[] = {0x00, 0x0a, 0xff, 0x5c};
  w.hex(ByteSpan(bytes, sizeof bytes));
  w.hex(ByteSpan());
  w.hex32(0x6b3343cf);
  w.hex32(1);
  w.end_array();
  EXPECT_EQ(w.view(), "[\"000aff5c\",\"\",\"6b3343cf\",\"00000001\"]");
}

TEST(QlogJsonWriter, CommasInNestedContainers) {
  JsonWriter w;
  w.begin_object();
  w.field("a", 1);
  w.key("b");
  w.begin_array();
  w.begin_object();
  w.end_object();
  w.begin_array();
  w.end_array();
  w.begin_object();
  w.field("c", true);
  w.field("d", "x");
  w.end_object();
  w.end_array();
  w.key("e");
  w.null();
  w.field("f", false);
  w.end_object();
  EXPECT_EQ(w.view(), R"({"a":1,"b":[{},[],{"c":true,"d":"x"}],"e":null,"f":false})");
  EXPECT_EQ(w.depth(), 0);
  EXPECT_TRUE(json::accept(w.view()));
}

TEST(QlogJsonWriter, ClearKeepsTheBufferForTheNextRecord) {
  JsonWriter w(256);
  const std::size_t capacity = w.capacity();
  for (int round = 0; round < 100; ++round) {
    w.clear();
    w.begin_object();
    w.field("round", round);
    w.field("text", "a record of a stable size");
    w.end_object();
    ASSERT_EQ(w.capacity(), capacity);  // no reallocation after warm-up
    ASSERT_EQ(json::parse(w.view())["round"].get<int>(), round);
  }
}

}  // namespace
}  // namespace tquic::transport::qlog
