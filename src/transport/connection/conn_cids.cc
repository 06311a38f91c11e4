#include "transport/connection/conn_cids.h"

#include <cstring>

namespace tquic::transport {
namespace {

Error cid_error(const char* why, TransportErrorCode c = TransportErrorCode::PROTOCOL_VIOLATION) {
  return Error::transport(c, why, 0x18);
}

PeerCid* find_peer(ConnectionState& s, std::uint64_t seq) {
  for (PeerCid& p : s.peer_cids)
    if (!p.cid.empty() && p.sequence == seq) return &p;
  return nullptr;
}

std::size_t active_peer_count(const ConnectionState& s) {
  std::size_t n = 0;
  for (const PeerCid& p : s.peer_cids) n += !p.cid.empty() && !p.retire_pending;
  return n;
}

// RFC 9000 §19.15: retire every CID below retire_prior_to.
void retire_below(ConnectionState& s, std::uint64_t prior_to) {
  for (PeerCid& p : s.peer_cids) {
    if (p.cid.empty() || p.sequence >= prior_to || p.retire_pending) continue;
    p.retire_pending = true;
  }
  for (auto& path : s.paths) {
    if (!path) continue;
    const PeerCid* cur = peer_cid_for(s, *path);
    if (cur && cur->retire_pending) {
      for (PeerCid& p : s.peer_cids) {
        if (!p.cid.empty() && !p.retire_pending && !p.in_use) {
          p.in_use = true;
          path->peer_cid_seq = p.sequence;
          break;
        }
      }
    }
  }
}

// True if the peer chose a zero-length connection ID in the handshake, so we
// send it packets with an empty DCID. (Not peer_cids[0]: that slot empties
// when its CID is retired.)
bool peer_uses_zero_length_cid(const ConnectionState& s) {
  const auto& scid = s.peer_params.initial_source_connection_id;
  return s.peer_params_received && scid && scid->empty();
}

}  // namespace

Status on_new_connection_id(ConnectionState& s, const wire::NewConnectionIdFrame& f) {
  // §19.15: PROTOCOL_VIOLATION when we send packets with a zero-length DCID.
  if (peer_uses_zero_length_cid(s))
    return cid_error("NEW_CONNECTION_ID for a zero-length connection ID");
  if (PeerCid* existing = find_peer(s, f.sequence_number)) {
    if (!(existing->cid == f.connection_id) || existing->reset_token != f.stateless_reset_token)
      return cid_error("NEW_CONNECTION_ID reuses a sequence number with other content");
    return ok_status();
  }
  if (f.sequence_number < s.peer_retire_prior_to) {
    requeue_retire_connection_id(s, f.sequence_number);  // §19.15: retire at once
    return ok_status();
  }
  if (f.retire_prior_to > s.peer_retire_prior_to) {
    s.peer_retire_prior_to = f.retire_prior_to;
    retire_below(s, f.retire_prior_to);
  }
  if (f.sequence_number < s.peer_retire_prior_to) {
    requeue_retire_connection_id(s, f.sequence_number);
    return ok_status();
  }
  if (active_peer_count(s) >= s.local_params.active_connection_id_limit)
    return cid_error("more connection IDs than active_connection_id_limit",
                     TransportErrorCode::CONNECTION_ID_LIMIT_ERROR);
  for (PeerCid& p : s.peer_cids) {
    if (!p.cid.empty()) continue;
    p = PeerCid{f.sequence_number, f.connection_id, f.stateless_reset_token, true, false, false};
    return ok_status();
  }
  return cid_error("connection ID table full", TransportErrorCode::CONNECTION_ID_LIMIT_ERROR);
}

Status on_retire_connection_id(ConnectionState& s, const wire::RetireConnectionIdFrame& f,
                               const FrameContext& ctx) {
  if (f.sequence_number >= s.next_local_cid_seq)
    return cid_error("RETIRE_CONNECTION_ID for a connection ID never issued");
  // §19.16: it MUST NOT name the CID of the packet carrying it; the peer MAY
  // treat that as PROTOCOL_VIOLATION, and we do.
  if (f.sequence_number == ctx.dcid_sequence)
    return cid_error("RETIRE_CONNECTION_ID for the connection ID it was sent to");
  for (LocalCid& l : s.local_cids) {
    if (l.cid.empty() || l.sequence != f.sequence_number || l.retired) continue;
    l.retired = true;
    s.events.push({ConnectionEventType::local_cid_retired, 0, 0, 0, l.sequence});
  }
  replenish_local_cids(s);
  return ok_status();
}

void replenish_local_cids(ConnectionState& s) {
  if (!s.handshake_complete || !s.peer_params_received) return;
  const std::uint64_t limit =
      std::min<std::uint64_t>(s.peer_params.active_connection_id_limit, kMaxLocalCids);
  std::uint64_t active = 0;
  for (const LocalCid& l : s.local_cids) active += !l.cid.empty() && !l.retired;
  for (LocalCid& l : s.local_cids) {
    if (active >= limit) break;
    if (!l.cid.empty() && !l.retired) continue;
    LocalCid fresh;
    if (!s.cid_source->next_cid(fresh.cid, fresh.reset_token)) return;
    fresh.sequence = s.next_local_cid_seq++;
    fresh.new_cid_pending = true;
    l = fresh;
    ++active;
    s.events.push({ConnectionEventType::local_cid_issued, 0, 0, 0, l.sequence});
  }
}

void requeue_new_connection_id(ConnectionState& s, std::uint64_t sequence) {
  for (LocalCid& l : s.local_cids)
    if (!l.cid.empty() && l.sequence == sequence && !l.retired) l.new_cid_pending = true;
}

void requeue_retire_connection_id(ConnectionState& s, std::uint64_t sequence) {
  if (PeerCid* p = find_peer(s, sequence)) {
    p->retire_pending = true;
    return;
  }
  for (PeerCid& p : s.peer_cids) {  // an entry just to carry the retirement
    if (!p.cid.empty()) continue;
    p.sequence = sequence;
    wire::ConnectionId::from_bytes(ByteSpan(reinterpret_cast<const std::uint8_t*>("\x00"), 1), p.cid);
    p.retire_pending = true;
    return;
  }
}

bool cid_frames_pending(const ConnectionState& s) {
  for (const LocalCid& l : s.local_cids)
    if (!l.cid.empty() && !l.retired && l.new_cid_pending) return true;
  for (const PeerCid& p : s.peer_cids)
    if (!p.cid.empty() && p.retire_pending) return true;
  return false;
}

std::uint64_t local_cid_sequence(const ConnectionState& s, const wire::ConnectionId& cid) {
  for (const LocalCid& l : s.local_cids)
    if (!l.retired && !l.cid.empty() && l.cid == cid) return l.sequence;
  return kNoCidSequence;
}

const PeerCid* peer_cid_for(const ConnectionState& s, const PathState& path) {
  for (const PeerCid& p : s.peer_cids)
    if (!p.cid.empty() && p.sequence == path.peer_cid_seq) return &p;
  for (const PeerCid& p : s.peer_cids)
    if (!p.cid.empty() && !p.retire_pending) return &p;
  return nullptr;
}

PeerCid* take_unused_peer_cid(ConnectionState& s) {
  for (PeerCid& p : s.peer_cids) {
    if (p.cid.empty() || p.in_use || p.retire_pending) continue;
    p.in_use = true;
    return &p;
  }
  return nullptr;
}

// RFC 9000 §10.3.1: a datagram whose last 16 bytes equal a reset token of
// a peer CID we may use ends the connection.
bool is_stateless_reset(const ConnectionState& s, ByteSpan d) {
  if (d.size() < 21) return false;
  const std::uint8_t* tail = d.data() + d.size() - wire::kStatelessResetTokenLength;
  for (const PeerCid& p : s.peer_cids)
    if (p.has_reset_token && std::memcmp(tail, p.reset_token.data(), p.reset_token.size()) == 0) return true;
  return false;
}

}  // namespace tquic::transport
