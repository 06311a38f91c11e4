// The connection's single deadline (DESIGN.md "Timers") and what happens
// when it passes: ACK delay, loss detection / PTO, idle timeout, pacing,
// keep-alive, path validation, closing/draining end, old key discard.
#include <algorithm>

#include "transport/connection/conn_ack.h"
#include "transport/connection/conn_paths.h"
#include "transport/connection/conn_qlog.h"
#include "transport/connection/conn_send.h"
#include "transport/connection/conn_state.h"

namespace tquic::transport {
namespace {

Duration idle_period(const ConnectionState& s) {
  // RFC 9000 §10.1: at least three PTOs so probes can happen first.
  return std::max(s.idle_timeout, three_pto(s));
}

// How much pacing credit to wait for before the next write: a whole train
// when the rate is high (waking for every datagram at Gbit/s rates would
// cost a wake-up and a syscall per 1.4 kB), one datagram when it is low.
// The wait is what the rate gives in kPacingGranularity, bounded by one
// datagram below and above by the window's room and half the burst quantum:
// the bucket then still has room for the credit that accrues while the
// wake-up is late (timer slack), which would otherwise be lost.
std::uint64_t pacing_quantum(const PathState& p) {
  constexpr std::uint64_t kPacingGranularityUs = 1000;
  const std::uint64_t window = p.cc->congestion_window();
  const std::uint64_t in_flight = p.recovery->bytes_in_flight();
  const std::uint64_t room = window > in_flight ? window - in_flight : 0;
  const std::uint64_t by_rate = p.pacer.rate() / 1'000'000 * kPacingGranularityUs;
  const std::uint64_t quantum = std::min({by_rate, p.pacer.burst_bytes() / 2, room});
  return std::max<std::uint64_t>(quantum, p.max_datagram_size);
}

Timestamp pacing_deadline(const ConnectionState& s) {
  const PathState& p = recovery_path(s);
  if (!has_app_data_to_send(s, s.path()) || !p.cc->can_send(p.recovery->bytes_in_flight())) return kTimeInfinite;
  // Only a real pacing delay makes a deadline; otherwise the caller writes
  // after every event anyway (and a past deadline would make it spin).
  const Timestamp t = p.pacer.next_send_time(s.last_write_attempt, pacing_quantum(p));
  return t > s.last_write_attempt ? t : kTimeInfinite;
}

Timestamp keep_alive_deadline(const ConnectionState& s) {
  if (s.config.keep_alive_interval <= Duration::zero() || s.phase != ConnPhase::established) return kTimeInfinite;
  return std::max(s.last_activity, s.last_ack_eliciting_sent) + s.config.keep_alive_interval;
}

void run_timers(ConnectionState& s, Timestamp now) {
  if (s.phase == ConnPhase::closed) return;
  if (s.phase == ConnPhase::closing || s.phase == ConnPhase::draining) {
    if (now >= s.close_deadline) s.phase = ConnPhase::closed;
    return;
  }
  if (s.idle_timeout > Duration::zero() && now >= s.last_activity + idle_period(s)) {
    s.close_info = CloseInfo{true, false, false, true, false, 0, 0, "idle timeout"};
    s.phase = ConnPhase::closed;  // RFC 9000 §10.1: silently
    s.events.push({ConnectionEventType::closed});
    return;
  }
  on_loss_timeouts(s, now);
  if (now >= keep_alive_deadline(s)) s.pending.ping = true;
  on_path_timeouts(s, now);
  if (now >= s.key_discard_deadline) {
    s.one_rtt.discard_previous_keys();
    s.key_discard_deadline = kTimeInfinite;
  }
}

}  // namespace

Timestamp Connection::next_deadline() const {
  const ConnectionState& s = *s_;
  if (s.phase == ConnPhase::closed) return kTimeInfinite;
  if (s.phase == ConnPhase::closing || s.phase == ConnPhase::draining) return s.close_deadline;
  Timestamp t = kTimeInfinite;
  for (const auto& sp : s.spaces)
    if (!sp->discarded && sp->acks.has_unacked_packets()) t = std::min(t, sp->acks.ack_deadline());
  for (const auto& p : s.paths)
    if (p) t = std::min(t, p->recovery->loss_detection_timer());
  if (s.idle_timeout > Duration::zero()) t = std::min(t, s.last_activity + idle_period(s));
  t = std::min({t, keep_alive_deadline(s), path_deadline(s), pacing_deadline(s), s.key_discard_deadline});
  return t;
}

void Connection::on_timeout(Timestamp now) {
  ConnectionState& s = *s_;
  run_timers(s, now);
  if (s.qlog) qlog_sync(s, now);
}

}  // namespace tquic::transport
