#include "transport/connection/conn_frames.h"

namespace tquic::transport {

void Connection::process_payload_for_testing(wire::EncryptionLevel level, MutByteSpan payload, Timestamp now) {
  ConnectionState& s = *s_;
  if (s.phase == ConnPhase::closed || s.phase == ConnPhase::draining || s.phase == ConnPhase::closing) return;
  const PacketNumberSpace space = space_of(level);
  PacketSpace& sp = s.space(space);
  const std::uint64_t pn = sp.largest_rx_pn == crypto::kNoPacketNumber ? 0 : sp.largest_rx_pn + 1;
  FrameContext ctx{level, space, &s.path(), now, pn};
  auto r = process_frames(s, payload, ctx);
  if (!r) {
    if (r.error().kind != ErrorKind::blocked) close_with_error(s, r.error(), now);
    return;
  }
  sp.acks.on_packet_received(pn, r->ack_eliciting, EcnCodepoint::not_ect, now);
  sp.largest_rx_pn = pn;
}

}  // namespace tquic::transport
