// Packet number spaces (RFC 9000 §12.3, RFC 9002 Appendix A.2).
//
// Loss detection and acknowledgment are separate per packet number space.
// Under multipath (draft-ietf-quic-multipath) every path has its own
// application-data space; the Initial and Handshake spaces exist only on the
// path the handshake ran on. Recovery objects are therefore instantiated per
// path, and each holds the spaces that path owns.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tquic::transport {

enum class PacketNumberSpace : std::uint8_t {
  initial = 0,
  handshake = 1,
  application_data = 2,  // 0-RTT and 1-RTT packets
};

inline constexpr std::size_t kPacketNumberSpaceCount = 3;

constexpr std::size_t index_of(PacketNumberSpace space) {
  return static_cast<std::size_t>(space);
}

constexpr const char* packet_number_space_name(PacketNumberSpace space) {
  switch (space) {
    case PacketNumberSpace::initial: return "initial";
    case PacketNumberSpace::handshake: return "handshake";
    case PacketNumberSpace::application_data: return "application_data";
  }
  return "?";
}

}  // namespace tquic::transport
