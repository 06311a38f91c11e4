// Connection IDs of both sides (RFC 9000 §5.1, §10.3, §19.15, §19.16):
// issuing ours with NEW_CONNECTION_ID up to the peer's
// active_connection_id_limit, tracking the peer's, retiring on request, and
// recognising stateless resets. Either side may use a zero-length CID: it
// is then sent an empty DCID on every path and never issues or retires
// CIDs (§5.1.1).
#pragma once

#include "transport/connection/conn_frames.h"

namespace tquic::transport {

// Our first CID (sequence 0, the SCID of our long headers): drawn from the
// CidSource, or zero-length when `zero_length`.
Status take_first_local_cid(ConnectionState& s, bool zero_length);
// The CID the peer chose in its first long header (RFC 9000 §7.2): the
// client's SCID at the server, the server's Initial SCID at the client.
void set_peer_handshake_cid(ConnectionState& s, const wire::ConnectionId& cid);

Status on_new_connection_id(ConnectionState& s, const wire::NewConnectionIdFrame& f);
Status on_retire_connection_id(ConnectionState& s, const wire::RetireConnectionIdFrame& f,
                               const FrameContext& ctx);
void requeue_new_connection_id(ConnectionState& s, std::uint64_t sequence);
void requeue_retire_connection_id(ConnectionState& s, std::uint64_t sequence);
// The peer acknowledged our RETIRE_CONNECTION_ID: the slot is free again.
void on_retire_connection_id_acked(ConnectionState& s, std::uint64_t sequence);
// A NEW_CONNECTION_ID or RETIRE_CONNECTION_ID frame waits to be sent.
bool cid_frames_pending(const ConnectionState& s);
// Sequence number of our active CID `cid`; kNoCidSequence if none.
std::uint64_t local_cid_sequence(const ConnectionState& s, const wire::ConnectionId& cid);
// The peer CID used on `path` (falls back to the first active one).
const PeerCid* peer_cid_for(const ConnectionState& s, const PathState& path);
// Picks an unused peer CID for a new path; nullptr if none is available.
PeerCid* take_unused_peer_cid(ConnectionState& s);

}  // namespace tquic::transport
