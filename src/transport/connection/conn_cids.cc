#include "transport/connection/conn_cids.h"

#include <cstring>

namespace tquic::transport {
namespace {

using wire::FrameType;

Error cid_error(const char* why, FrameType type, TransportErrorCode c = TransportErrorCode::PROTOCOL_VIOLATION) {
  return Error::transport(c, why, wire::to_wire(type));
}

Error limit_error(const char* why) {
  return cid_error(why, FrameType::new_connection_id, TransportErrorCode::CONNECTION_ID_LIMIT_ERROR);
}

PeerCid* find_peer(ConnectionState& s, std::uint64_t seq) {
  for (PeerCid& p : s.peer_cids)
    if (p.state != PeerCidState::free && p.sequence == seq) return &p;
  return nullptr;
}

const PeerCid* find_active_peer(const ConnectionState& s, std::uint64_t seq) {
  for (const PeerCid& p : s.peer_cids)
    if (p.state == PeerCidState::active && p.sequence == seq) return &p;
  return nullptr;
}

std::size_t active_peer_count(const ConnectionState& s) {
  std::size_t n = 0;
  for (const PeerCid& p : s.peer_cids) n += p.state == PeerCidState::active;
  return n;
}

// RFC 9000 §19.15: the frame must agree with every CID we hold. A sequence
// number reused for another CID or token, a CID repeated under another
// sequence number, or (§10.3) a reset token repeated for another CID "MAY"
// be treated as PROTOCOL_VIOLATION: tquic does. (The same frame received
// again is not an error.)
Status check_consistent(const ConnectionState& s, const wire::NewConnectionIdFrame& f) {
  for (const PeerCid& p : s.peer_cids) {
    if (p.state == PeerCidState::free) continue;
    const bool same_cid = p.cid == f.connection_id;
    if (p.sequence == f.sequence_number) {
      if (!same_cid || p.reset_token != f.stateless_reset_token)
        return cid_error("NEW_CONNECTION_ID reuses a sequence number with other content",
                         FrameType::new_connection_id);
    } else if (same_cid) {
      return cid_error("NEW_CONNECTION_ID repeats a connection ID under another sequence number",
                       FrameType::new_connection_id);
    } else if (p.has_reset_token && p.reset_token == f.stateless_reset_token) {
      return cid_error("NEW_CONNECTION_ID repeats the stateless reset token of another connection ID",
                       FrameType::new_connection_id);
    }
  }
  return ok_status();
}

// RFC 9000 §5.1.2: stop using every CID below Retire Prior To and retire it.
void retire_below(ConnectionState& s, std::uint64_t prior_to) {
  for (PeerCid& p : s.peer_cids)
    if (p.state == PeerCidState::active && p.sequence < prior_to) p.state = PeerCidState::retiring;
}

// Every path whose CID is no longer active moves to an active one, unused
// if possible (§9.5: one CID per path).
void repoint_paths(ConnectionState& s) {
  for (auto& path : s.paths) {
    if (!path || find_active_peer(s, path->peer_cid_seq)) continue;
    PeerCid* next = take_unused_peer_cid(s);
    for (PeerCid& p : s.peer_cids)
      if (!next && p.state == PeerCidState::active) next = &p;
    if (!next) continue;  // nothing active: the next NEW_CONNECTION_ID brings one
    next->in_use = true;
    path->peer_cid_seq = next->sequence;
  }
}

// Adds the CID of a new frame: active, or retiring at once when it is
// already below Retire Prior To (§19.15). Retiring CIDs keep their slot
// until the RETIRE_CONNECTION_ID is acknowledged, so a table full of them
// is "connection IDs in need of retirement" beyond our limit (§5.1.2).
Status store_peer_cid(ConnectionState& s, const wire::NewConnectionIdFrame& f) {
  if (find_peer(s, f.sequence_number)) return ok_status();  // a repeat (consistent, checked above)
  const bool retired = f.sequence_number < s.peer_retire_prior_to;
  if (!retired && active_peer_count(s) >= s.local_params.active_connection_id_limit)
    return limit_error("more connection IDs than active_connection_id_limit");
  for (PeerCid& p : s.peer_cids) {
    if (p.state != PeerCidState::free) continue;
    p = PeerCid{retired ? PeerCidState::retiring : PeerCidState::active, f.sequence_number, f.connection_id,
                f.stateless_reset_token, true, false};
    return ok_status();
  }
  return limit_error("too many connection IDs waiting for retirement");
}

}  // namespace

Status take_first_local_cid(ConnectionState& s, bool zero_length) {
  LocalCid& l = s.local_cids[0];
  l = LocalCid{};
  // A zero-length CID routes nothing and has no stateless reset token
  // (RFC 9000 §10.3: a token belongs to a connection ID).
  s.local_cid_zero_length = zero_length;
  if (!zero_length && !s.cid_source->next_cid(l.cid, l.reset_token))
    return Error::local("no connection ID available");
  l.active = true;
  l.sequence = s.next_local_cid_seq++;
  l.advertised = true;
  s.initial_scid = l.cid;
  return ok_status();
}

void set_peer_handshake_cid(ConnectionState& s, const wire::ConnectionId& cid) {
  PeerCid& p = s.peer_cids[0];
  p.state = PeerCidState::active;
  p.sequence = 0;
  p.cid = cid;
  p.in_use = true;
  s.peer_cid_zero_length = cid.empty();
}

Status on_new_connection_id(ConnectionState& s, const wire::NewConnectionIdFrame& f) {
  // §19.15: we send packets with a zero-length DCID, so this is a violation.
  if (s.peer_cid_zero_length)
    return cid_error("NEW_CONNECTION_ID from a peer using a zero-length connection ID", FrameType::new_connection_id);
  TQUIC_TRY(check_consistent(s, f));
  // §19.15: an increased Retire Prior To applies even when the frame repeats
  // one already received; smaller values are ignored.
  if (f.retire_prior_to > s.peer_retire_prior_to) {
    s.peer_retire_prior_to = f.retire_prior_to;
    retire_below(s, f.retire_prior_to);
  }
  const Status stored = store_peer_cid(s, f);
  repoint_paths(s);
  return stored;
}

Status on_retire_connection_id(ConnectionState& s, const wire::RetireConnectionIdFrame& f,
                               const FrameContext& ctx) {
  // §19.16: we gave the peer a zero-length CID, which it cannot retire.
  if (s.local_cid_zero_length)
    return cid_error("RETIRE_CONNECTION_ID sent to a zero-length connection ID", FrameType::retire_connection_id);
  if (f.sequence_number >= s.next_local_cid_seq)
    return cid_error("RETIRE_CONNECTION_ID for a connection ID never issued", FrameType::retire_connection_id);
  // §19.16: it MUST NOT name the CID of the packet carrying it; the peer MAY
  // treat that as PROTOCOL_VIOLATION, and we do.
  if (f.sequence_number == ctx.dcid_sequence)
    return cid_error("RETIRE_CONNECTION_ID for the connection ID it was sent to", FrameType::retire_connection_id);
  for (LocalCid& l : s.local_cids) {
    if (!l.active || l.sequence != f.sequence_number) continue;
    l.active = false;
    s.events.push({ConnectionEventType::local_cid_retired, 0, 0, 0, l.sequence});
  }
  replenish_local_cids(s);
  return ok_status();
}

// §5.1.1: keep the peer supplied up to its active_connection_id_limit. An
// endpoint with a zero-length CID never sends NEW_CONNECTION_ID and ignores
// that limit (§18.2).
void replenish_local_cids(ConnectionState& s) {
  if (s.local_cid_zero_length || !s.handshake_complete || !s.peer_params_received) return;
  const std::uint64_t limit =
      std::min<std::uint64_t>(s.peer_params.active_connection_id_limit, kMaxLocalCids);
  std::uint64_t active = 0;
  for (const LocalCid& l : s.local_cids) active += l.active;
  for (LocalCid& l : s.local_cids) {
    if (active >= limit) break;
    if (l.active) continue;
    LocalCid fresh;
    if (!s.cid_source->next_cid(fresh.cid, fresh.reset_token)) return;
    fresh.active = true;
    fresh.sequence = s.next_local_cid_seq++;
    fresh.new_cid_pending = true;
    l = fresh;
    ++active;
    s.events.push({ConnectionEventType::local_cid_issued, 0, 0, 0, l.sequence});
  }
}

void requeue_new_connection_id(ConnectionState& s, std::uint64_t sequence) {
  for (LocalCid& l : s.local_cids)
    if (l.active && l.sequence == sequence) l.new_cid_pending = true;
}

void requeue_retire_connection_id(ConnectionState& s, std::uint64_t sequence) {
  PeerCid* p = find_peer(s, sequence);
  if (p && p->state == PeerCidState::retire_sent) p->state = PeerCidState::retiring;
}

void on_retire_connection_id_acked(ConnectionState& s, std::uint64_t sequence) {
  PeerCid* p = find_peer(s, sequence);
  if (p && p->state == PeerCidState::retire_sent) *p = PeerCid{};
}

bool cid_frames_pending(const ConnectionState& s) {
  for (const LocalCid& l : s.local_cids)
    if (l.active && l.new_cid_pending) return true;
  for (const PeerCid& p : s.peer_cids)
    if (p.state == PeerCidState::retiring) return true;
  return false;
}

std::uint64_t local_cid_sequence(const ConnectionState& s, const wire::ConnectionId& cid) {
  for (const LocalCid& l : s.local_cids)
    if (l.active && l.cid == cid) return l.sequence;
  return kNoCidSequence;
}

const PeerCid* peer_cid_for(const ConnectionState& s, const PathState& path) {
  if (const PeerCid* p = find_active_peer(s, path.peer_cid_seq)) return p;
  for (const PeerCid& p : s.peer_cids)
    if (p.state == PeerCidState::active) return &p;
  return nullptr;
}

PeerCid* take_unused_peer_cid(ConnectionState& s) {
  for (PeerCid& p : s.peer_cids) {
    if (p.state != PeerCidState::active || p.in_use) continue;
    p.in_use = true;
    return &p;
  }
  return nullptr;
}

// RFC 9000 §10.3.1: a datagram whose last 16 bytes equal the reset token of
// an active peer CID we have sent with ends the connection; tokens of CIDs
// not used yet or retired are not checked. (A zero-length CID chosen by a
// client has no token: clients cannot send stateless_reset_token.)
bool is_stateless_reset(const ConnectionState& s, ByteSpan d) {
  if (d.size() < 21) return false;
  const std::uint8_t* tail = d.data() + d.size() - wire::kStatelessResetTokenLength;
  for (const PeerCid& p : s.peer_cids)
    if (p.state == PeerCidState::active && p.in_use && p.has_reset_token &&
        std::memcmp(tail, p.reset_token.data(), p.reset_token.size()) == 0)
      return true;
  return false;
}

}  // namespace tquic::transport
