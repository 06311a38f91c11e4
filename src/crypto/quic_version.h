// Version-specific constants for QUIC packet protection: the Initial salt,
// the HKDF labels and the Retry integrity key/nonce of QUIC v1 (RFC 9001
// §5.2, §5.8) and QUIC v2 (RFC 9369 §3.3).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace tquic::crypto {

// Wire values of the versions whose packet protection this module knows.
enum class QuicVersion : std::uint32_t {
  v1 = 0x00000001,  // RFC 9000
  v2 = 0x6b3343cf,  // RFC 9369 §3.1
};

inline constexpr std::size_t kInitialSaltLength = 20;
inline constexpr std::size_t kRetryKeyLength = 16;
inline constexpr std::size_t kRetryNonceLength = 12;

struct VersionConstants {
  std::array<std::uint8_t, kInitialSaltLength> initial_salt;
  std::string_view key_label;  // "quic key" / "quicv2 key"
  std::string_view iv_label;   // "quic iv"  / "quicv2 iv"
  std::string_view hp_label;   // "quic hp"  / "quicv2 hp"
  std::string_view ku_label;   // "quic ku"  / "quicv2 ku"
  std::array<std::uint8_t, kRetryKeyLength> retry_key;
  std::array<std::uint8_t, kRetryNonceLength> retry_nonce;
};

const VersionConstants& version_constants(QuicVersion version);

// Maps a wire version to a QuicVersion; false for versions whose packet
// protection is unknown here (Version Negotiation handles those).
bool quic_version_from_wire(std::uint32_t wire_version, QuicVersion& out);

}  // namespace tquic::crypto
