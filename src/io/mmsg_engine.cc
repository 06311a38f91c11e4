#include "io/mmsg_engine.h"

#include <netinet/in.h>
#include <netinet/udp.h>

#include <cerrno>
#include <cstring>

#include "io/address_text.h"
#include "io/cmsg.h"

namespace tquic::io {
namespace {

constexpr std::size_t kControlSize = kTxControlSpace;  // GRO/GSO + TOS + in6_pktinfo, with room

// Segments a train is made of (at least one).
std::size_t segments_of(const TxDatagram& d) {
  if (d.segment_size == 0 || d.data.size() <= d.segment_size) return 1;
  return (d.data.size() + d.segment_size - 1) / d.segment_size;
}

}  // namespace

MmsgEngine::MmsgEngine(UdpSocket& socket, const MmsgConfig& config)
    : socket_(socket), config_(config) {
  const std::size_t n = config_.batch ? config_.batch : 1;
  rx_buffers_.resize(n * config_.rx_buffer_size);
  rx_iov_.resize(n);
  rx_msgs_.resize(n);
  rx_addrs_.resize(n);
  rx_control_.resize(n * kControlSize);
  rx_out_.resize(n);
  tx_iov_.resize(n);
  tx_msgs_.resize(n);
  tx_addrs_.resize(n);
  tx_control_.resize(n * kControlSize);
  tx_origin_.resize(n);
}

void MmsgEngine::parse_rx(std::size_t i, const mmsghdr& m) {
  RxDatagram& d = rx_out_[i];
  d.data = ByteSpan(static_cast<const std::uint8_t*>(rx_iov_[i].iov_base), m.msg_len);
  d.segment_size = 0;
  d.remote = from_sockaddr(reinterpret_cast<const sockaddr*>(&rx_addrs_[i]));
  d.local = socket_.local_address();
  d.ecn = Ecn::not_ect;
  const msghdr& h = m.msg_hdr;
  apply_rx_control(ByteSpan(static_cast<const std::uint8_t*>(h.msg_control), h.msg_controllen), d);
}

Result<std::span<const RxDatagram>> MmsgEngine::receive() {
  const std::size_t n = rx_msgs_.size();
  for (std::size_t i = 0; i < n; ++i) {
    rx_iov_[i] = iovec{rx_buffers_.data() + i * config_.rx_buffer_size, config_.rx_buffer_size};
    msghdr& h = rx_msgs_[i].msg_hdr;
    h = msghdr{};
    h.msg_name = &rx_addrs_[i];
    h.msg_namelen = sizeof(sockaddr_storage);
    h.msg_iov = &rx_iov_[i];
    h.msg_iovlen = 1;
    h.msg_control = rx_control_.data() + i * kControlSize;
    h.msg_controllen = kControlSize;
  }
  const int got = recvmmsg(socket_.fd(), rx_msgs_.data(), static_cast<unsigned>(n), MSG_DONTWAIT, nullptr);
  ++stats_.rx_syscalls;
  rx_more_ = got == static_cast<int>(n);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return std::span<const RxDatagram>{};
    if (errno == ECONNREFUSED) return std::span<const RxDatagram>{};  // stale ICMP on the socket
    return Error::local("recvmmsg failed");
  }
  std::size_t out = 0;
  for (int i = 0; i < got; ++i) {
    if (rx_msgs_[i].msg_hdr.msg_flags & MSG_TRUNC) {
      ++stats_.rx_truncated;
      continue;
    }
    parse_rx(static_cast<std::size_t>(i), rx_msgs_[i]);
    if (out != static_cast<std::size_t>(i)) rx_out_[out] = rx_out_[static_cast<std::size_t>(i)];
    ++stats_.rx_buffers;
    stats_.rx_segments += rx_out_[out].segment_count();
    stats_.rx_bytes += rx_out_[out].data.size();
    ++out;
  }
  return std::span<const RxDatagram>(rx_out_.data(), out);
}

void MmsgEngine::stage_one(const TxDatagram& d, ByteSpan payload, std::uint16_t segment, std::size_t slot) {
  tx_iov_[slot] = iovec{const_cast<std::uint8_t*>(payload.data()), payload.size()};
  msghdr& h = tx_msgs_[slot].msg_hdr;
  h = msghdr{};
  h.msg_name = &tx_addrs_[slot];
  h.msg_namelen = to_sockaddr(d.remote, tx_addrs_[slot]);
  h.msg_iov = &tx_iov_[slot];
  h.msg_iovlen = 1;
  h.msg_control = tx_control_.data() + slot * kControlSize;
  write_tx_control(h, d, segment, socket_.local_address());
}

// Fills send slots from `batch`, starting `first_segment` segments into
// batch[0]. With GSO a train takes one slot; without, one slot per segment.
// tx_origin_[slot] = index in batch, with the top bit set on a train's last slot.
std::size_t MmsgEngine::stage_tx(std::span<const TxDatagram> batch, std::size_t& first_segment) {
  std::size_t slot = 0;
  for (std::size_t i = 0; i < batch.size() && slot < tx_msgs_.size(); ++i) {
    const TxDatagram& d = batch[i];
    const std::size_t segs = segments_of(d);
    std::size_t from = i == 0 ? first_segment : 0;
    if (socket_.gso_supported() && segs > 1) {
      const std::size_t off = from * d.segment_size;
      stage_one(d, d.data.subspan(off), d.segment_size, slot);
      tx_origin_[slot++] = static_cast<std::uint32_t>(i) | 0x80000000u;
      continue;
    }
    for (; from < segs && slot < tx_msgs_.size(); ++from) {
      const std::size_t seg = segs == 1 ? d.data.size() : d.segment_size;
      const std::size_t off = from * seg;
      stage_one(d, d.data.subspan(off, std::min(seg, d.data.size() - off)), 0, slot);
      tx_origin_[slot++] = static_cast<std::uint32_t>(i) | (from + 1 == segs ? 0x80000000u : 0u);
    }
  }
  return slot;
}

// True if the datagram that failed should be skipped (it can never be sent
// as it is) or retried after a fallback; false for a fatal error.
bool MmsgEngine::handle_tx_error(int err, const TxDatagram& d) {
  if (err == EIO && socket_.gso_supported() && segments_of(d) > 1) {
    socket_.disable_gso();  // e.g. a device without checksum offload
    ++stats_.gso_fallbacks;
    return true;
  }
  if (err == EMSGSIZE) {
    ++stats_.tx_dropped_emsgsize;
    return true;
  }
  if (err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH || err == EPERM) {
    ++stats_.tx_dropped_unreachable;
    return true;
  }
  return false;
}

Result<SendProgress> MmsgEngine::send(std::span<const TxDatagram> batch) {
  SendProgress p;
  std::size_t idx = 0;
  std::size_t seg = 0;  // segments of batch[idx] already sent
  // Each turn either sends at least one slot, skips a datagram or falls back
  // from GSO once, so the loop is bounded by batch size * (segments + 2).
  while (idx < batch.size()) {
    const auto rest = batch.subspan(idx);
    std::size_t first = seg;
    const std::size_t staged = stage_tx(rest, first);
    const int sent = sendmmsg(socket_.fd(), tx_msgs_.data(), static_cast<unsigned>(staged), MSG_DONTWAIT);
    ++stats_.tx_syscalls;
    if (sent <= 0) {
      const int err = sent < 0 ? errno : EAGAIN;
      if (err == EAGAIN || err == EWOULDBLOCK || err == ENOBUFS || err == EINTR) {
        ++stats_.tx_blocked;
        p.blocked = true;
        break;
      }
      if (!handle_tx_error(err, rest[0])) return Error::local("sendmmsg failed");
      if (err != EIO) ++idx, seg = 0;  // skipped; EIO retries the same train without GSO
      continue;
    }
    for (int s = 0; s < sent; ++s) {
      const std::uint32_t o = tx_origin_[static_cast<std::size_t>(s)];
      const TxDatagram& d = rest[o & 0x7fffffffu];
      const bool last = (o & 0x80000000u) != 0;
      ++stats_.tx_messages;
      stats_.tx_bytes += tx_iov_[static_cast<std::size_t>(s)].iov_len;
      if (socket_.gso_supported() && segments_of(d) > 1 && last) {
        stats_.tx_segments += segments_of(d) - seg;
      } else {
        ++stats_.tx_segments;
      }
      if (last) ++idx, seg = 0;
      else ++seg;
    }
  }
  p.datagrams = idx;
  p.segments_into_next = seg;
  return p;
}

}  // namespace tquic::io
