// Record of one sent packet, kept until it is acknowledged, declared lost or
// its packet number space is discarded (RFC 9002 Appendix A.1.1).
//
// The record is plain data (32 bytes) and lives inside SentPacketMap's ring;
// it never owns anything. What the packet carried is referenced by
// `frames_ref`, an opaque handle the transport assigns (for example an index
// into its pooled frame-record table) and gets back when the packet is
// acknowledged, lost or discarded, so it can release or requeue those frames.
#pragma once

#include <cstdint>

#include "base/time.h"
#include "transport/recovery/packet_number_space.h"

namespace tquic::transport {

// Handle value meaning "this packet carried nothing to remember".
inline constexpr std::uint32_t kNoFramesRef = 0xffffffffu;

// Lifecycle of a slot in SentPacketMap.
enum class SentPacketState : std::uint8_t {
  never_sent,    // packet number skipped (or not sent yet): an ACK for it is a violation
  outstanding,   // sent, neither acknowledged nor declared lost
  newly_acked,   // acknowledged by the ACK frame being processed right now
  acked,         // acknowledged earlier (kept while older packets are outstanding)
  lost,          // declared lost (kept while older packets are outstanding)
  retired,       // below the tracked window: resolved or skipped long ago.
                 // Only returned by SentPacketMap::state(), never stored.
};

struct SentPacket {
  std::uint64_t packet_number = 0;
  Timestamp time_sent{};
  std::uint32_t frames_ref = kNoFramesRef;  // opaque, owned by the transport
  std::uint16_t sent_bytes = 0;             // QUIC packet bytes incl. framing, excl. UDP/IP
  PacketNumberSpace space = PacketNumberSpace::application_data;
  bool ack_eliciting = false;
  bool in_flight = false;   // counts toward bytes_in_flight (ack-eliciting or PADDING)
  bool zero_rtt = false;    // 0-RTT packet: discarded if 0-RTT is rejected
  bool pmtu_probe = false;  // loss is no congestion signal (RFC 9000 §14.4)
  bool ecn_ect0 = false;    // sent with ECT(0): counts in ECN validation (RFC 9000 §13.4.2)
  SentPacketState state = SentPacketState::never_sent;  // managed by SentPacketMap
};

static_assert(sizeof(SentPacket) <= 32, "SentPacket should stay at 32 bytes");

}  // namespace tquic::transport
