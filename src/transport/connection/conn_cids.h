// Connection IDs of both sides (RFC 9000 §5.1, §10.3): issuing ours with
// NEW_CONNECTION_ID up to the peer's active_connection_id_limit, tracking
// the peer's, retiring on request, and recognising stateless resets.
#pragma once

#include "transport/connection/conn_frames.h"

namespace tquic::transport {

Status on_new_connection_id(ConnectionState& s, const wire::NewConnectionIdFrame& f);
Status on_retire_connection_id(ConnectionState& s, const wire::RetireConnectionIdFrame& f,
                               const FrameContext& ctx);
void requeue_new_connection_id(ConnectionState& s, std::uint64_t sequence);
void requeue_retire_connection_id(ConnectionState& s, std::uint64_t sequence);
// A NEW_CONNECTION_ID or RETIRE_CONNECTION_ID frame waits to be sent.
bool cid_frames_pending(const ConnectionState& s);
// Sequence number of our (unretired) CID `cid`; kNoCidSequence if none.
std::uint64_t local_cid_sequence(const ConnectionState& s, const wire::ConnectionId& cid);
// The peer CID used on `path` (falls back to the first usable one).
const PeerCid* peer_cid_for(const ConnectionState& s, const PathState& path);
// Picks an unused peer CID for a new path; nullptr if none is available.
PeerCid* take_unused_peer_cid(ConnectionState& s);

}  // namespace tquic::transport
