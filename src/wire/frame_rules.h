// Per-frame-type rules the transport applies to every frame it receives or
// sends:
//  - where a frame may appear: RFC 9000 §12.4 Table 3 ("Pkts") and §12.5,
//    including the frames a 0-RTT packet cannot carry (ACK, CRYPTO,
//    HANDSHAKE_DONE, NEW_TOKEN, PATH_RESPONSE, RETIRE_CONNECTION_ID: we
//    treat them as PROTOCOL_VIOLATION, as §12.5 allows); DATAGRAM in 0-RTT
//    and 1-RTT (RFC 9221 §4); ACK_FREQUENCY / IMMEDIATE_ACK only in 1-RTT
//    (draft-ietf-quic-ack-frequency §3: not in 0-RTT); multipath frames only
//    in 1-RTT (draft-ietf-quic-multipath "New Frames");
//  - what a frame means for acknowledgement and congestion control
//    (RFC 9000 Table 3 "N", RFC 9002 §2) and for migration (RFC 9000 §9.1).
#pragma once

#include "base/result.h"
#include "wire/encryption_level.h"
#include "wire/frame_type.h"

namespace tquic::wire {

// True if a frame of type `t` may be carried in a packet protected at `level`.
bool is_frame_allowed(FrameType t, EncryptionLevel level);

// PROTOCOL_VIOLATION (with frame_type) unless is_frame_allowed(t, level).
Status check_frame_allowed(FrameType t, EncryptionLevel level);

// Every frame except PADDING, ACK, PATH_ACK and CONNECTION_CLOSE elicits an
// acknowledgement (RFC 9000 §13.2.1; the multipath draft's PATH_ACK replaces
// ACK, RFC 9000 §19.21).
bool is_ack_eliciting(FrameType t);

// RFC 9002 §2: a packet is in flight (counts toward bytes_in_flight) if it is
// ack-eliciting or carries PADDING; true for the frame types that make it so.
bool counts_in_flight(FrameType t);

// RFC 9000 §9.1: PATH_CHALLENGE, PATH_RESPONSE, NEW_CONNECTION_ID and PADDING
// are probing frames; a packet with any other frame is non-probing.
bool is_probing_frame(FrameType t);

}  // namespace tquic::wire
