#include "io/cmsg.h"

#include <netinet/in.h>
#include <netinet/udp.h>

#include <cstring>

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

void put_cmsg(msghdr& h, std::size_t& used, int level, int type, const void* v, std::size_t len) {
  auto* c = reinterpret_cast<cmsghdr*>(static_cast<std::uint8_t*>(h.msg_control) + used);
  c->cmsg_level = level;
  c->cmsg_type = type;
  c->cmsg_len = CMSG_LEN(len);
  std::memcpy(CMSG_DATA(c), v, len);
  used += CMSG_SPACE(len);
}

}  // namespace

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

void write_tx_control(msghdr& h, const TxDatagram& d, std::uint16_t gso_segment, const NetAddress& bound) {
  std::size_t used = 0;
  const bool v6 = d.remote.family == AddressFamily::ipv6;
  if (gso_segment != 0) put_cmsg(h, used, SOL_UDP, UDP_SEGMENT, &gso_segment, sizeof gso_segment);
  if (d.ecn != Ecn::not_ect) {
    const int tos = static_cast<int>(d.ecn);
    put_cmsg(h, used, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_TCLASS : IP_TOS, &tos, sizeof tos);
  }
  if (d.local.valid() && !d.local.same_ip(bound)) {
    if (v6) {
      in6_pktinfo pi{};
      std::memcpy(&pi.ipi6_addr, d.local.ip.data(), 16);
      put_cmsg(h, used, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof pi);
    } else {
      in_pktinfo pi{};
      std::memcpy(&pi.ipi_spec_dst, d.local.ip.data(), 4);
      put_cmsg(h, used, IPPROTO_IP, IP_PKTINFO, &pi, sizeof pi);
    }
  }
  h.msg_controllen = used;
  if (used == 0) h.msg_control = nullptr;
}

}  // namespace tquic::io
