// Process CPU time: samples only grow, and work shows up in them.
#include "runtime/cpu_time.h"

#include <gtest/gtest.h>

namespace tquic::runtime {
namespace {

TEST(CpuTime, GrowsWithWork) {
  const CpuTime a = process_cpu_time();
  volatile std::uint64_t x = 1;
  for (int i = 0; i < 20'000'000; ++i) x = x * 6364136223846793005ull + 1442695040888963407ull;
  const CpuTime b = process_cpu_time();
  const CpuTime d = cpu_time_between(a, b);
  EXPECT_GT(d.total_ns, 0u);
  EXPECT_GE(b.user_us + b.system_us, a.user_us + a.system_us);
}

TEST(CpuTime, DifferencesNeverGoBelowZero) {
  const CpuTime d = cpu_time_between(CpuTime{10, 5, 5}, CpuTime{4, 6, 1});
  EXPECT_EQ(d.total_ns, 0u);
  EXPECT_EQ(d.user_us, 1u);
  EXPECT_EQ(d.system_us, 0u);
}

}  // namespace
}  // namespace tquic::runtime
