// Socket helpers for tquic-relay: address conversion and UDP socket setup.
// Socket code lives here, never in src/netsim.
#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>

#include "netsim/address.h"

namespace tquic::relay {

// "127.0.0.1:4433" or "[::1]:4433" (numeric only; no scope ids, no names).
bool parse_ip_port(std::string_view text, sim::Address& out);

socklen_t to_sockaddr(const sim::Address& address, sockaddr_storage& out);
sim::Address from_sockaddr(const sockaddr_storage& storage);

// A non-blocking, close-on-exec UDP socket bound to `local` (port 0 picks
// one); receive/send buffers raised to `buffer_bytes` where allowed. -1 and
// `error` set on failure.
int open_udp(const sim::Address& local, int buffer_bytes, std::string& error);
// A non-blocking UDP socket of `remote`'s family connected to `remote`.
int open_connected_udp(const sim::Address& remote, int buffer_bytes, std::string& error);
// The address a socket is bound to.
sim::Address local_address(int fd);

}  // namespace tquic::relay
