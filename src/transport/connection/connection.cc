// The small remainder of the public API: events, datagrams, information.
#include "transport/connection/connection.h"

#include <algorithm>

#include "transport/connection/conn_qlog.h"
#include "transport/connection/conn_ecn.h"
#include "transport/connection/conn_state.h"
#include "wire/frame_encoder.h"

namespace tquic::transport {

bool Connection::poll_event(ConnectionEvent& out) {
  // Old 1-RTT read keys are kept for 3 PTO after an update (RFC 9001 §6.5).
  ConnectionState& s = *s_;
  if (s.one_rtt.has_previous_keys() && s.key_discard_deadline == kTimeInfinite)
    s.key_discard_deadline = s.one_rtt.last_update_time() + three_pto(s);
  return s.events.pop(out);
}

std::size_t Connection::max_datagram_payload() const {
  const ConnectionState& s = *s_;
  if (!s.peer_params_received || s.peer_params.max_datagram_frame_size == 0) return 0;
  // Short header (1 + CID + 4-byte PN) and AEAD tag, then the frame header.
  const std::size_t overhead = 1 + s.initial_scid.size() + 20 + 4 + 16 + 3;
  const std::size_t by_path = s.path().max_datagram_size > overhead ? s.path().max_datagram_size - overhead : 0;
  const std::size_t by_peer = static_cast<std::size_t>(s.peer_params.max_datagram_frame_size) - 3;
  return std::min({by_path, by_peer, s.datagrams_out.max_size()});
}

Status Connection::send_datagram(ByteSpan payload) {
  ConnectionState& s = *s_;
  if (payload.size() > max_datagram_payload()) return Error::local("datagram larger than max_datagram_payload()");
  if (!s.datagrams_out.push(payload)) return Error::blocked("datagram queue full");
  return ok_status();
}

Result<std::size_t> Connection::read_datagram(MutByteSpan out) {
  ConnectionState& s = *s_;
  if (s.datagrams_in.empty()) return Error::blocked("no datagram");
  const ByteSpan d = s.datagrams_in.front();
  if (d.size() > out.size()) return Error::local("buffer smaller than the datagram");
  std::copy(d.begin(), d.end(), out.begin());
  s.datagrams_in.pop();
  return d.size();
}

wire::Role Connection::role() const { return s_->role; }
std::uint32_t Connection::version() const { return static_cast<std::uint32_t>(s_->version); }
std::string_view Connection::alpn() const { return s_->tls ? s_->tls->alpn() : std::string_view{}; }
bool Connection::is_resumed() const { return s_->tls && s_->tls->is_resumed(); }
bool Connection::early_data_accepted() const { return s_->tls && s_->tls->early_data_accepted(); }
bool Connection::early_data_available() const {
  return s_->role == wire::Role::client && s_->phase == ConnPhase::handshake && s_->zero_rtt_tx.ready();
}
std::uint16_t Connection::cipher_suite() const { return s_->tls ? s_->tls->cipher_suite() : 0; }
const std::vector<std::uint8_t>& Connection::session_ticket() const { return s_->session_ticket; }
const std::vector<std::uint8_t>& Connection::session_params() const { return s_->session_params; }
const std::vector<std::uint8_t>& Connection::new_token() const { return s_->new_token; }

bool Connection::local_cid(std::uint64_t sequence, wire::ConnectionId& cid) const {
  for (const LocalCid& l : s_->local_cids)
    if (l.active && l.sequence == sequence) {
      cid = l.cid;
      return true;
    }
  return false;
}

ConnectionStats Connection::stats() const {
  const ConnectionState& s = *s_;
  ConnectionStats st = s.stats;
  const PathState& p = recovery_path(s);
  const RttEstimator& rtt = p.recovery->rtt();
  st.smoothed_rtt = rtt.smoothed_rtt();
  st.min_rtt = rtt.min_rtt();
  st.latest_rtt = rtt.latest_rtt();
  st.congestion_window = p.cc->congestion_window();
  st.bytes_in_flight = p.recovery->bytes_in_flight();
  st.pacing_rate = p.cc->pacing_rate();
  st.max_datagram_size = s.path().max_datagram_size;
  st.key_updates = s.one_rtt.installed() ? s.one_rtt.key_phase() : 0;
  st.qlog_records = s.qlog ? s.qlog->trace.records() : 0;
  ecn_fill_stats(s, st);
  st.original_version = s.vn.first_attempt;
  st.negotiated_version = static_cast<std::uint32_t>(s.version);
  return st;
}

Status Connection::initiate_key_update() {
  ConnectionState& s = *s_;
  if (!s.handshake_confirmed) return Error::local("key update before the handshake is confirmed");
  if (!s.one_rtt.update_permitted()) return Error::blocked("no packet of the current phase acknowledged yet");
  TQUIC_TRY(s.one_rtt.initiate_update(s.last_activity));
  if (s.qlog) {
    s.qlog->local_key_update = true;
    qlog_sync(s, s.last_activity);
  }
  return ok_status();
}

}  // namespace tquic::transport
