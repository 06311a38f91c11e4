// Received ACKs (RFC 9002 §6, Appendix A/B): loss detection, congestion
// control, and what acknowledged or lost packets carried.
#pragma once

#include <vector>

#include "transport/connection/conn_frames.h"
#include "transport/recovery/delivery_rate.h"

namespace tquic::transport {

Status on_ack_frame(ConnectionState& s, const wire::AckFrame& f, const FrameContext& ctx);

// Runs loss detection's timer for every path (PTO probes, time-threshold loss).
void on_loss_timeouts(ConnectionState& s, Timestamp now);

// Sent-packet bookkeeping shared with the send path: records the packet in
// the path's recovery and congestion controller.
Status record_sent_packet(ConnectionState& s, PathState& path, const SentPacket& p);

}  // namespace tquic::transport
