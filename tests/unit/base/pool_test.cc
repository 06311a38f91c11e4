#include "base/pool.h"

#include <gtest/gtest.h>

#include <vector>

namespace tquic {
namespace {

struct Counted {
  static inline int alive = 0;
  int value;
  explicit Counted(int v) : value(v) { ++alive; }
  ~Counted() { --alive; }
};

TEST(Pool, ReusesObjectsAndCountsThem) {
  Pool<Counted> pool(4);
  pool.reserve(8);
  const auto slabs_before = pool.stats().slab_allocs;
  std::vector<Counted*> objs;
  for (int i = 0; i < 8; ++i) objs.push_back(pool.acquire(i));
  EXPECT_EQ(pool.stats().in_use, 8u);
  EXPECT_EQ(Counted::alive, 8);
  for (auto* o : objs) pool.release(o);
  EXPECT_EQ(pool.stats().in_use, 0u);
  EXPECT_EQ(Counted::alive, 0);
  for (int round = 0; round < 100; ++round) pool.release(pool.acquire(round));
#if !defined(TQUIC_POOLS_AS_HEAP)
  EXPECT_EQ(pool.stats().slab_allocs, slabs_before);  // steady state: no growth
#else
  (void)slabs_before;
#endif
}

TEST(Pool, CapReturnsNullInsteadOfGrowing) {
  Pool<Counted> pool(2, 3);
  Counted* a = pool.acquire(1);
  Counted* b = pool.acquire(2);
  Counted* c = pool.acquire(3);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(pool.acquire(4), nullptr);
  pool.release(b);
  Counted* d = pool.acquire(5);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->value, 5);
  pool.release(a);
  pool.release(c);
  pool.release(d);
  EXPECT_EQ(pool.stats().in_use, 0u);
}

}  // namespace
}  // namespace tquic
