// Closing (RFC 9000 §10): immediate close with CONNECTION_CLOSE, the
// closing and draining states, idle timeout.
#include <algorithm>

#include "transport/connection/conn_qlog.h"
#include "transport/connection/conn_state.h"

namespace tquic::transport {

Duration three_pto(const ConnectionState& s) {
  const Duration pto = recovery_path(s).recovery->pto_period(PacketNumberSpace::application_data);
  return 3 * pto;
}

void close_with_error(ConnectionState& s, const Error& e, Timestamp now) {
  if (s.phase == ConnPhase::closing || s.phase == ConnPhase::draining || s.phase == ConnPhase::closed) return;
  s.close_info.closed = true;
  s.close_info.by_peer = false;
  s.close_info.is_application = false;
  s.close_info.error_code = e.kind == ErrorKind::transport ? e.code
                                                           : static_cast<std::uint64_t>(TransportErrorCode::INTERNAL_ERROR);
  s.close_info.frame_type = e.frame_type;
  s.close_info.reason = e.reason ? e.reason : "";
  s.phase = ConnPhase::closing;
  s.close_frame_pending = true;
  s.close_deadline = now + three_pto(s);
  s.events.push({ConnectionEventType::closed, 0, s.close_info.error_code});
}

void enter_draining(ConnectionState& s, Timestamp now) {
  if (s.phase == ConnPhase::draining || s.phase == ConnPhase::closed) return;
  const bool announced = s.phase == ConnPhase::closing;
  s.phase = ConnPhase::draining;
  s.close_info.closed = true;
  s.close_deadline = now + three_pto(s);
  if (!announced) s.events.push({ConnectionEventType::closed, 0, s.close_info.error_code});
}

void Connection::close(std::uint64_t app_error, std::string_view reason, Timestamp now) {
  ConnectionState& s = *s_;
  if (s.phase == ConnPhase::closing || s.phase == ConnPhase::draining || s.phase == ConnPhase::closed) return;
  close_with_error(s, Error{ErrorKind::transport, app_error, 0, ""}, now);
  s.close_info.is_application = true;
  s.close_info.error_code = app_error;
  s.close_info.reason.assign(reason.substr(0, 512));
  if (s.qlog) qlog_sync(s, now);
}

bool Connection::is_established() const { return s_->phase == ConnPhase::established; }
bool Connection::is_closed() const { return s_->phase == ConnPhase::closed; }
const CloseInfo& Connection::close_info() const { return s_->close_info; }

}  // namespace tquic::transport
