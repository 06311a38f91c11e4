// Routes for connections that use a zero-length connection ID (RFC 9000
// §5.1, §5.2.1): their packets carry an empty DCID, so they are found by
// the local address the datagram arrived on. One such connection per local
// address: "An endpoint MUST NOT use the same IP address and port for
// multiple concurrent connections with zero-length connection IDs" (§5.1).
//
// A route's address may be a wildcard: port 0 stands for any port, an
// all-zero IP for any IP of its family, an unset address (AddressFamily::
// none) for anything -- the client did not say where its socket is bound.
// Two routes may not overlap, so every datagram matches at most one.
//
// Few entries (one per local socket with such a connection): a linear scan,
// consulted only for datagrams no CID matched. Grows only when a
// connection is set up.
#pragma once

#include <cstdint>
#include <vector>

#include "base/net_address.h"

namespace tquic::endpoint {

class ZeroLengthRoutes {
 public:
  static constexpr std::uint32_t kNoValue = 0xffffffffu;

  // False (nothing added) if `local` overlaps an existing route.
  bool add(const NetAddress& local, std::uint32_t value);
  void remove(std::uint32_t value);
  // The value routed for a datagram that arrived on `local`, or kNoValue.
  std::uint32_t find(const NetAddress& local) const;
  bool overlaps_any(const NetAddress& local) const;
  std::size_t size() const { return routes_.size(); }

 private:
  struct Route {
    NetAddress local;
    std::uint32_t value = kNoValue;
  };
  std::vector<Route> routes_;
};

// Whether some datagram could arrive on an address both `a` and `b` match.
bool local_addresses_overlap(const NetAddress& a, const NetAddress& b);

}  // namespace tquic::endpoint
