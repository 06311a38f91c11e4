#include "apps/perf_payload.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace tquic::apps::perf {

ByteSpan payload() {
  static const std::array<std::uint8_t, kPayloadSize> bytes = [] {
    std::array<std::uint8_t, kPayloadSize> b{};
    std::uint32_t x = 0x9e3779b9;
    for (auto& v : b) {  // xorshift: not compressible, not all zeros
      x ^= x << 13, x ^= x >> 17, x ^= x << 5;
      v = static_cast<std::uint8_t>(x);
    }
    return b;
  }();
  return bytes;
}

ByteSpan payload_prefix(std::uint64_t n) {
  return payload().first(static_cast<std::size_t>(std::min<std::uint64_t>(n, kPayloadSize)));
}

}  // namespace tquic::apps::perf
