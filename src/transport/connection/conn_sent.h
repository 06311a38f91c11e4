// What happens to the frames of a packet once its fate is known
// (RFC 9000 §13.3): acknowledged data is released, lost data and control
// frames are queued again — on any path, without copying stream data.
#pragma once

#include "transport/connection/conn_state.h"

namespace tquic::transport {

void on_packet_acked_frames(ConnectionState& s, std::uint32_t frames_ref, PacketNumberSpace space);
void on_packet_lost_frames(ConnectionState& s, std::uint32_t frames_ref);
// PTO (RFC 9002 §6.2.4): the probe carries the data of the oldest
// outstanding packets again; their records stay until they are acked or lost.
void requeue_unacked_for_probe(ConnectionState& s, PathState& path, PacketNumberSpace space);
// DPLPMTUD probe outcomes (conn_paths.cc).
void on_pmtu_probe_acked(ConnectionState& s, PathState& path, std::uint64_t size);
void on_pmtu_probe_lost(ConnectionState& s, PathState& path, std::uint64_t size);

}  // namespace tquic::transport
