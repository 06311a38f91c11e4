// QPACK dynamic table (RFC 9204 §3.2): sizes, eviction, indexing, storage.
#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <string>

#include "h3/qpack/dynamic_table.h"
#include "qpack_test_util.h"

namespace tquic::h3::qpack {
namespace {

using test::span_of;

TEST(QpackDynamicTable, StartsEmptyWithZeroCapacity) {
  DynamicTable t(4096);
  EXPECT_EQ(t.capacity(), 0u);
  EXPECT_EQ(t.max_capacity(), 4096u);
  EXPECT_FALSE(t.insert(span_of(""), span_of("")));  // 32 bytes > capacity 0
  EXPECT_FALSE(t.set_capacity(4097));
  EXPECT_TRUE(t.set_capacity(4096));
  EXPECT_EQ(t.insert_count(), 0u);
}

// RFC 9204 B.2 - B.5 table states.
TEST(QpackDynamicTable, RfcAppendixBSizesAndEviction) {
  DynamicTable t(220);
  ASSERT_TRUE(t.set_capacity(220));
  ASSERT_TRUE(t.insert(span_of(":authority"), span_of("www.example.com")));
  ASSERT_TRUE(t.insert(span_of(":path"), span_of("/sample/path")));
  EXPECT_EQ(t.size(), 106u);
  ASSERT_TRUE(t.insert(span_of("custom-key"), span_of("custom-value")));
  EXPECT_EQ(t.size(), 160u);
  ASSERT_TRUE(t.duplicate(0));
  EXPECT_EQ(t.size(), 217u);
  EXPECT_EQ(t.entry(3).name, ":authority");
  EXPECT_EQ(t.entry(3).value, "www.example.com");
  std::size_t evictions = 0;
  ASSERT_TRUE(t.evictions_for(entry_size(10, 13), evictions));
  EXPECT_EQ(evictions, 1u);
  // Insert with name reference to entry 2 ("custom-key").
  const auto name = t.entry(2).name;
  ASSERT_TRUE(t.insert(span_of(name), span_of("custom-value2")));
  EXPECT_EQ(t.size(), 215u);
  EXPECT_EQ(t.dropped_count(), 1u);
  EXPECT_FALSE(t.contains(0));
  EXPECT_TRUE(t.contains(1));
  EXPECT_EQ(t.entry(4).name, "custom-key");
  EXPECT_EQ(t.entry(4).value, "custom-value2");
  EXPECT_EQ(t.entry(1).value, "/sample/path");
}

TEST(QpackDynamicTable, EntryLargerThanCapacityIsRefusedWithoutChange) {
  DynamicTable t(100);
  ASSERT_TRUE(t.set_capacity(100));
  ASSERT_TRUE(t.insert(span_of("a"), span_of("b")));
  EXPECT_FALSE(t.insert(span_of(std::string(40, 'n')), span_of(std::string(29, 'v'))));  // 101
  EXPECT_EQ(t.insert_count(), 1u);
  EXPECT_EQ(t.size(), 34u);
  EXPECT_TRUE(t.insert(span_of(std::string(40, 'n')), span_of(std::string(28, 'v'))));  // 100
  EXPECT_EQ(t.entry_count(), 1u);  // evicted "a: b" to make room
}

TEST(QpackDynamicTable, ReducingCapacityEvictsAndZeroClears) {
  DynamicTable t(300);
  ASSERT_TRUE(t.set_capacity(300));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(t.insert(span_of("name"), span_of("value-" + std::to_string(i))));
  EXPECT_EQ(t.size(), 5u * 43u);
  ASSERT_TRUE(t.set_capacity(100));
  EXPECT_EQ(t.entry_count(), 2u);
  EXPECT_EQ(t.dropped_count(), 3u);
  ASSERT_TRUE(t.set_capacity(0));
  EXPECT_EQ(t.entry_count(), 0u);
  EXPECT_EQ(t.insert_count(), 5u);  // absolute indices keep counting
  ASSERT_TRUE(t.set_capacity(300));
  ASSERT_TRUE(t.insert(span_of("x"), span_of("y")));
  EXPECT_EQ(t.dropped_count(), 5u);
  EXPECT_EQ(t.entry(5).name, "x");
}

TEST(QpackDynamicTable, NameReferenceToTheEntryBeingEvicted) {
  // §3.2.2: the new entry may name an entry its own insertion evicts.
  DynamicTable t(64);
  ASSERT_TRUE(t.set_capacity(64));
  ASSERT_TRUE(t.insert(span_of("a-rather-long-name"), span_of("v1")));  // 52
  const auto name = t.entry(0).name;
  ASSERT_TRUE(t.insert(span_of(name), span_of("v2")));  // evicts entry 0
  EXPECT_FALSE(t.contains(0));
  EXPECT_EQ(t.entry(1).name, "a-rather-long-name");
  EXPECT_EQ(t.entry(1).value, "v2");
  // Same with a duplicate of the only entry.
  ASSERT_TRUE(t.duplicate(1));
  EXPECT_EQ(t.entry(2).name, "a-rather-long-name");
  EXPECT_EQ(t.entry(2).value, "v2");
  EXPECT_FALSE(t.duplicate(1));  // evicted now
}

// Against a simple model: random inserts, duplicates and capacity changes
// keep every live entry intact, whatever the ring wrap-around does.
TEST(QpackDynamicTable, MatchesReferenceModelUnderRandomOperations) {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    std::mt19937_64 rng(seed);
    const std::uint64_t max_capacity = 64 + rng() % 2000;
    DynamicTable t(max_capacity);
    ASSERT_TRUE(t.set_capacity(max_capacity));
    std::deque<std::pair<std::string, std::string>> model;
    std::uint64_t model_dropped = 0;
    std::uint64_t model_size = 0;
    auto model_evict_to = [&](std::uint64_t limit) {
      while (model_size > limit) {
        model_size -= entry_size(model.front().first.size(), model.front().second.size());
        model.pop_front();
        ++model_dropped;
      }
    };
    for (int op = 0; op < 3000; ++op) {
      const unsigned kind = rng() % 10;
      if (kind == 0) {
        const std::uint64_t cap = rng() % (max_capacity + 1);
        ASSERT_TRUE(t.set_capacity(cap));
        model_evict_to(cap);
      } else if (kind <= 2 && !model.empty()) {
        const std::uint64_t abs = model_dropped + rng() % model.size();
        const auto entry = model[abs - model_dropped];
        const std::uint64_t sz = entry_size(entry.first.size(), entry.second.size());
        const bool ok = t.duplicate(abs);
        ASSERT_EQ(ok, sz <= t.capacity()) << "seed " << seed << " op " << op;
        if (ok) {
          model_evict_to(t.capacity() - sz);
          model.push_back(entry);
          model_size += sz;
        }
      } else {
        std::string name(rng() % 40, 'a' + static_cast<char>(op % 26));
        std::string value(rng() % (max_capacity / 2 + 1), 'A' + static_cast<char>(op % 26));
        const std::uint64_t sz = entry_size(name.size(), value.size());
        const bool ok = t.insert(span_of(name), span_of(value));
        ASSERT_EQ(ok, sz <= t.capacity()) << "seed " << seed << " op " << op;
        if (ok) {
          model_evict_to(t.capacity() - sz);
          model.emplace_back(name, value);
          model_size += sz;
        }
      }
      ASSERT_EQ(t.size(), model_size) << "seed " << seed << " op " << op;
      ASSERT_EQ(t.dropped_count(), model_dropped) << "seed " << seed << " op " << op;
      ASSERT_EQ(t.entry_count(), model.size());
      for (std::size_t i = 0; i < model.size(); ++i) {
        const auto e = t.entry(model_dropped + i);
        ASSERT_EQ(e.name, model[i].first) << "seed " << seed << " op " << op;
        ASSERT_EQ(e.value, model[i].second) << "seed " << seed << " op " << op;
      }
    }
  }
}

TEST(QpackDynamicTable, HugeMaxCapacityIsClamped) {
  DynamicTable t(UINT64_MAX);
  EXPECT_EQ(t.max_capacity(), DynamicTable::kMaxSupportedCapacity);
}

}  // namespace
}  // namespace tquic::h3::qpack
