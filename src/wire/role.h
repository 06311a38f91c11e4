// Which end of a connection an endpoint is (RFC 9000 §1.2): the client
// initiates it, the server accepts it. Used wherever the rules differ by role
// (server-only transport parameters, stream ID initiator bits, ...).
#pragma once

#include <cstdint>

namespace tquic::wire {

enum class Role : std::uint8_t { client, server };

constexpr Role peer_of(Role r) { return r == Role::client ? Role::server : Role::client; }

}  // namespace tquic::wire
