// The bytes tquic perf sends: one preallocated, patterned buffer shared by
// every stream of the process (nothing is read from disk; senders write
// slices of it, receivers count and discard).
#pragma once

#include <cstddef>

#include "base/bytes.h"

namespace tquic::apps::perf {

inline constexpr std::size_t kPayloadSize = 256 * 1024;

// kPayloadSize bytes, filled on first use.
ByteSpan payload();
// The first min(n, kPayloadSize) bytes.
ByteSpan payload_prefix(std::uint64_t n);

}  // namespace tquic::apps::perf
