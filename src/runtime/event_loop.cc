#include "runtime/event_loop.h"

#include <algorithm>
#include <chrono>

#include "runtime/clock.h"
#include "runtime/stop_signal.h"

namespace tquic::runtime {

void EventLoop::add(UdpNode& node, Application& app) { members_.push_back(Member{&node, &app}); }

// Delivers every pending endpoint event; true if there was any.
bool EventLoop::dispatch_events(Member& m, Timestamp now) {
  endpoint::EndpointEvent e;
  bool any = false;
  while (m.node->endpoint().poll_event(e)) {
    any = true;
    switch (e.type) {
      case endpoint::EndpointEventType::accepted:
        m.app->on_accepted(*m.node, e.handle, e.address_validated, now);
        break;
      case endpoint::EndpointEventType::connection:
        m.app->on_connection_event(*m.node, e.handle, e.event, now);
        break;
      case endpoint::EndpointEventType::removed:
        m.app->on_removed(*m.node, e.handle, now);
        break;
    }
  }
  return any;
}

// One iteration; false on an I/O failure. `busy`: work is left that the
// next wait must not sleep through.
bool EventLoop::iterate(Timestamp now, bool& busy) {
  busy = false;
  for (Member& m : members_) {
    if (Status st = m.node->receive_and_tick(now); !st) return (error_ = st.error().reason), false;
    dispatch_events(m, now);
    m.app->on_turn(*m.node, now);
    if (Status st = m.node->send(now); !st) return (error_ = st.error().reason), false;
    // Events raised while building packets (a timer closed a connection...)
    // are handled now; the next wait then must not sleep.
    busy = dispatch_events(m, now) || busy || m.node->receive_pending();
  }
  return true;
}

// Sleeps until there is work; false (with error_) if the nodes cannot be waited on.
bool EventLoop::wait(Timestamp now, bool busy) {
  Timestamp until = now;
  if (!busy) {
    until = kTimeInfinite;
    for (const Member& m : members_) until = std::min({until, m.node->next_deadline(), m.app->next_wakeup()});
  }
  const Duration left = until <= now ? Duration::zero() : until - now;
  const Duration capped = std::min(left, max_wait_);
  if (members_.size() == 1 && members_.front().node->socket_count() == 1) {
    if (Status st = members_.front().node->wait(capped); !st) return (error_ = st.error().reason), false;
    return true;
  }
  fds_.clear();
  for (const Member& m : members_) {
    if (!m.node->pollable())
      return (error_ = "a node shares this loop but was opened without NodeOptions::shared_loop"), false;
    m.node->append_poll_fds(fds_);
  }
  // poll() counts whole milliseconds: round up so a deadline is never
  // missed by sleeping too little and spinning.
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(capped).count();
  ::poll(fds_.data(), fds_.size(), static_cast<int>(ms));
  return true;
}

LoopExit EventLoop::run(const std::function<bool()>& done, const LoopOptions& options) {
  max_wait_ = options.max_wait;
  const Timestamp start = monotonic_now();
  for (;;) {
    if (stop_.load(std::memory_order_relaxed) || stop_requested()) return LoopExit::stopped;
    const Timestamp now = monotonic_now();
    if (options.time_limit != kDurationInfinite && now - start >= options.time_limit) return LoopExit::time_limit;
    ++iterations_;
    bool busy = false;
    if (!iterate(now, busy)) return LoopExit::io_error;
    if (done && done()) return LoopExit::done;
    if (!wait(monotonic_now(), busy)) return LoopExit::io_error;
  }
}

}  // namespace tquic::runtime
