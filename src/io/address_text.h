// Text and sockaddr conversions for NetAddress: "127.0.0.1:4433",
// "[::1]:4433", "localhost:4433" is NOT resolved here (no DNS on the data
// path; apps resolve names once at startup).
#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>

#include "base/net_address.h"

namespace tquic::io {

// Parses "IPv4:PORT" or "[IPv6]:PORT". False with a one-line `error` that
// says what form is expected.
bool parse_address(std::string_view text, NetAddress& out, std::string& error);
std::string format_address(const NetAddress& a);

socklen_t to_sockaddr(const NetAddress& a, sockaddr_storage& out);
NetAddress from_sockaddr(const sockaddr* sa);

}  // namespace tquic::io
