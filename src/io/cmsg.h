// Control messages of UDP datagrams, shared by every I/O engine: what the
// kernel reports on receive (UDP_GRO segment size, ECN in TOS/TCLASS, the
// local address from PKTINFO) and what a send asks for (UDP_SEGMENT for GSO,
// ECN, the source address).
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "io/datagram.h"

namespace tquic::io {

// Bytes a send's control area needs at most (GSO + ECN + in6_pktinfo).
inline constexpr std::size_t kTxControlSpace = 128;

// Applies UDP_GRO, IP_TOS / IPV6_TCLASS and IP(V6)_PKTINFO found in
// `control` to `out` (whose data is already set). Every length is checked:
// a header with an impossible length ends the walk (HOTPATH rule 14).
void apply_rx_control(ByteSpan control, RxDatagram& out);

// Fills h.msg_control (kTxControlSpace bytes, set by the caller) for a send
// of `d` from a socket bound to `bound`: UDP_SEGMENT when `gso_segment` is
// non-zero, the ECN codepoint, and a source address when `d.local` differs
// from the bound one. Sets msg_controllen (and clears msg_control if empty).
void write_tx_control(msghdr& h, const TxDatagram& d, std::uint16_t gso_segment, const NetAddress& bound);

}  // namespace tquic::io
