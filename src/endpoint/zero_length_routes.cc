#include "endpoint/zero_length_routes.h"

#include <algorithm>

namespace tquic::endpoint {
namespace {

bool ip_is_wildcard(const NetAddress& a) {
  return std::all_of(a.ip.begin(), a.ip.begin() + static_cast<std::ptrdiff_t>(a.ip_size()),
                     [](std::uint8_t b) { return b == 0; });
}

}  // namespace

bool local_addresses_overlap(const NetAddress& a, const NetAddress& b) {
  if (!a.valid() || !b.valid()) return true;
  if (a.family != b.family) return false;
  if (a.port != 0 && b.port != 0 && a.port != b.port) return false;
  return ip_is_wildcard(a) || ip_is_wildcard(b) || a.same_ip(b);
}

bool ZeroLengthRoutes::add(const NetAddress& local, std::uint32_t value) {
  if (overlaps_any(local)) return false;
  routes_.push_back(Route{local, value});
  return true;
}

void ZeroLengthRoutes::remove(std::uint32_t value) {
  std::erase_if(routes_, [&](const Route& r) { return r.value == value; });
}

std::uint32_t ZeroLengthRoutes::find(const NetAddress& local) const {
  for (const Route& r : routes_)
    if (local_addresses_overlap(r.local, local)) return r.value;
  return kNoValue;
}

bool ZeroLengthRoutes::overlaps_any(const NetAddress& local) const { return find(local) != kNoValue; }

}  // namespace tquic::endpoint
