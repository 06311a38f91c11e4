// Small helpers shared by the packet header tests.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "wire/connection_id.h"

namespace tquic::wire::header_test {

inline std::vector<std::uint8_t> from_hex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  int hi = -1;
  for (char c : hex) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;  // spaces allowed
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(hi << 4 | v));
      hi = -1;
    }
  }
  return out;
}

inline ConnectionId cid(std::string_view hex) {
  ConnectionId c;
  const auto bytes = from_hex(hex);
  (void)ConnectionId::from_bytes(bytes, c);
  return c;
}

inline ConnectionId cid_of_length(std::size_t n, std::uint8_t seed = 1) {
  std::vector<std::uint8_t> bytes(n);
  for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::uint8_t>(seed + i);
  ConnectionId c;
  (void)ConnectionId::from_bytes(bytes, c);
  return c;
}

inline std::vector<std::uint8_t> to_vector(ByteSpan s) { return {s.begin(), s.end()}; }

// `bytes` followed by `n` filler bytes (stands in for a protected payload).
inline std::vector<std::uint8_t> with_payload(std::vector<std::uint8_t> bytes, std::size_t n,
                                              std::uint8_t fill = 0xa5) {
  bytes.insert(bytes.end(), n, fill);
  return bytes;
}

}  // namespace tquic::wire::header_test
