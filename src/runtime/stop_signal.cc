#include "runtime/stop_signal.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace tquic::runtime {
namespace {

std::atomic<int> g_stop{0};
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler needs a lock-free flag");

void on_signal(int sig) {
  int none = 0;
  g_signal.compare_exchange_strong(none, sig, std::memory_order_relaxed);
  if (g_stop.fetch_add(1, std::memory_order_relaxed) > 0) ::_exit(130);  // second signal: give up now
}

}  // namespace

void install_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: poll() and io_uring waits return EINTR
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

bool stop_requested() { return g_stop.load(std::memory_order_relaxed) > 0; }

int stop_signal_number() { return g_signal.load(std::memory_order_relaxed); }

void request_stop() { g_stop.store(1, std::memory_order_relaxed); }

void clear_stop_request() { g_stop.store(0, std::memory_order_relaxed); }

}  // namespace tquic::runtime
