// One contiguous range of packet numbers, inclusive on both ends. ACK and
// PATH_ACK frames carry ranges in descending order (RFC 9000 §19.3.1); every
// producer and consumer of ranges in tquic uses this type in that order.
#pragma once

#include <cstdint>

namespace tquic::wire {

struct AckRange {
  std::uint64_t smallest = 0;
  std::uint64_t largest = 0;

  constexpr std::uint64_t count() const { return largest - smallest + 1; }
  constexpr bool contains(std::uint64_t pn) const { return pn >= smallest && pn <= largest; }
  friend constexpr bool operator==(const AckRange&, const AckRange&) = default;
};

}  // namespace tquic::wire
