#include "apps/h3_server_session.h"

#include <algorithm>

namespace tquic::apps {

void H3ServerSession::on_event(transport::Connection& conn, const transport::ConnectionEvent& event, Timestamp now) {
  app_.on_connection_event(conn, event, now);
  sync_counters();
}

void H3ServerSession::poll(transport::Connection& conn, Timestamp now) {
  app_.poll(conn, now);
  sync_counters();
}

// Adds what changed in the responder's statistics since the last call. A
// response that is neither an error, aborted nor in flight is complete
// (bodies sent to the end, and those without a body: empty files, HEAD).
void H3ServerSession::sync_counters() {
  const h3::FileResponderStats& s = app_.responder().stats();
  ServerCounters now;
  now.requests = s.responses;
  now.responses_rejected = s.error_responses;
  now.responses_failed = s.transfers_aborted;
  now.body_bytes = s.body_bytes;
  const std::uint64_t open = s.error_responses + s.transfers_aborted + app_.responder().active_transfers();
  now.responses_completed = std::max(seen_.responses_completed, s.responses > open ? s.responses - open : 0);
  ServerCounters& c = *ctx_.counters;
  c.requests += now.requests - seen_.requests;
  c.responses_completed += now.responses_completed - seen_.responses_completed;
  c.responses_rejected += now.responses_rejected - seen_.responses_rejected;
  c.responses_failed += now.responses_failed - seen_.responses_failed;
  c.body_bytes += now.body_bytes - seen_.body_bytes;
  seen_ = now;
}

}  // namespace tquic::apps
