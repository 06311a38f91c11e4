// Version negotiation inside a connection (RFC 9368; RFC 9369 §4.1 for
// versions 1 and 2):
// - compatible negotiation: the client's first flight uses the Original
//   Version and lists the versions it is compatible with; the server picks
//   its preferred one when it reads the client's transport parameters and
//   answers in it; the client learns it from the first server Initial of
//   another version that opens with that version's keys;
// - incompatible negotiation: a Version Negotiation packet makes the client
//   start a new first flight (a new attempt, same Connection) in its most
//   preferred offered version;
// - downgrade prevention: both sides check the peer's version_information.
#pragma once

#include <cstdint>

#include "transport/connection/conn_state.h"

namespace tquic::transport {

// The version_information we send (RFC 9368 §3) into s.local_params.
void fill_version_information(ConnectionState& s);

// The Version field of our long headers at `level`: 0-RTT stays on the
// original version (RFC 9369 §4.1), the rest use the version in use.
std::uint32_t long_header_version(const ConnectionState& s, wire::EncryptionLevel level);

// Handshake packets must carry the version in use and 0-RTT the original
// version; other versions are dropped (RFC 9369 §4.1). Initial packets are
// left to initial_keys_for.
bool accepts_long_header_version(const ConnectionState& s, wire::PacketType type, std::uint32_t version);

// Keys that open an Initial packet of `version`, nullptr to drop it: the
// current keys; the server's original-version keys, kept until the Initial
// space is discarded; or, for a client that has not yet learnt the
// negotiated version, keys of a compatible version it offered.
LevelKeys* initial_keys_for(ConnectionState& s, std::uint32_t version);

// An Initial packet of `version` opened: a client that used a compatible
// version's keys switches to that version (RFC 9369 §4.1).
void on_initial_packet_opened(ConnectionState& s, std::uint32_t version);

// Client: TLS produced handshake keys, so the server's first flight was
// read in the version in use, which is therefore the negotiated one.
void on_negotiated_version_known(ConnectionState& s);

// Client: a Version Negotiation packet arrived (RFC 9000 §6.2, RFC 9368
// §2.1, §4): ignored, the end of the connection, or a new first flight.
void on_version_negotiation(ConnectionState& s, ByteSpan packet, Timestamp now);

// The peer's transport parameters were decoded into s.peer_params: the
// version_information checks of RFC 9368 §4; a server then picks the
// compatible version it prefers (§2.3) and switches to it.
Status on_peer_version_information(ConnectionState& s);

}  // namespace tquic::transport
