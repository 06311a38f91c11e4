#include "io/uring/recvmsg_parse.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <cstring>

#include "io/address_text.h"
#include "io/cmsg.h"
#include "io/uring/uring_compat.h"

namespace tquic::io {
namespace {

// Source address from the name area: only AF_INET / AF_INET6 of full size.
bool read_name(ByteSpan name, NetAddress& remote) {
  sockaddr_storage ss;
  std::memset(&ss, 0, sizeof ss);
  if (name.size() > sizeof ss) return false;
  std::memcpy(&ss, name.data(), name.size());
  if (ss.ss_family == AF_INET && name.size() < sizeof(sockaddr_in)) return false;
  if (ss.ss_family == AF_INET6 && name.size() < sizeof(sockaddr_in6)) return false;
  if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) return false;
  remote = from_sockaddr(reinterpret_cast<const sockaddr*>(&ss));
  return true;
}

}  // namespace

std::size_t RecvmsgLayout::header_bytes() const {
  return sizeof(uring_compat::RecvmsgOut) + std::size_t{name_space} + std::size_t{control_space};
}

RecvmsgVerdict parse_recvmsg_buffer(ByteSpan filled, const RecvmsgLayout& layout,
                                    const NetAddress& bound, RxDatagram& out) {
  const std::size_t header = layout.header_bytes();
  if (filled.size() < header) return RecvmsgVerdict::malformed;
  uring_compat::RecvmsgOut o;
  std::memcpy(&o, filled.data(), sizeof o);
  if (o.flags & MSG_TRUNC) return RecvmsgVerdict::truncated;
  if (o.namelen > layout.name_space || o.controllen > layout.control_space) return RecvmsgVerdict::malformed;
  const std::size_t copied = filled.size() - header;
  if (o.payloadlen != copied) return RecvmsgVerdict::malformed;
  out = RxDatagram{};
  out.local = bound;
  const ByteSpan name = filled.subspan(sizeof o, o.namelen);
  if (!read_name(name, out.remote)) return RecvmsgVerdict::malformed;
  out.data = filled.subspan(header, copied);
  apply_rx_control(filled.subspan(sizeof o + layout.name_space, o.controllen), out);
  return RecvmsgVerdict::ok;
}

}  // namespace tquic::io
