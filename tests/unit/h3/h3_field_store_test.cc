#include "h3/field_store.h"

#include <gtest/gtest.h>

#include <string>

namespace tquic::h3 {
namespace {

TEST(H3FieldStore, HeadersThenTrailersAsStableCopies) {
  FieldStore s;
  {
    std::string name = ":status", value = "200";  // the decoder's views die after the call
    ASSERT_TRUE(s.on_field(name, value, false));
    name = "content-type";
    value = "text/plain";
    ASSERT_TRUE(s.on_field(name, value, false));
  }
  ASSERT_EQ(s.headers().size(), 2u);
  EXPECT_EQ(s.headers()[1].name, "content-type");
  EXPECT_EQ(s.header("content-type"), "text/plain");
  EXPECT_FALSE(s.header("missing"));
  EXPECT_TRUE(s.trailers().empty());
  s.begin_trailers();
  ASSERT_TRUE(s.on_field("x-sum", "7", false));
  ASSERT_EQ(s.headers().size(), 2u);
  ASSERT_EQ(s.trailers().size(), 1u);
  EXPECT_EQ(s.trailers()[0].value, "7");
  EXPECT_EQ(s.headers()[0].value, "200");
}

TEST(H3FieldStore, DiscardOpenSectionDropsOnlyTheSectionBeingDecoded) {
  FieldStore s;
  ASSERT_TRUE(s.on_field("a", "1", false));
  s.discard_open_section();  // a blocked header section is decoded again later
  EXPECT_TRUE(s.headers().empty());
  ASSERT_TRUE(s.on_field("a", "1", false));
  s.begin_trailers();
  ASSERT_TRUE(s.on_field("t", "x", false));
  s.discard_open_section();
  EXPECT_EQ(s.headers().size(), 1u);
  EXPECT_TRUE(s.trailers().empty());
  s.clear();
  EXPECT_TRUE(s.headers().empty());
}

}  // namespace
}  // namespace tquic::h3
