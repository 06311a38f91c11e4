// QUIC versions (RFC 9000 §15, RFC 9369 §3, RFC 8999 §5.4) and the
// per-version mapping of the 2-bit Long Packet Type field.
#pragma once

#include <cstdint>

#include "wire/packet_type.h"

namespace tquic::wire {

inline constexpr std::uint32_t kQuicVersion1 = 0x00000001;  // RFC 9000
inline constexpr std::uint32_t kQuicVersion2 = 0x6b3343cf;  // RFC 9369 §3.1
// Version 0 marks a Version Negotiation packet (RFC 9000 §17.2.1).
inline constexpr std::uint32_t kVersionNegotiationVersion = 0x00000000;

// Versions this implementation speaks, in order of preference (used for the
// list sent in Version Negotiation packets).
inline constexpr std::uint32_t kSupportedVersions[] = {kQuicVersion1, kQuicVersion2};

constexpr bool is_supported_version(std::uint32_t v) {
  return v == kQuicVersion1 || v == kQuicVersion2;
}

// Versions of the form 0x?a?a?a?a are reserved for greasing version
// negotiation (RFC 9000 §15): never supported, safe to advertise.
constexpr bool is_reserved_version(std::uint32_t v) {
  return (v & 0x0f0f0f0fu) == 0x0a0a0a0au;
}

// Builds a reserved (greasing) version from any 32-bit seed: keeps the high
// nibble of each byte and forces the low nibble to 0xa.
constexpr std::uint32_t make_reserved_version(std::uint32_t seed) {
  return (seed & 0xf0f0f0f0u) | 0x0a0a0a0au;
}

// Long Packet Type codes (RFC 9000 §17.2 table 5; RFC 9369 §3.2):
//            Initial 0-RTT Handshake Retry
//   v1:        0b00   0b01   0b10    0b11
//   v2:        0b01   0b10   0b11    0b00
// Returns false for an unsupported version (the bits mean nothing then).
constexpr bool long_packet_type_from_bits(std::uint32_t version, std::uint8_t bits,
                                          PacketType& out) {
  if (!is_supported_version(version)) return false;
  std::uint8_t v1_code = bits & 0x03u;
  if (version == kQuicVersion2) v1_code = static_cast<std::uint8_t>((v1_code + 3u) & 0x03u);
  constexpr PacketType kV1Order[4] = {PacketType::initial, PacketType::zero_rtt,
                                      PacketType::handshake, PacketType::retry};
  out = kV1Order[v1_code];
  return true;
}

// The 2-bit code for a long-header packet type (0..3), or false if the type
// has no long-header code (1-RTT, Version Negotiation) or the version is
// unsupported.
constexpr bool long_packet_type_bits(std::uint32_t version, PacketType type,
                                     std::uint8_t& out) {
  if (!is_supported_version(version)) return false;
  std::uint8_t v1_code = 0;
  switch (type) {
    case PacketType::initial: v1_code = 0; break;
    case PacketType::zero_rtt: v1_code = 1; break;
    case PacketType::handshake: v1_code = 2; break;
    case PacketType::retry: v1_code = 3; break;
    case PacketType::version_negotiation:
    case PacketType::one_rtt: return false;
  }
  out = version == kQuicVersion2 ? static_cast<std::uint8_t>((v1_code + 1u) & 0x03u) : v1_code;
  return true;
}

}  // namespace tquic::wire
