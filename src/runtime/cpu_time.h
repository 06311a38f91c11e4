// CPU time this process used so far: the precise total from
// CLOCK_PROCESS_CPUTIME_ID (nanoseconds, every thread) and the user/system
// split from getrusage(RUSAGE_SELF) (microseconds). Differences of two
// samples give the CPU a piece of work cost (`tquic perf`).
#pragma once

#include <cstdint>

namespace tquic::runtime {

struct CpuTime {
  std::uint64_t total_ns = 0;
  std::uint64_t user_us = 0;
  std::uint64_t system_us = 0;
};

CpuTime process_cpu_time();

// `later` minus `earlier`, field by field (never below zero).
CpuTime cpu_time_between(const CpuTime& earlier, const CpuTime& later);

}  // namespace tquic::runtime
