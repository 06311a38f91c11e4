#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "endpoint/cid_table.h"

namespace tquic::endpoint {
namespace {

wire::ConnectionId cid_of(std::uint64_t v, std::size_t len) {
  std::uint8_t b[20] = {};
  for (std::size_t i = 0; i < len; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * (i % 8))) ^ static_cast<std::uint8_t>(i);
  wire::ConnectionId c;
  wire::ConnectionId::from_bytes(ByteSpan(b, len), c);
  return c;
}

std::string key_of(const wire::ConnectionId& c) { return std::string(reinterpret_cast<const char*>(c.data()), c.size()); }

TEST(CidTable, InsertFindErase) {
  CidTable t;
  const auto a = cid_of(1, 8), b = cid_of(2, 8), a_short = cid_of(1, 7);
  EXPECT_EQ(t.find(a), CidTable::kNoValue);
  EXPECT_EQ(t.insert(a, 10), CidInsert::inserted);
  EXPECT_EQ(t.insert(a, 11), CidInsert::duplicate);
  EXPECT_EQ(t.insert(b, 20), CidInsert::inserted);
  EXPECT_EQ(t.insert(a_short, 30), CidInsert::inserted);  // the length is part of the key
  EXPECT_EQ(t.find(a), 10u);
  EXPECT_EQ(t.find(b), 20u);
  EXPECT_EQ(t.find(a_short), 30u);
  EXPECT_EQ(t.size(), 3u);
  EXPECT_TRUE(t.erase(a));
  EXPECT_FALSE(t.erase(a));
  EXPECT_EQ(t.find(a), CidTable::kNoValue);
  EXPECT_EQ(t.find(b), 20u);
  EXPECT_EQ(t.size(), 2u);
}

TEST(CidTable, EmptyAndMaximalKeysWork) {
  CidTable t;
  wire::ConnectionId empty;
  EXPECT_EQ(t.insert(empty, 1), CidInsert::inserted);
  EXPECT_EQ(t.insert(cid_of(9, 20), 2), CidInsert::inserted);
  EXPECT_EQ(t.find(empty), 1u);
  EXPECT_EQ(t.find(cid_of(9, 20)), 2u);
  std::uint8_t too_long[21] = {};
  EXPECT_EQ(t.find(ByteSpan(too_long, 21)), CidTable::kNoValue);
  EXPECT_EQ(t.insert(ByteSpan(too_long, 21), 3), CidInsert::full);
  EXPECT_FALSE(t.erase(ByteSpan(too_long, 21)));
}

TEST(CidTable, InsertNeverGrowsAndReportsFull) {
  CidTable t;
  const std::size_t cap = t.capacity();
  std::size_t inserted = 0;
  for (std::uint64_t i = 0; i < cap; ++i) {
    const CidInsert r = t.insert(cid_of(i + 1, 8), static_cast<std::uint32_t>(i));
    if (r == CidInsert::full) break;
    ASSERT_EQ(r, CidInsert::inserted);
    ++inserted;
  }
  EXPECT_EQ(t.capacity(), cap);
  EXPECT_EQ(inserted, cap * 3 / 4);
  EXPECT_EQ(t.insert(cid_of(999999, 8), 1), CidInsert::full);
  t.reserve(inserted + 100);  // growth happens here only, keeping every entry
  EXPECT_GT(t.capacity(), cap);
  for (std::uint64_t i = 0; i < inserted; ++i) ASSERT_EQ(t.find(cid_of(i + 1, 8)), i);
  EXPECT_EQ(t.insert(cid_of(999999, 8), 1), CidInsert::inserted);
}

// 10k random operations against std::unordered_map, on a small key space
// so that collisions, long runs and deletions inside runs all happen.
TEST(CidTable, MatchesReferenceUnderChurn) {
  for (std::uint32_t seed : {1u, 2u, 3u}) {
    std::mt19937_64 rng(seed);
    std::uint8_t hk[32];
    for (auto& b : hk) b = static_cast<std::uint8_t>(rng());
    CidTable t{ByteSpan(hk, 32)};
    t.reserve(600);
    std::unordered_map<std::string, std::uint32_t> ref;
    for (int op = 0; op < 10000; ++op) {
      const auto c = cid_of(rng() % 1500, 4 + rng() % 17);
      const std::string k = key_of(c);
      switch (rng() % 3) {
        case 0: {
          const std::uint32_t v = static_cast<std::uint32_t>(rng() % 100000);
          const CidInsert r = t.insert(c, v);
          if (ref.count(k)) {
            ASSERT_EQ(r, CidInsert::duplicate);
          } else if (r == CidInsert::inserted) {
            ref[k] = v;
          } else {
            ASSERT_EQ(r, CidInsert::full);
            ASSERT_GE(t.size(), t.capacity() * 3 / 4);
          }
          break;
        }
        case 1: ASSERT_EQ(t.erase(c), ref.erase(k) == 1); break;
        default: {
          auto it = ref.find(k);
          ASSERT_EQ(t.find(c), it == ref.end() ? CidTable::kNoValue : it->second);
        }
      }
      ASSERT_EQ(t.size(), ref.size());
    }
    for (const auto& [k, v] : ref)
      ASSERT_EQ(t.find(ByteSpan(reinterpret_cast<const std::uint8_t*>(k.data()), k.size())), v);
    for (const auto& [k, v] : ref) ASSERT_TRUE(t.erase(ByteSpan(reinterpret_cast<const std::uint8_t*>(k.data()), k.size())));
    EXPECT_EQ(t.size(), 0u);
  }
}

TEST(CidTable, DifferentHashKeysStillAgree) {
  std::uint8_t k1[32] = {1}, k2[32] = {2};
  CidTable a{ByteSpan(k1, 32)}, b{ByteSpan(k2, 32)};
  a.reserve(100);
  b.reserve(100);
  for (std::uint64_t i = 0; i < 100; ++i) {
    ASSERT_EQ(a.insert(cid_of(i, 8), static_cast<std::uint32_t>(i)), CidInsert::inserted);
    ASSERT_EQ(b.insert(cid_of(i, 8), static_cast<std::uint32_t>(i)), CidInsert::inserted);
  }
  for (std::uint64_t i = 0; i < 100; ++i) EXPECT_EQ(a.find(cid_of(i, 8)), b.find(cid_of(i, 8)));
}

}  // namespace
}  // namespace tquic::endpoint
