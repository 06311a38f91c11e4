#include "io/uring/recvmsg_parse.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>

#include <cstring>

#include "io/address_text.h"
#include "io/uring/uring_compat.h"

namespace tquic::io {
namespace {

// Offset of the data inside a control message, and the smallest valid one.
constexpr std::size_t kCmsgData = CMSG_ALIGN(sizeof(cmsghdr));

void apply_one(int level, int type, ByteSpan data, RxDatagram& out) {
  int v = 0;
  if (level == SOL_UDP && type == UDP_GRO && data.size() >= sizeof v) {
    std::memcpy(&v, data.data(), sizeof v);
    if (v > 0 && static_cast<std::size_t>(v) < out.data.size()) out.segment_size = static_cast<std::uint16_t>(v);
  } else if (level == IPPROTO_IP && type == IP_TOS && !data.empty()) {
    out.ecn = static_cast<Ecn>(data[0] & 0x03);
  } else if (level == IPPROTO_IPV6 && type == IPV6_TCLASS && data.size() >= sizeof v) {
    std::memcpy(&v, data.data(), sizeof v);
    out.ecn = static_cast<Ecn>(v & 0x03);
  } else if (level == IPPROTO_IP && type == IP_PKTINFO && data.size() >= sizeof(in_pktinfo)) {
    in_pktinfo pi;
    std::memcpy(&pi, data.data(), sizeof pi);
    std::memcpy(out.local.ip.data(), &pi.ipi_addr, 4);
  } else if (level == IPPROTO_IPV6 && type == IPV6_PKTINFO && data.size() >= sizeof(in6_pktinfo)) {
    in6_pktinfo pi;
    std::memcpy(&pi, data.data(), sizeof pi);
    std::memcpy(out.local.ip.data(), &pi.ipi6_addr, 16);
  }
}

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

void apply_rx_control(ByteSpan control, RxDatagram& out) {
  std::size_t off = 0;
  // Each turn moves `off` forward by at least kCmsgData: bounded by the size.
  while (control.size() - off >= kCmsgData) {
    cmsghdr c;
    std::memcpy(&c, control.data() + off, sizeof c);
    if (c.cmsg_len < kCmsgData || c.cmsg_len > control.size() - off) return;
    apply_one(c.cmsg_level, c.cmsg_type, control.subspan(off + kCmsgData, c.cmsg_len - kCmsgData), out);
    const std::size_t step = CMSG_ALIGN(c.cmsg_len);
    if (step > control.size() - off) return;
    off += step;
  }
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
