#include "h3/byte_range.h"

#include <gtest/gtest.h>

#include <string>

namespace tquic::h3 {
namespace {

std::string show(const ByteRange& r) {
  switch (r.kind) {
    case RangeKind::ignored: return "ignored";
    case RangeKind::unsatisfiable: return "416";
    case RangeKind::satisfiable: return std::to_string(r.first) + "-" + std::to_string(r.last);
  }
  return "?";
}

TEST(H3ByteRange, SatisfiableForms) {
  EXPECT_EQ(show(evaluate_range("bytes=0-0", 10)), "0-0");
  EXPECT_EQ(show(evaluate_range("bytes=2-5", 10)), "2-5");
  EXPECT_EQ(show(evaluate_range("bytes=2-", 10)), "2-9");
  EXPECT_EQ(show(evaluate_range("bytes=2-100", 10)), "2-9");  // last clamped
  EXPECT_EQ(show(evaluate_range("bytes=-3", 10)), "7-9");
  EXPECT_EQ(show(evaluate_range("bytes=-30", 10)), "0-9");    // suffix longer than the file
  EXPECT_EQ(show(evaluate_range(" Bytes = 1-2 ", 10)), "1-2"); // unit is case-insensitive, OWS
  EXPECT_EQ(evaluate_range("bytes=2-5", 10).length(), 4u);
}

TEST(H3ByteRange, Unsatisfiable) {
  EXPECT_EQ(show(evaluate_range("bytes=10-", 10)), "416");
  EXPECT_EQ(show(evaluate_range("bytes=10-20", 10)), "416");
  EXPECT_EQ(show(evaluate_range("bytes=-0", 10)), "416");
  EXPECT_EQ(show(evaluate_range("bytes=0-", 0)), "416");
  EXPECT_EQ(show(evaluate_range("bytes=-5", 0)), "416");
}

TEST(H3ByteRange, IgnoredHeaders) {
  for (const char* h : {"", "bytes", "bytes=", "bytes=-", "items=0-1", "bytes=5-2", "bytes=a-b", "bytes=1-2,4-5",
                        "bytes=0x1-2", "bytes=1 -2", "bytes=99999999999999999999-", "bytes=--1", "bytes=1-2-3"}) {
    EXPECT_EQ(show(evaluate_range(h, 10)), "ignored") << h;
  }
}

TEST(H3ByteRange, LargestPositions) {
  const std::uint64_t size = std::uint64_t{1} << 62;
  EXPECT_EQ(show(evaluate_range("bytes=9999999999999999999-", size)), "416");
  const ByteRange r = evaluate_range("bytes=4611686018427387900-", size);
  EXPECT_EQ(r.kind, RangeKind::satisfiable);
  EXPECT_EQ(r.last, size - 1);
}

TEST(H3ByteRange, ContentRangeText) {
  char buf[kMaxContentRange];
  const ByteRange r = evaluate_range("bytes=10-19", 50);
  EXPECT_EQ(std::string(buf, format_content_range(r, 50, buf)), "bytes 10-19/50");
  EXPECT_EQ(std::string(buf, format_unsatisfied_range(50, buf)), "bytes */50");
  const ByteRange huge{RangeKind::satisfiable, ~std::uint64_t{0} - 1, ~std::uint64_t{0} - 1};
  EXPECT_EQ(std::string(buf, format_content_range(huge, ~std::uint64_t{0}, buf)),
            "bytes 18446744073709551614-18446744073709551614/18446744073709551615");
  char small[5];
  EXPECT_EQ(format_content_range(r, 50, small), 0u);
  EXPECT_EQ(format_decimal(0, small), 1u);
  EXPECT_EQ(small[0], '0');
  EXPECT_EQ(format_decimal(123456, small), 0u);
}

}  // namespace
}  // namespace tquic::h3
