#include <algorithm>

#include "transport/connection/conn_frames.h"

namespace tquic::transport {

// The payload is handled as if it had been part of the latest packet
// received at `level`: it takes no packet number of its own, so the peer's
// next real packet is neither dropped as a duplicate nor acknowledged
// before it was sent (which would close the peer with PROTOCOL_VIOLATION).
void Connection::process_payload_for_testing(wire::EncryptionLevel level, MutByteSpan payload, Timestamp now) {
  ConnectionState& s = *s_;
  if (s.phase == ConnPhase::closed || s.phase == ConnPhase::draining || s.phase == ConnPhase::closing) return;
  const PacketNumberSpace space = space_of(level);
  const std::uint64_t largest = s.space(space).largest_rx_pn;
  const std::uint64_t pn = largest == crypto::kNoPacketNumber ? 0 : largest;
  FrameContext ctx{level, space, &s.path(), now, pn};
  // Addressed to our oldest active CID, the one a peer that has not migrated
  // keeps using.
  for (const LocalCid& l : s.local_cids)
    if (l.active) ctx.dcid_sequence = std::min(ctx.dcid_sequence, l.sequence);
  auto r = process_frames(s, payload, ctx);
  if (!r && r.error().kind != ErrorKind::blocked) close_with_error(s, r.error(), now);
}

}  // namespace tquic::transport
