// Protocol-wide numeric limits shared by frames and transport parameters.
#pragma once

#include <cstdint>

namespace tquic::wire {

// RFC 9000 §4.6, §19.11, §18.2: stream counts never exceed 2^60 (inclusive).
inline constexpr std::uint64_t kMaxStreamsLimit = std::uint64_t{1} << 60;

}  // namespace tquic::wire
