// Shared by the micro benchmarks: a console reporter that remembers the time
// per iteration of every run and, after all runs, hands them to a
// per-binary summary function that prints ratios against the baseline
// measured in the same run (on a noisy VM only such ratios mean anything).
//
//   int main(int argc, char** argv) {
//     return tquic::bench::run(argc, argv, register_all, print_summary);
//   }
//
// Times are nanoseconds per iteration, CPU time by default; benchmarks that
// use UseRealTime() (work split across threads) are recorded with real time,
// those that use UseManualTime() with the time they reported
// (ThreadCpuTimer below times one part of an iteration in CPU time).
// With --benchmark_repetitions the median is used.
#pragma once

#include <benchmark/benchmark.h>

#include <time.h>

#include <cstdio>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace tquic::bench {

class Results {
 public:
  // Nanoseconds per iteration; 0 if the benchmark did not run (filtered
  // out or failed).
  double ns(const std::string& name) const {
    auto it = ns_.find(name);
    return it == ns_.end() ? 0.0 : it->second;
  }
  bool has(const std::string& name) const { return ns(name) > 0; }
  // How many times slower `name` is than `baseline` (time ratio); 0 if
  // either is missing.
  double ratio(const std::string& name, const std::string& baseline) const {
    return has(name) && has(baseline) ? ns(name) / ns(baseline) : 0.0;
  }
  // CPU nanoseconds per iteration whatever the benchmark's time type (with
  // MeasureProcessCPUTime(): every thread of the process).
  double cpu_ns(const std::string& name) const {
    auto it = cpu_ns_.find(name);
    return it == cpu_ns_.end() ? 0.0 : it->second;
  }
  void record(const std::string& name, double ns, double cpu_ns, bool from_median) {
    if (!from_median && median_[name]) return;
    if (from_median) median_[name] = true;
    ns_[name] = ns;
    cpu_ns_[name] = cpu_ns;
  }

 private:
  std::map<std::string, double> ns_;
  std::map<std::string, double> cpu_ns_;
  std::map<std::string, bool> median_;
};

// printf into a std::string (summaries print fixed-precision tables).
template <class... Args>
std::string format(const char* fmt, Args... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

// CPU time of the calling thread, for UseManualTime() benchmarks that time
// only part of each iteration: start(), the work, then
// state.SetIterationTime(stop_seconds()). The two clock reads cost a few
// hundred nanoseconds; benchmarks using it also measure an empty region.
class ThreadCpuTimer {
 public:
  void start() { start_ = now(); }
  double stop_seconds() const { return now() - start_; }

 private:
  static double now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
  double start_ = 0;
};

using SummaryFn = std::function<void(std::ostream&, const Results&)>;

class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  explicit SummaryReporter(SummaryFn summary) : summary_(std::move(summary)) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& r : runs) {
      if (r.error_occurred) continue;
      const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
      if (r.run_type != Run::RT_Iteration && !median) continue;
      // time_type is e.g. "real_time", "process_time/real_time", "manual_time".
      const std::string& tt = r.run_name.time_type;
      const bool real = tt.find("real_time") != std::string::npos || tt == "manual_time";
      const double to_ns = 1e9 / benchmark::GetTimeUnitMultiplier(r.time_unit);
      const double cpu = r.GetAdjustedCPUTime() * to_ns;
      results_.record(r.run_name.function_name, real ? r.GetAdjustedRealTime() * to_ns : cpu, cpu, median);
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    summary_(GetOutputStream(), results_);
  }

 private:
  SummaryFn summary_;
  Results results_;
};

inline int run(int argc, char** argv, void (*register_all)(), SummaryFn summary) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  register_all();
  SummaryReporter reporter(std::move(summary));
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace tquic::bench
