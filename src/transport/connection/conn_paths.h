// Paths: which path a packet arrived on, anti-amplification accounting,
// validation with PATH_CHALLENGE/PATH_RESPONSE, migration and NAT rebinding
// (RFC 9000 §8, §9).
#pragma once

#include "transport/connection/conn_frames.h"
#include "transport/connection/conn_state.h"

namespace tquic::transport {

// The path a packet with `tuple` belongs to; a new path is created for
// 1-RTT packets from an unknown tuple (probing or migration), nullptr if
// the path table is full or the packet may not open one.
PathState* path_for_packet(ConnectionState& s, const PathTuple& tuple, wire::EncryptionLevel level,
                           Timestamp now);
// A new, unvalidated path with fresh recovery and congestion state;
// nullptr if the path table is full.
PathState* new_path(ConnectionState& s, const PathTuple& tuple);
// Starts validating `p` with a new PATH_CHALLENGE (RFC 9000 §8.2).
void start_validation(ConnectionState& s, PathState& p, Timestamp now);
// Sends on `p` from now on (RFC 9000 §9.3, §9.4) and reports path_migrated.
void make_active_path(ConnectionState& s, PathState& p);
// The packet with the largest PN so far arrived on `tuple`: a non-probing
// one moves the connection there (RFC 9000 §9.3).
void on_largest_packet_path(ConnectionState& s, const PathTuple& tuple, const FrameSummary& frames,
                            Timestamp now);
void on_path_response(ConnectionState& s, const wire::PathChallengeData& data, Timestamp now);
void on_path_timeouts(ConnectionState& s, Timestamp now);
Timestamp path_deadline(const ConnectionState& s);
// How many bytes may still be sent on `p` before address validation (3x rule).
std::uint64_t amplification_budget(const PathState& p);

}  // namespace tquic::transport
