// Datagrams as they cross the I/O boundary. Buffers belong to the engine
// (receive) or to the caller's TX slab (send); these structs only point.
#pragma once

#include <cstdint>
#include <span>

#include "base/bytes.h"
#include "base/net_address.h"

namespace tquic::io {

// ECN codepoints (RFC 3168) in the low two bits of TOS / Traffic Class.
enum class Ecn : std::uint8_t { not_ect = 0, ect1 = 1, ect0 = 2, ce = 3 };

struct RxDatagram {
  ByteSpan data;                  // may hold several GRO segments
  std::uint16_t segment_size = 0; // size of each segment; the last may be shorter
  NetAddress remote;
  NetAddress local;               // from IP_PKTINFO when enabled, else the bound address
  Ecn ecn = Ecn::not_ect;

  std::size_t segment_count() const {
    return segment_size == 0 ? 1 : (data.size() + segment_size - 1) / segment_size;
  }
  ByteSpan segment(std::size_t i) const {
    if (segment_size == 0) return data;
    const std::size_t off = i * segment_size;
    return data.subspan(off, std::min<std::size_t>(segment_size, data.size() - off));
  }
};

// One sendmsg: a single datagram, or a GSO train of equal-size segments
// (segment_size > 0; the last segment may be shorter).
struct TxDatagram {
  ByteSpan data;
  std::uint16_t segment_size = 0;
  NetAddress remote;
  NetAddress local;               // source address to use (valid() = use it)
  Ecn ecn = Ecn::not_ect;
};

}  // namespace tquic::io
