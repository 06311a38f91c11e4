// The runtime's clocks. The core never reads a clock (docs/ARCHITECTURE.md):
// the runtime reads CLOCK_MONOTONIC and hands the result to the endpoint,
// and reads the wall clock once at startup for token lifetimes and
// certificate validity.
#pragma once

#include <cstdint>

#include "base/time.h"

namespace tquic::runtime {

// CLOCK_MONOTONIC as a Timestamp (never goes back, unaffected by NTP steps).
Timestamp monotonic_now();

// Seconds since the Unix epoch (wall clock).
std::uint64_t unix_seconds_now();

// Unix time at monotonic Timestamp zero, for EndpointConfig::unix_seconds_at_time_zero.
std::uint64_t unix_seconds_at_monotonic_zero();

}  // namespace tquic::runtime
