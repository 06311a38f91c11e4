// RFC 9204 Appendix A static table.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "h3/qpack/static_table.h"

namespace tquic::h3::qpack {
namespace {

TEST(QpackStaticTable, HasExactlyTheRfcEntries) {
  ASSERT_EQ(kStaticTableSize, 99u);
  EXPECT_EQ(static_entry(99), nullptr);
  EXPECT_EQ(static_entry(UINT64_MAX), nullptr);
  struct Spot {
    std::uint64_t index;
    const char* name;
    const char* value;
  };
  const Spot spots[] = {
      {0, ":authority", ""},
      {1, ":path", "/"},
      {2, "age", "0"},
      {14, "set-cookie", ""},
      {15, ":method", "CONNECT"},
      {17, ":method", "GET"},
      {23, ":scheme", "https"},
      {25, ":status", "200"},
      {29, "accept", "*/*"},
      {31, "accept-encoding", "gzip, deflate, br"},
      {41, "cache-control", "public, max-age=31536000"},
      {52, "content-type", "text/html; charset=utf-8"},
      {54, "content-type", "text/plain;charset=utf-8"},
      {58, "strict-transport-security", "max-age=31536000; includesubdomains; preload"},
      {62, "x-xss-protection", "1; mode=block"},
      {63, ":status", "100"},
      {71, ":status", "500"},
      {72, "accept-language", ""},
      {73, "access-control-allow-credentials", "FALSE"},
      {85, "content-security-policy", "script-src 'none'; object-src 'none'; base-uri 'none'"},
      {93, "timing-allow-origin", "*"},
      {97, "x-frame-options", "deny"},
      {98, "x-frame-options", "sameorigin"},
  };
  for (const Spot& s : spots) {
    const StaticEntry* e = static_entry(s.index);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->name, s.name) << s.index;
    EXPECT_EQ(e->value, s.value) << s.index;
  }
}

TEST(QpackStaticTable, EntriesAreDistinctLowercaseAndFindable) {
  std::set<std::pair<std::string, std::string>> seen;
  for (std::uint64_t i = 0; i < kStaticTableSize; ++i) {
    const StaticEntry* e = static_entry(i);
    ASSERT_NE(e, nullptr);
    EXPECT_TRUE(seen.emplace(std::string(e->name), std::string(e->value)).second) << i;
    for (const char c : e->name) EXPECT_FALSE(c >= 'A' && c <= 'Z') << e->name;
    const StaticMatch m = find_static(e->name, e->value);
    EXPECT_EQ(m.exact, i);
    EXPECT_LE(m.name, i);
    EXPECT_EQ(static_entry(m.name)->name, e->name);
  }
}

TEST(QpackStaticTable, LookupPrefersSmallestNameIndexAndMissesCleanly) {
  StaticMatch m = find_static(":status", "418");
  EXPECT_EQ(m.exact, StaticMatch::kNone);
  EXPECT_EQ(m.name, 24u);  // first :status entry
  m = find_static(":method", "PATCH");
  EXPECT_EQ(m.name, 15u);
  m = find_static("x-custom", "");
  EXPECT_EQ(m.exact, StaticMatch::kNone);
  EXPECT_EQ(m.name, StaticMatch::kNone);
  m = find_static(":path", "/");
  EXPECT_EQ(m.exact, 1u);
  m = find_static("", "");
  EXPECT_EQ(m.name, StaticMatch::kNone);
}

}  // namespace
}  // namespace tquic::h3::qpack
