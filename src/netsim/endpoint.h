// What a simulated node sees of the network: datagrams in, a Sender out,
// and a single deadline — the same pull-model shape as the connection API
// (DESIGN.md "Seams"), so a node is a thin adaptor over an endpoint.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/time.h"
#include "netsim/address.h"

namespace tquic::sim {

using NodeId = std::uint32_t;
using PathId = std::uint32_t;

// A datagram arriving at a node. `data` is valid only during the call.
struct Datagram {
  Address from;    // source as seen by the receiver (after NAT rebinding)
  Address to;      // the receiver's own address on this path
  ByteSpan data;
  std::uint8_t ecn = 0;
  PathId path = 0;  // simulator path it travelled (test information only)
  Timestamp sent{};  // when the sender offered it
};

class Sender {
 public:
  virtual ~Sender() = default;
  // Sends from one of the node's own addresses (`from`; unspecified = any of
  // them that has a path to `to`) to an address the peer is seen at. False
  // if no path connects them (counted as unroutable); a datagram the link
  // then drops still returns true, as UDP would.
  virtual bool send(const Address& from, const Address& to, ByteSpan data, std::uint8_t ecn) = 0;
  bool send(const Address& from, const Address& to, ByteSpan data) { return send(from, to, data, 0); }
};

class Endpoint {
 public:
  virtual ~Endpoint() = default;
  virtual void on_datagram(const Datagram& datagram, Timestamp now) = 0;
  // kTimeInfinite when nothing is armed.
  virtual Timestamp next_deadline() = 0;
  virtual void on_timeout(Timestamp now) = 0;
  // Called once per simulator step: send whatever is ready now.
  virtual void flush(Timestamp now, Sender& sender) = 0;
};

// Fuzzer hook run on every datagram just before delivery. It may change the
// bytes in place and the length (up to buffer.size(), the slot capacity),
// and returns the new length, or kMutationDrop to drop the datagram.
inline constexpr std::size_t kMutationDrop = static_cast<std::size_t>(-1);
struct MutationHook {
  std::size_t (*mutate)(void* context, MutByteSpan buffer, std::size_t length,
                        const Datagram& datagram) = nullptr;
  void* context = nullptr;
};

}  // namespace tquic::sim
