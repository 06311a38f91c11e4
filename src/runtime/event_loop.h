// The single-thread event loop: drives one or more UdpNodes, each with its
// Application, on the monotonic clock. One iteration:
//   receive (bounded) and run due timers  ->  deliver endpoint events
//   ->  application turn  ->  send until the sockets push back
//   ->  wait until a socket is readable/writable, the earliest deadline of
//       any endpoint or application passes, or a signal arrives: in the
//       engine itself when the loop has one socket (io_uring's own wait),
//       else poll() over every node's descriptors (nodes opened with
//       NodeOptions::shared_loop).
// The loop ends when the caller's `done` predicate holds, stop() or
// SIGINT/SIGTERM (runtime/stop_signal.h) asks for it, the time limit passes,
// or the I/O fails.
#pragma once

#include <poll.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "base/time.h"
#include "runtime/application.h"
#include "runtime/udp_node.h"

namespace tquic::runtime {

enum class LoopExit { done, stopped, time_limit, io_error };

struct LoopOptions {
  Duration time_limit = kDurationInfinite;  // from the start of run()
  // Longest single sleep: bounds how late a stop() from another thread is seen.
  Duration max_wait = 100ms;
};

class EventLoop {
 public:
  // Both must outlive the loop.
  void add(UdpNode& node, Application& app);
  // Runs until `done()` is true (checked after each iteration) or another
  // exit reason; io_error leaves a one-line error().
  LoopExit run(const std::function<bool()>& done, const LoopOptions& options = {});
  // Thread-safe request to end run() at the next iteration.
  void stop() { stop_.store(true, std::memory_order_relaxed); }
  const std::string& error() const { return error_; }
  std::uint64_t iterations() const { return iterations_; }

 private:
  struct Member {
    UdpNode* node;
    Application* app;
  };
  bool iterate(Timestamp now, bool& busy);
  bool dispatch_events(Member& m, Timestamp now);
  bool wait(Timestamp now, bool busy);

  std::vector<Member> members_;
  std::vector<pollfd> fds_;
  std::atomic<bool> stop_{false};
  std::string error_;
  std::uint64_t iterations_ = 0;
  Duration max_wait_ = 100ms;
};

}  // namespace tquic::runtime
