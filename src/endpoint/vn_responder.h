// Version Negotiation (RFC 9000 §6.1, §17.2.1; RFC 8999 §6): the answer to a
// long-header packet of a version this endpoint does not accept. The list
// is the endpoint's versions plus one reserved version (0x?a?a?a?a, §15) so
// clients that choke on unknown versions are found early.
//
// When to answer is the endpoint's call (the packet filled a datagram of at
// least 1200 bytes, it is not itself a VN, the rate limit allows); this file
// only lays out the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/bytes.h"
#include "wire/invariant_header.h"

namespace tquic::endpoint {

inline constexpr std::size_t kMaxAdvertisedVersions = 8;

// Writes the VN answering `trigger` into `out`: its DCID is the trigger's
// SCID and vice versa. `random` supplies the first byte's unused bits and
// the reserved version. Returns the size, or 0 if it does not fit or the
// list is empty or too long.
std::size_t write_version_negotiation_response(const wire::InvariantHeader& trigger,
                                               std::span<const std::uint32_t> versions,
                                               std::uint64_t random, MutByteSpan out);

}  // namespace tquic::endpoint
