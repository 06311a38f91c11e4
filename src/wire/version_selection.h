// Choosing the QUIC version of a connection (RFC 9368): which versions are
// compatible, the Version Information each side sends, the server's
// compatible choice, the client's choice from a Version Negotiation packet,
// and the downgrade checks on the peer's Version Information. Pure
// functions over small lists; nothing allocates.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "base/result.h"
#include "wire/transport_parameters.h"
#include "wire/version.h"
#include "wire/version_negotiation.h"

namespace tquic::wire {

// RFC 9368 §2.2: a first flight of `from` can be converted into one of `to`.
// RFC 9369 §4: versions 1 and 2 are compatible with each other, in both
// directions; every version is compatible with itself.
constexpr bool is_compatible_version(std::uint32_t from, std::uint32_t to) {
  return is_supported_version(from) && is_supported_version(to);
}

// RFC 9368 §3, client: Chosen Version = `chosen` (the version of its first
// flight); Available Versions = `preference` (most preferred first) limited
// to versions `chosen` is compatible with, and always listing `chosen`.
VersionInformation client_version_information(std::uint32_t chosen,
                                              std::span<const std::uint32_t> preference);

// RFC 9368 §3, server: Chosen Version = the negotiated version; Available
// Versions = every version the server accepts (its Fully Deployed set).
VersionInformation server_version_information(std::uint32_t negotiated,
                                              std::span<const std::uint32_t> accepted);

// RFC 9368 §2.3: the server takes, in its own order of preference, the
// first version it supports that the client listed and that the client's
// Chosen Version is compatible with; the Chosen Version itself if none.
std::uint32_t negotiate_compatible_version(std::span<const std::uint32_t> server_preference,
                                           const VersionInformation& client);

// RFC 9368 §2.1: the client's pick from a Version Negotiation packet — its
// most preferred supported version that the server offers; 0 if none.
std::uint32_t select_offered_version(std::span<const std::uint32_t> client_preference,
                                     const VersionList& offered);

// RFC 9368 §4, server side: the client's Chosen Version must be the
// version its Initial packets used. Missing Version Information is allowed
// (no compatible negotiation then). VERSION_NEGOTIATION_ERROR otherwise.
Status validate_client_version_information(const std::optional<VersionInformation>& vi,
                                           std::uint32_t version_in_use);

// What the client knows when the server's Version Information arrives.
struct ClientVersionContext {
  std::uint32_t chosen = 0;       // Chosen Version of this connection attempt
  std::uint32_t negotiated = 0;   // version the server's packets switched us to (or `chosen`)
  std::span<const std::uint32_t> preference;  // client versions, most preferred first
  bool reacted_to_version_negotiation = false;  // this attempt follows a VN packet
};

// RFC 9368 §4 and §8, client side, all VERSION_NEGOTIATION_ERROR:
// - the server's Chosen Version must equal the negotiated version and be one
//   the client listed;
// - after a Version Negotiation packet, Version Information is mandatory
//   (for version 1 a missing one reads as {1, [1]}, §8) and the client must
//   still have picked the same version had the VN listed the server's
//   Available Versions plus the negotiated version;
// - a connection that switched versions, or runs version 2 (RFC 9369 §4),
//   must carry it.
Status validate_server_version_information(const std::optional<VersionInformation>& vi,
                                           const ClientVersionContext& ctx);

}  // namespace tquic::wire
