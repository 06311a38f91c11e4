// Parsing of one provided buffer filled by a multishot IORING_OP_RECVMSG.
// The kernel lays it out as
//   [RecvmsgOut 16 B][name: name_space][control: control_space][payload ...]
// where the two reserved areas come from the msghdr template the request was
// armed with. Every length in it is checked before use (HOTPATH.md rule 14).
// Pure functions: no io_uring needed, so malformed buffers are unit-tested.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/bytes.h"
#include "base/net_address.h"
#include "io/cmsg.h"  // apply_rx_control
#include "io/datagram.h"

namespace tquic::io {

struct RecvmsgLayout {
  std::uint32_t name_space = 0;     // msg_namelen of the template
  std::uint32_t control_space = 0;  // msg_controllen of the template
  std::size_t header_bytes() const;  // everything before the payload
};

enum class RecvmsgVerdict : std::uint8_t {
  ok,         // `out` holds the datagram (or GRO train)
  truncated,  // larger than the buffer (MSG_TRUNC): must be dropped and counted
  malformed,  // lengths that cannot be right: dropped and counted
};

// `filled` starts at the buffer and is as long as the CQE's res. `bound` is
// the socket's local address, replaced by IP(V6)_PKTINFO when present.
RecvmsgVerdict parse_recvmsg_buffer(ByteSpan filled, const RecvmsgLayout& layout,
                                    const NetAddress& bound, RxDatagram& out);


}  // namespace tquic::io
