// QUIC packet types (RFC 9000 §17). The on-wire 2-bit long-header type code
// differs between versions; see wire/version.h for the mapping.
#pragma once

#include <cstdint>

namespace tquic::wire {

enum class PacketType : std::uint8_t {
  initial,
  zero_rtt,
  handshake,
  retry,
  version_negotiation,
  one_rtt,
};

// qlog name of the packet type (draft-ietf-quic-qlog-quic-events,
// "PacketType"): "initial", "0RTT", "handshake", "retry",
// "version_negotiation", "1RTT".
constexpr const char* packet_type_name(PacketType t) {
  switch (t) {
    case PacketType::initial: return "initial";
    case PacketType::zero_rtt: return "0RTT";
    case PacketType::handshake: return "handshake";
    case PacketType::retry: return "retry";
    case PacketType::version_negotiation: return "version_negotiation";
    case PacketType::one_rtt: return "1RTT";
  }
  return "unknown";
}

// True for the types that carry a Length and a (protected) Packet Number
// field: Initial, 0-RTT, Handshake and 1-RTT.
constexpr bool has_packet_number(PacketType t) {
  return t == PacketType::initial || t == PacketType::zero_rtt ||
         t == PacketType::handshake || t == PacketType::one_rtt;
}

}  // namespace tquic::wire
