#include "base/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace tquic {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return Error::transport(TransportErrorCode::FRAME_ENCODING_ERROR, "not positive", 0x08);
  return v;
}

Result<int> doubled(int v) {
  int x = 0;
  TQUIC_TRY_ASSIGN(x, parse_positive(v));
  return 2 * x;
}

Status check(int v) {
  TQUIC_TRY(parse_positive(v));
  return ok_status();
}

TEST(Result, CarriesValueOrError) {
  auto ok = parse_positive(3);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 3);
  auto bad = parse_positive(-1);
  ASSERT_FALSE(bad);
  EXPECT_TRUE(bad.error().is_transport(TransportErrorCode::FRAME_ENCODING_ERROR));
  EXPECT_EQ(bad.error().frame_type, 0x08u);
  EXPECT_STREQ(bad.error().reason, "not positive");
}

TEST(Result, TryMacrosPropagate) {
  EXPECT_EQ(*doubled(4), 8);
  EXPECT_FALSE(doubled(0));
  EXPECT_TRUE(check(1));
  EXPECT_EQ(check(0).error().kind, ErrorKind::transport);
}

TEST(Result, HoldsNonTrivialTypesWithoutLeaking) {
  Result<std::string> s = std::string(100, 'x');
  Result<std::string> copy = s;
  Result<std::string> moved = std::move(copy);
  EXPECT_EQ(moved->size(), 100u);
  moved = Error::local("replaced");
  EXPECT_FALSE(moved);
  Result<std::unique_ptr<int>> p = std::make_unique<int>(7);
  EXPECT_EQ(**p, 7);
}

TEST(Error, NamesFollowTheRfc) {
  EXPECT_STREQ(transport_error_name(0x7), "FRAME_ENCODING_ERROR");
  EXPECT_STREQ(transport_error_name(0x12a), "CRYPTO_ERROR");
  EXPECT_STREQ(transport_error_name(0x3e76), "PATH_UNSTABLE_OR_POOR");
  EXPECT_STREQ(transport_error_name(0x9999), "UNKNOWN_ERROR");
}

}  // namespace
}  // namespace tquic
