#include <gtest/gtest.h>

#include "apps/value_parsers.h"
#include "apps_test_util.h"

namespace tquic::apps {
namespace {

TEST(ValueParsers, ByteSizes) {
  std::uint64_t v = 0;
  std::string err;
  const std::pair<const char*, std::uint64_t> good[] = {{"1", 1},           {"10MB", 10'000'000}, {"1.5GB", 1'500'000'000},
                                                        {"512KiB", 524'288}, {"2mib", 2'097'152}, {"7B", 7}};
  for (auto [text, want] : good) {
    ASSERT_TRUE(parse_byte_size("--size", text, v, err)) << text << ": " << err;
    EXPECT_EQ(v, want) << text;
  }
  for (const char* bad : {"", "0", "MB", "10XB", "-5MB", "101GB", "1..2MB"}) {
    EXPECT_FALSE(parse_byte_size("--size", bad, v, err)) << bad;
    EXPECT_EQ(err.rfind("--size: size '", 0), 0u) << err;
  }
}

TEST(ValueParsers, CiphersKeepPreferenceOrderAndDropRepeats) {
  std::string prio, err;
  std::vector<std::uint16_t> ids;
  ASSERT_TRUE(parse_ciphers("--ciphers", "chacha20,AES256GCM,chacha20", prio, ids, err));
  EXPECT_EQ(prio, "+CHACHA20-POLY1305:+AES-256-GCM");
  EXPECT_EQ(ids, (std::vector<std::uint16_t>{0x1303, 0x1302}));
  EXPECT_FALSE(parse_ciphers("--ciphers", "aes128gcm,", prio, ids, err));
  EXPECT_NE(err.find("unknown cipher ''"), std::string::npos) << err;
}

TEST(ValueParsers, AlpnList) {
  std::vector<std::string> out;
  std::string err;
  ASSERT_TRUE(parse_alpn_list("--alpn", "hq-interop,h3", out, err));
  EXPECT_EQ(out, (std::vector<std::string>{"hq-interop", "h3"}));
  EXPECT_FALSE(parse_alpn_list("--alpn", "a b", out, err));
  EXPECT_FALSE(parse_alpn_list("--alpn", std::string(256, 'a'), out, err));
  EXPECT_EQ(err.find('\n'), std::string::npos);
}

TEST(ValueParsers, QuicVersionListKeepsPreferenceOrder) {
  std::vector<std::uint32_t> out;
  std::string err;
  ASSERT_TRUE(parse_quic_versions("--versions", "v2,v1", out, err)) << err;
  EXPECT_EQ(out, (std::vector<std::uint32_t>{0x6b3343cf, 0x00000001}));
  ASSERT_TRUE(parse_quic_versions("--versions", "V1", out, err)) << err;
  EXPECT_EQ(out, (std::vector<std::uint32_t>{0x00000001}));
  EXPECT_FALSE(parse_quic_versions("--versions", "v2,v2", out, err));
  EXPECT_EQ(err, "--versions: version 'v2' is listed twice; list each of v1, v2 once");
  for (const char* bad : {"", "v1,", "v3", "v1 v2", "draft-29"}) {
    EXPECT_FALSE(parse_quic_versions("--versions", bad, out, err)) << bad;
    EXPECT_EQ(err.rfind("--versions: unknown QUIC version '", 0), 0u) << err;
    EXPECT_NE(err.find("such as v2,v1"), std::string::npos) << err;
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  }
}

TEST(ValueParsers, ShownValuesStayOnOneLine) {
  EXPECT_EQ(quote_value("a\nb"), "'a?b'");
  EXPECT_EQ(quote_value(std::string(100, 'x')), "'" + std::string(80, 'x') + "...'");
}

TEST(ValueParsers, FilesAndDirectories) {
  testing::TempDir d;
  std::string err;
  const std::string f = d.file("f", "x");
  EXPECT_TRUE(check_readable_file("--ca", f, "hint", err));
  EXPECT_FALSE(check_readable_file("--ca", d.path, "hint", err));
  EXPECT_NE(err.find("(Is a directory); hint"), std::string::npos) << err;
  EXPECT_TRUE(check_directory("--root", d.path, "hint", err));
  EXPECT_FALSE(check_directory("--root", f, "hint", err));
  EXPECT_TRUE(ensure_directory("--output", d.sub("a/b/c"), err)) << err;
  EXPECT_FALSE(ensure_directory("--output", f + "/sub", err));
}

}  // namespace
}  // namespace tquic::apps
