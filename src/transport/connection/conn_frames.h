// Handlers for received frames (RFC 9000 §19 and the extension drafts).
#pragma once

#include "transport/connection/conn_state.h"
#include "wire/frames.h"

namespace tquic::transport {

inline constexpr std::uint64_t kNoCidSequence = ~std::uint64_t{0};

struct FrameContext {
  wire::EncryptionLevel level;
  PacketNumberSpace space;
  PathState* path;       // the path the packet arrived on (may be a new one)
  Timestamp now;
  std::uint64_t packet_number;
  // Sequence number of our connection ID the packet was addressed to
  // (short headers only; kNoCidSequence otherwise).
  std::uint64_t dcid_sequence = kNoCidSequence;
};

struct FrameSummary {
  bool ack_eliciting = false;
  bool probing_only = true;  // only PATH_CHALLENGE/RESPONSE/NEW_CONNECTION_ID/PADDING
};

// Decodes and handles every frame of a decrypted payload. A `blocked` error
// means "drop the packet without acknowledging it" (memory limits); any
// other error closes the connection.
Result<FrameSummary> process_frames(ConnectionState& s, MutByteSpan payload, const FrameContext& ctx);

// After a Retry: Initial data in flight is sent again under the new keys.
void requeue_initial_after_retry(ConnectionState& s, Timestamp now);

}  // namespace tquic::transport
