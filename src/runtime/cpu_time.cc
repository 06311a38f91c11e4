#include "runtime/cpu_time.h"

#include <sys/resource.h>
#include <time.h>

namespace tquic::runtime {
namespace {

std::uint64_t micros(const timeval& tv) {
  return static_cast<std::uint64_t>(tv.tv_sec) * 1'000'000 + static_cast<std::uint64_t>(tv.tv_usec);
}

std::uint64_t minus(std::uint64_t later, std::uint64_t earlier) { return later > earlier ? later - earlier : 0; }

}  // namespace

CpuTime process_cpu_time() {
  CpuTime out;
  timespec ts{};
  if (::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0)
    out.total_ns = static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000 + static_cast<std::uint64_t>(ts.tv_nsec);
  rusage ru{};
  if (::getrusage(RUSAGE_SELF, &ru) == 0) {
    out.user_us = micros(ru.ru_utime);
    out.system_us = micros(ru.ru_stime);
  }
  return out;
}

CpuTime cpu_time_between(const CpuTime& earlier, const CpuTime& later) {
  return CpuTime{minus(later.total_ns, earlier.total_ns), minus(later.user_us, earlier.user_us),
                 minus(later.system_us, earlier.system_us)};
}

}  // namespace tquic::runtime
