// ECN for the connection (RFC 9000 §13.4, RFC 9002 §7.1): which trains are
// marked ECT(0), feeding ACK frames' ECN counts and lost marked packets to
// the active path's EcnValidator, and turning a validated ECN-CE increase
// into a congestion event. The receive side (counting marks per packet
// number space and reporting them in ACK frames) lives in
// ReceivedPacketTracker and write_ack_frame.
#pragma once

#include "transport/connection/conn_state.h"
#include "wire/frames.h"

namespace tquic::transport {

// The mark for the next train on `path`, decided once per train.
EcnMark ecn_mark_for_train(ConnectionState& s, PathState& path, Timestamp now);
// Whether a train that is marked `mark` may take one more datagram (the
// testing period marks only the first EcnValidator::kTestingDatagrams).
bool ecn_train_may_grow(const PathState& path, EcnMark mark);
// One datagram / one packet of a train went out.
void ecn_on_datagram_sent(PathState& path, EcnMark mark);
void ecn_on_packet_sent(ConnectionState& s, PathState& path, PacketNumberSpace space, bool marked);

// An ACK frame in `space` newly acknowledged `newly_acked_ect0` marked
// packets. Validates its counts; returns the ECN-CE increase to treat as a
// congestion signal (0 if none or if validation failed).
std::uint64_t ecn_on_ack_frame(ConnectionState& s, const wire::AckFrame& f, PacketNumberSpace space,
                               std::uint64_t newly_acked_ect0);
// Marked packets were declared lost.
void ecn_on_marked_lost(ConnectionState& s, std::uint64_t count);

// Fills the ECN fields of `stats`.
void ecn_fill_stats(const ConnectionState& s, ConnectionStats& stats);

}  // namespace tquic::transport
