// The server's preferred address (RFC 9000 §9.6); see the header.
#include "transport/connection/conn_preferred_address.h"

#include <algorithm>

#include "transport/connection/conn_paths.h"

namespace tquic::transport {
namespace {

constexpr std::uint64_t kPreferredAddressCidSequence = 1;  // RFC 9000 §5.1.1

bool is_offered(const NetAddress& a) { return a.valid(); }

// The offered address of `family`, or an invalid address.
NetAddress offered_address(const wire::PreferredAddress& pa, AddressFamily family) {
  if (family == AddressFamily::ipv4 && pa.has_ipv4()) {
    std::array<std::uint8_t, 4> ip{};
    std::copy(pa.ipv4_address.begin(), pa.ipv4_address.end(), ip.begin());
    return NetAddress::ipv4(ip, pa.ipv4_port);
  }
  if (family == AddressFamily::ipv6 && pa.has_ipv6()) return NetAddress::ipv6(pa.ipv6_address, pa.ipv6_port);
  return NetAddress{};
}

PeerCid* preferred_peer_cid(ConnectionState& s) {
  for (PeerCid& p : s.peer_cids)
    if (p.state == PeerCidState::active && p.sequence == kPreferredAddressCidSequence) return &p;
  return nullptr;
}

bool is_preferred_path(const ConnectionState& s, const PathState& p) {
  return s.role == wire::Role::client && s.stats.preferred_address == PreferredAddressStatus::validating &&
         p.id == s.preferred_path_id;
}

}  // namespace

Status offer_preferred_address(ConnectionState& s) {
  const NetAddress& v4 = s.config.preferred_address_ipv4;
  const NetAddress& v6 = s.config.preferred_address_ipv6;
  if (!is_offered(v4) && !is_offered(v6)) return ok_status();
  if (is_offered(v4) && v4.family != AddressFamily::ipv4)
    return Error::local("ConnectionConfig.preferred_address_ipv4 must be an IPv4 address");
  if (is_offered(v6) && v6.family != AddressFamily::ipv6)
    return Error::local("ConnectionConfig.preferred_address_ipv6 must be an IPv6 address");
  // RFC 9000 §18.2: "A server that chooses a zero-length connection ID MUST
  // NOT provide a preferred address."
  if (s.local_cid_zero_length)
    return Error::local("a server with a zero-length connection ID cannot offer a preferred address: drop one");
  if (s.next_local_cid_seq != kPreferredAddressCidSequence) return Error::local("preferred address CID must be the second");
  LocalCid& l = s.local_cids[kPreferredAddressCidSequence];
  if (!s.cid_source->next_cid(l.cid, l.reset_token)) return Error::local("no connection ID available");
  l.active = true;
  l.sequence = s.next_local_cid_seq++;
  l.advertised = true;  // carried by the transport parameter, not NEW_CONNECTION_ID
  wire::PreferredAddress pa;
  if (is_offered(v4)) {
    std::copy_n(v4.ip.begin(), 4, pa.ipv4_address.begin());
    pa.ipv4_port = v4.port;
  }
  if (is_offered(v6)) {
    std::copy_n(v6.ip.begin(), 16, pa.ipv6_address.begin());
    pa.ipv6_port = v6.port;
  }
  pa.connection_id = l.cid;
  pa.stateless_reset_token = l.reset_token;
  s.local_params.preferred_address = pa;
  s.stats.preferred_address = PreferredAddressStatus::offered;
  s.events.push({ConnectionEventType::local_cid_issued, 0, 0, 0, l.sequence});
  return ok_status();
}

bool is_preferred_address(const ConnectionState& s, const NetAddress& local) {
  if (s.role != wire::Role::server || !s.local_params.preferred_address || !local.valid()) return false;
  return local == s.config.preferred_address_ipv4 || local == s.config.preferred_address_ipv6;
}

void note_peer_preferred_address(ConnectionState& s) {
  if (s.role != wire::Role::client || !s.peer_params.preferred_address) return;
  const wire::PreferredAddress& pa = *s.peer_params.preferred_address;
  for (PeerCid& p : s.peer_cids) {
    if (p.state != PeerCidState::free) continue;
    p = PeerCid{PeerCidState::active, kPreferredAddressCidSequence, pa.connection_id, pa.stateless_reset_token, true,
                false};
    break;
  }
  const bool ours = offered_address(pa, s.path().tuple.remote.family).valid();
  s.stats.preferred_address =
      ours && s.use_preferred_address ? PreferredAddressStatus::offered : PreferredAddressStatus::ignored;
}

// RFC 9000 §9.6.1: validate the path from our address to the preferred
// address, addressed with CID 1, before moving there. Until then the
// original path carries everything.
void probe_preferred_address(ConnectionState& s, Timestamp now) {
  if (s.role != wire::Role::client || s.stats.preferred_address != PreferredAddressStatus::offered) return;
  const NetAddress target = offered_address(*s.peer_params.preferred_address, s.path().tuple.remote.family);
  PeerCid* cid = preferred_peer_cid(s);
  PathState* p = cid && !cid->in_use ? new_path(s, PathTuple{s.path().tuple.local, target}) : nullptr;
  if (!p) {
    s.stats.preferred_address = PreferredAddressStatus::failed;
    return;
  }
  cid->in_use = true;
  p->peer_cid_seq = cid->sequence;
  start_validation(s, *p, now);
  s.preferred_path_id = p->id;
  s.stats.preferred_address = PreferredAddressStatus::validating;
}

void on_preferred_path_validated(ConnectionState& s, PathState& p, Timestamp) {
  if (!is_preferred_path(s, p)) return;
  s.stats.preferred_address = PreferredAddressStatus::migrated;
  make_active_path(s, p);
}

void on_preferred_path_failed(ConnectionState& s, const PathState& p) {
  if (!is_preferred_path(s, p)) return;
  s.stats.preferred_address = PreferredAddressStatus::failed;  // §9.6.1: keep the original path
  for (PeerCid& c : s.peer_cids)
    if (c.state == PeerCidState::active && c.sequence == p.peer_cid_seq) c.in_use = false;
}

}  // namespace tquic::transport
