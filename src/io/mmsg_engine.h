// The portable UDP engine: recvmmsg/sendmmsg batches with UDP GRO/GSO and
// ECN (HOTPATH.md rule 11: one syscall for many datagrams). All memory is
// allocated in the constructor; receive() and send() allocate nothing.
// One engine per socket, used by one thread (rule 4).
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"
#include "io/datagram.h"
#include "io/io_stats.h"
#include "io/udp_socket.h"

namespace tquic::io {

struct MmsgConfig {
  std::size_t batch = 32;               // datagrams (or GRO buffers) per syscall
  std::size_t rx_buffer_size = 65535;   // a GRO buffer holds up to 64 KiB
};

// What send() achieved: `datagrams` entries went out completely; of the next
// entry, `segments_into_next` segments went out before the socket filled up.
// The caller resubmits the remainder later: backpressure, never a silent drop.
struct SendProgress {
  std::size_t datagrams = 0;
  std::size_t segments_into_next = 0;
  bool blocked = false;  // the socket buffer is full: wait for POLLOUT
};

class MmsgEngine {
 public:
  MmsgEngine(UdpSocket& socket, const MmsgConfig& config);
  MmsgEngine(const MmsgEngine&) = delete;
  MmsgEngine& operator=(const MmsgEngine&) = delete;

  // Up to `batch` datagrams; an empty span when nothing is ready. The views
  // stay valid until the next receive().
  Result<std::span<const RxDatagram>> receive();
  // Sends `batch` in order until done or the socket is full.
  Result<SendProgress> send(std::span<const TxDatagram> batch);

  const IoStats& stats() const { return stats_; }
  // The last receive() filled every slot: more may be queued on the socket.
  bool receive_more() const { return rx_more_; }
  UdpSocket& socket() { return socket_; }

 private:
  struct TxSlot;
  std::size_t stage_tx(std::span<const TxDatagram> batch, std::size_t& first_segment);
  void stage_one(const TxDatagram& d, ByteSpan payload, std::uint16_t segment, std::size_t slot);
  bool handle_tx_error(int err, const TxDatagram& d);
  void parse_rx(std::size_t i, const mmsghdr& m);

  UdpSocket& socket_;
  MmsgConfig config_;
  IoStats stats_;
  // Receive side: one buffer, iovec, header, address and control area per slot.
  std::vector<std::uint8_t> rx_buffers_;
  std::vector<iovec> rx_iov_;
  std::vector<mmsghdr> rx_msgs_;
  std::vector<sockaddr_storage> rx_addrs_;
  std::vector<std::uint8_t> rx_control_;
  std::vector<RxDatagram> rx_out_;
  // Send side.
  std::vector<iovec> tx_iov_;
  std::vector<mmsghdr> tx_msgs_;
  std::vector<sockaddr_storage> tx_addrs_;
  std::vector<std::uint8_t> tx_control_;
  std::vector<std::uint32_t> tx_origin_;   // slot -> index in the caller's batch
  bool rx_more_ = false;
};

}  // namespace tquic::io
