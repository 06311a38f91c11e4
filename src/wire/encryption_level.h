// QUIC encryption levels (RFC 9001 §2.1, §4): which keys protect a packet.
// Initial, Handshake and 1-RTT each have their own packet number space
// (RFC 9000 §12.3); 0-RTT shares the application data space with 1-RTT.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tquic::wire {

enum class EncryptionLevel : std::uint8_t { initial, zero_rtt, handshake, one_rtt };

inline constexpr std::size_t kEncryptionLevelCount = 4;

constexpr std::size_t index_of(EncryptionLevel level) { return static_cast<std::size_t>(level); }

constexpr const char* encryption_level_name(EncryptionLevel level) {
  switch (level) {
    case EncryptionLevel::initial: return "initial";
    case EncryptionLevel::zero_rtt: return "0rtt";
    case EncryptionLevel::handshake: return "handshake";
    case EncryptionLevel::one_rtt: return "1rtt";
  }
  return "unknown";
}

}  // namespace tquic::wire
