// The server's preferred address (RFC 9000 §9.6): the server offers it in
// its transport parameters with the connection ID of sequence number 1
// (§5.1.1); once the handshake is confirmed the client validates the path
// to it and moves there, or stays on the original path if validation fails.
// Outcomes go to ConnectionStats::preferred_address and path events.
#pragma once

#include "base/net_address.h"
#include "transport/connection/conn_state.h"

namespace tquic::transport {

// Server setup: draws CID 1 and fills local_params.preferred_address from
// ConnectionConfig::preferred_address_ipv4/ipv6 (nothing if neither is set).
// Errors: local (an address of the wrong family, no CID available).
Status offer_preferred_address(ConnectionState& s);

// Server: `local` is one of the addresses we offered.
bool is_preferred_address(const ConnectionState& s, const NetAddress& local);

// Client, the server's transport parameters just arrived: its preferred
// address CID becomes peer CID 1 (its reset token is honoured, §10.3).
void note_peer_preferred_address(ConnectionState& s);

// Client, the handshake is confirmed: start validating the path to the
// preferred address of our family, unless disabled (ClientOptions).
void probe_preferred_address(ConnectionState& s, Timestamp now);

// Path validation outcomes (conn_paths.cc); both ignore other paths.
void on_preferred_path_validated(ConnectionState& s, PathState& p, Timestamp now);
void on_preferred_path_failed(ConnectionState& s, const PathState& p);

}  // namespace tquic::transport
