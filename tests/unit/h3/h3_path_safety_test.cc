// Request path normalisation for file serving (path_safety.h).
#include <gtest/gtest.h>

#include <array>
#include <string>

#include "h3/path_safety.h"

namespace tquic::h3 {
namespace {

struct Case {
  std::string input;
  PathVerdict verdict;
  std::string relative;  // when ok
};

NormalizedPath run(std::string_view in, std::span<char> out) { return normalize_request_path(in, out); }

TEST(H3PathSafety, Table) {
  const Case cases[] = {
      {"/", PathVerdict::ok, "index.html"},
      {"/a/b.txt", PathVerdict::ok, "a/b.txt"},
      {"/a/../b", PathVerdict::ok, "b"},
      {"/../etc/passwd", PathVerdict::escapes_root, ""},
      {"/a/%2e%2e/%2e%2e/x", PathVerdict::escapes_root, ""},
      {"/a/%2E%2E/x", PathVerdict::ok, "x"},
      {"/%2e%2e%2fetc", PathVerdict::encoded_separator, ""},
      {"/%2e%2e%2Fetc", PathVerdict::encoded_separator, ""},
      {"/a%00b", PathVerdict::nul_byte, ""},
      // Decision: an empty segment is dropped, so "//etc/passwd" is
      // <root>/etc/passwd, never the filesystem's /etc/passwd.
      {"//etc/passwd", PathVerdict::ok, "etc/passwd"},
      {"/a/./b", PathVerdict::ok, "a/b"},
      {"/a?x=1", PathVerdict::ok, "a"},
      {"/a?x=/../../etc", PathVerdict::ok, "a"},
      {"/a#frag", PathVerdict::ok, "a"},
      {"/%zz", PathVerdict::bad_escape, ""},
      {"/%4", PathVerdict::bad_escape, ""},
      {"/%", PathVerdict::bad_escape, ""},
      {"/a%2", PathVerdict::bad_escape, ""},
      {"\\..\\x", PathVerdict::backslash, ""},
      {"/..\\x", PathVerdict::backslash, ""},
      {"/a%5c..%5cx", PathVerdict::encoded_separator, ""},
      {"/C:/Windows/win.ini", PathVerdict::colon, ""},
      {"/c%3a/x", PathVerdict::colon, ""},
      {"/file.txt::$DATA", PathVerdict::colon, ""},
      {"/a%0ab", PathVerdict::control_char, ""},
      {"/a%7fb", PathVerdict::control_char, ""},
      {"", PathVerdict::not_absolute, ""},
      {"a/b", PathVerdict::not_absolute, ""},
      {"*", PathVerdict::not_absolute, ""},
      {"?x", PathVerdict::not_absolute, ""},
      {"/..", PathVerdict::escapes_root, ""},
      {"/a/..", PathVerdict::ok, "index.html"},
      {"/a/b/../../..", PathVerdict::escapes_root, ""},
      {"/a/b/../../c/../d", PathVerdict::ok, "d"},
      {"/docs/", PathVerdict::ok, "docs/index.html"},
      {"/docs/.", PathVerdict::ok, "docs/index.html"},
      {"/a//b///c", PathVerdict::ok, "a/b/c"},
      {"/.hidden", PathVerdict::ok, ".hidden"},
      {"/...", PathVerdict::ok, "..."},
      {"/..a", PathVerdict::ok, "..a"},
      {"/%41%42c", PathVerdict::ok, "ABc"},
      {"/space%20name.txt", PathVerdict::ok, "space name.txt"},
      {"/utf8-%C3%A9", PathVerdict::ok, "utf8-\xC3\xA9"},
      {"/a/b/%2e/c", PathVerdict::ok, "a/b/c"},
      {"/%2e", PathVerdict::ok, "index.html"},
      {"/%2e%2e", PathVerdict::escapes_root, ""},
  };
  for (const Case& c : cases) {
    std::array<char, kMaxRequestPathLength> buf{};
    const NormalizedPath p = run(c.input, buf);
    EXPECT_EQ(p.verdict, c.verdict) << '"' << c.input << "\" gave " << path_verdict_name(p.verdict);
    if (c.verdict == PathVerdict::ok) {
      EXPECT_EQ(p.relative, c.relative) << c.input;
    }
  }
}

TEST(H3PathSafety, LongPaths) {
  std::array<char, kMaxRequestPathLength> buf{};
  std::string at_limit = "/" + std::string(kMaxRequestPathLength - 1, 'a');
  NormalizedPath p = run(at_limit, buf);
  EXPECT_EQ(p.verdict, PathVerdict::ok);
  EXPECT_EQ(p.relative.size(), kMaxRequestPathLength - 1);
  EXPECT_EQ(run(at_limit + "a", buf).verdict, PathVerdict::too_long);
  EXPECT_EQ(run("/" + std::string(100000, 'x'), buf).verdict, PathVerdict::too_long);

  // Deep nesting of ".." that stays inside the root, and one step too far.
  std::string deep;
  for (int i = 0; i < 500; ++i) deep += "/d";
  for (int i = 0; i < 500; ++i) deep += "/..";
  EXPECT_EQ(run(deep + "/f", buf).relative, "f");
  EXPECT_EQ(run(deep + "/../f", buf).verdict, PathVerdict::escapes_root);
}

TEST(H3PathSafety, SmallOutputBufferIsTooLongNotOverflow) {
  std::array<char, 8> small{};
  EXPECT_EQ(run("/abcdefghi", small).verdict, PathVerdict::too_long);
  EXPECT_EQ(run("/abcdefgh", small).relative, "abcdefgh");
  EXPECT_EQ(run("/abc/defg", small).relative, "abc/defg");
  EXPECT_EQ(run("/abc/defgh", small).verdict, PathVerdict::too_long);
  EXPECT_EQ(run("/abcdefgh/..", small).verdict, PathVerdict::too_long);
  EXPECT_EQ(run("/", small).verdict, PathVerdict::too_long);  // "index.html" needs 10
  std::array<char, 10> exact{};
  EXPECT_EQ(run("/", exact).relative, "index.html");
  EXPECT_EQ(run("/x", std::span<char>()).verdict, PathVerdict::too_long);
}

TEST(H3PathSafety, ResultNeverContainsDotSegments) {
  // Every accepted result is free of "." / ".." / empty segments, backslashes
  // and NUL, whatever the input mix.
  const char* parts[] = {"a", ".", "..", "%2e", "%2e%2e", "", "b%20c", ".x"};
  std::array<char, kMaxRequestPathLength> buf{};
  for (const char* p1 : parts) {
    for (const char* p2 : parts) {
      for (const char* p3 : parts) {
        const std::string in = std::string("/") + p1 + "/" + p2 + "/" + p3;
        const NormalizedPath p = run(in, buf);
        if (p.verdict != PathVerdict::ok) {
          EXPECT_EQ(p.verdict, PathVerdict::escapes_root) << in;
          continue;
        }
        const std::string r(p.relative);
        EXPECT_FALSE(r.empty());
        EXPECT_NE(r.front(), '/');
        EXPECT_EQ(("/" + r + "/").find("/../"), std::string::npos) << in;
        EXPECT_EQ(("/" + r + "/").find("/./"), std::string::npos) << in;
        EXPECT_EQ(r.find("//"), std::string::npos) << in;
      }
    }
  }
}

TEST(H3PathSafety, HttpStatus) {
  EXPECT_EQ(path_verdict_http_status(PathVerdict::ok), 200);
  EXPECT_EQ(path_verdict_http_status(PathVerdict::escapes_root), 400);
  EXPECT_EQ(path_verdict_http_status(PathVerdict::too_long), 414);
  EXPECT_EQ(path_verdict_http_status(PathVerdict::bad_escape), 400);
  EXPECT_EQ(path_verdict_http_status(PathVerdict::backslash), 400);
  EXPECT_STREQ(path_verdict_name(PathVerdict::encoded_separator), "encoded_separator");
}

}  // namespace
}  // namespace tquic::h3
