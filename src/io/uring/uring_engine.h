// The io_uring UDP engine: a drop-in alternative to MmsgEngine with the
// same receive()/send() contract, chosen at run time (io/engine_select.h).
//
// Receive: one multishot IORING_OP_RECVMSG per socket draws buffers from a
// provided buffer ring; UDP_GRO lets one buffer carry a train of segments.
// The views receive() returns stay valid until the next receive(), which
// first gives every buffer of the previous call back in one batch. When the
// kernel ends the multishot request (no IORING_CQE_F_MORE; ENOBUFS when the
// ring ran dry = backpressure, counted) the next receive() re-arms it: at
// most one arm per call, never a spin.
//
// Send: send() copies each datagram or GSO train into an engine-owned slot
// (io/uring/tx_slots.h) and queues IORING_OP_SENDMSG with a UDP_SEGMENT
// cmsg; trains of at least `zc_threshold` bytes go out as SENDMSG_ZC from the
// registered slab, and their slot is reused only after the notification CQE.
// The caller's buffers are free when send() returns. "Sent" therefore means
// "handed to the kernel": failures the kernel reports later are counted in
// stats() like MmsgEngine's (EMSGSIZE, unreachable, GSO fallback), and a
// fatal one is returned by the next send(). No free slot = `blocked`; wait()
// (or the ring fd) wakes when completions free some.
// reserve_tx()/commit_tx() skip the copy: the caller seals straight into the
// slot. Zero-copy switches itself off when the kernel reports that it copied
// anyway `zc_copied_limit` times in a row (loopback, no scatter-gather).
//
// One io_uring_enter per receive()/send()/wait() call. All memory is set up
// in create(); nothing is allocated afterwards. The ring binds to the thread
// that first calls receive()/send()/wait() (SINGLE_ISSUER + DEFER_TASKRUN when
// the kernel has them): create on one thread, run on another is fine, but
// afterwards only that thread may use the engine.
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "io/datagram.h"
#include "io/io_stats.h"
#include "io/mmsg_engine.h"
#include "io/udp_socket.h"
#include "io/uring/recvmsg_parse.h"
#include "io/uring/tx_slots.h"

namespace tquic::io {

struct UringConfig {
  std::size_t rx_buffers = 64;            // provided buffers: a power of two <= 32768
  std::size_t rx_buffer_size = 65535;     // payload bytes per buffer (a GRO train is up to 64 KiB)
  std::size_t tx_slots = 256;             // sends in flight at most
  std::size_t tx_slab_bytes = 2u << 20;   // engine-owned send memory, registered once
  bool zero_copy = true;                  // SENDMSG_ZC for large GSO trains
  std::size_t zc_threshold = 16 * 1024;   // bytes of a train from which zero-copy pays
  bool register_tx_slab = true;           // registered (fixed) buffer for zero-copy
  std::uint32_t zc_copied_limit = 32;     // notifications in a row saying "copied anyway"
                                          // (loopback, no scatter-gather) that switch
                                          // zero-copy off; 0 = never
  bool single_issuer = true;              // SINGLE_ISSUER + DEFER_TASKRUN when supported
  std::uint32_t napi_busy_poll_us = 0;    // > 0: IORING_REGISTER_NAPI with this budget
  bool napi_prefer_busy_poll = false;
  std::uint16_t buffer_group = 0;         // provided buffer group id
};

// io_uring-specific counters, next to the shared IoStats (HOTPATH.md rule 8:
// plain fields, owner thread only).
struct UringStats {
  std::uint64_t setup_flag_fallbacks = 0;  // setup flag sets the kernel refused
  std::uint64_t wait_syscalls = 0;         // io_uring_enter calls made by wait()
  std::uint64_t register_failures = 0;     // slab registration or NAPI refused (engine still runs)
  std::uint64_t rx_arms = 0;               // multishot recvmsg armed (first arm + re-arms)
  std::uint64_t rx_ring_dry = 0;           // ENOBUFS: every buffer in use; backpressure
  std::uint64_t rx_errors = 0;             // other receive completions with an error
  std::uint64_t rx_malformed = 0;          // buffers whose lengths did not add up
  std::uint64_t rx_buffers_taken = 0;      // buffers filled by the kernel and processed
  std::uint64_t rx_buffers_recycled = 0;   // buffers given back to the ring
  std::uint64_t rx_recycle_batches = 0;    // give-backs (one ring tail store each)
  std::uint64_t tx_copied_bytes = 0;       // bytes copied into send slots
  std::uint64_t tx_slots_full = 0;         // send() stopped: no slot or slab room
  std::uint64_t tx_sq_full = 0;            // send() stopped: submission queue full
  std::uint64_t tx_retries = 0;            // EAGAIN/ENOBUFS completions, issued again
  std::uint64_t tx_errors = 0;             // fatal send errors, retries given up
  std::uint64_t tx_zc_sends = 0;           // SENDMSG_ZC issued
  std::uint64_t tx_zc_fixed = 0;           // ... of them from the registered slab
  std::uint64_t tx_zc_notifs = 0;          // notification CQEs: pages released
  std::uint64_t tx_zc_copied = 0;          // notifications saying the kernel copied anyway
  std::uint64_t tx_zc_fallbacks = 0;       // kernel refused zero-copy: plain SENDMSG from now on
  std::uint64_t tx_zc_report_fallbacks = 0;  // kernel refused usage reporting (before 6.2)
  std::uint64_t tx_zc_gave_up = 0;         // zero-copy off: the kernel kept copying (zc_copied_limit)
  std::uint64_t tx_fixed_fallbacks = 0;    // kernel refused registered buffers for SENDMSG_ZC
};

class UringEngine {
 public:
  // Fails (use MmsgEngine then) when io_uring cannot be set up here.
  static Result<std::unique_ptr<UringEngine>> create(UdpSocket& socket, const UringConfig& config);
  ~UringEngine();
  UringEngine(const UringEngine&) = delete;
  UringEngine& operator=(const UringEngine&) = delete;

  // Datagrams (or GRO trains) that arrived; empty when none. The views stay
  // valid until the next receive().
  Result<std::span<const RxDatagram>> receive();
  // Queues `batch` in order until done or out of slots (`blocked`).
  Result<SendProgress> send(std::span<const TxDatagram> batch);
  // Sleeps until a completion arrives or `timeout` passes; returns at once
  // when receive() has work waiting. Issues queued retries.
  Status wait(Duration timeout);

  // Direct send, without the copy send() makes (HOTPATH.md rule 2): reserve
  // engine memory, build the datagram or GSO train straight into it (seal
  // into it), commit. Large trains then go zero-copy from the registered
  // slab end to end. One reservation is open at a time; the committed send
  // is submitted by the next send(), flush(), receive() or wait().
  // Error::blocked when no slot or room is free (backpressure).
  Result<MutByteSpan> reserve_tx(std::size_t max_bytes);
  // Sends the first `bytes` of the reservation with `meta`'s segment size,
  // addresses and ECN (meta.data is ignored). A train on a socket without
  // GSO goes out one segment at a time: build trains only if
  // socket().gso_supported().
  Status commit_tx(std::size_t bytes, const TxDatagram& meta);
  void abort_tx();
  // Submits what was committed and reaps send completions (one syscall).
  Status flush();

  // Readable when completions are ready (for epoll); the engine's own fd.
  int ring_fd() const;
  const IoStats& stats() const { return stats_; }
  // The last receive() left completions it had no room for: call again
  // this turn. False means the next turn's receive() will do.
  bool receive_more() const { return rx_more_; }
  // Reports (once) a send that failed for good since the last send(),
  // flush() or call of this, without a syscall.
  Status take_send_failure();
  const UringStats& uring_stats() const { return ustats_; }
  UdpSocket& socket() { return socket_; }
  std::size_t tx_slots_in_use() const { return tx_.in_use(); }
  std::size_t tx_bytes_in_use() const { return tx_.bytes_in_use(); }
  std::size_t rx_buffers_held() const;   // by the caller, since the last receive()
  bool zero_copy_active() const { return zc_enabled_; }
  bool fixed_buffers_active() const { return fixed_enabled_; }
  bool napi_active() const { return napi_active_; }
  bool defer_taskrun() const { return defer_taskrun_; }

 private:
  struct Ring;  // io_uring state; defined where liburing is included
  struct RxCompletion {
    std::int32_t res;
    std::uint32_t flags;
  };

  UringEngine(UdpSocket& socket, const UringConfig& config);
  Status setup();
  Status enable();
  void arm_receive();
  void issue_queued();
  bool issue(std::uint32_t slot);
  void build_message(std::uint32_t slot);
  Status enter(bool for_receive);
  void reap();
  void on_receive_cqe(std::int32_t res, std::uint32_t flags);
  void on_send_cqe(std::uint32_t slot, std::int32_t res, std::uint32_t flags);
  bool account_send(std::uint32_t slot, SendVerdict verdict, std::int32_t res);
  bool requeue(std::uint32_t slot);
  void step_down_zero_copy(const TxSlot& s);
  void on_zc_notification(const TxSlot& s, std::int32_t res);
  void complete(std::uint32_t slot);
  std::size_t parse_received();
  bool stage(const TxDatagram& d, std::size_t segment, bool gso);
  void drain_for_teardown();

  UdpSocket& socket_;
  UringConfig config_;
  IoStats stats_;
  UringStats ustats_;
  std::unique_ptr<Ring> ring_;
  RecvmsgLayout layout_;
  std::size_t max_datagram_ = 0;
  bool enabled_ = false;
  bool armed_ = false;
  bool defer_taskrun_ = false;
  bool zc_enabled_ = false;
  bool fixed_enabled_ = false;
  bool zc_report_ = true;            // IORING_SEND_ZC_REPORT_USAGE accepted so far
  std::uint32_t zc_copied_streak_ = 0;
  bool napi_active_ = false;
  bool send_failed_ = false;         // a fatal send error waits for the next send()
  bool rx_more_ = false;             // completions left in the CQ by the last receive()
  std::uint32_t rx_failures_ = 0;    // receive errors in a row without data
  std::size_t tx_queued_ = 0;        // slots waiting for (re)issue
  std::int32_t reserved_slot_ = -1;  // open reserve_tx(), or -1
  // Receive side.
  std::vector<RxCompletion> rx_pending_;  // reaped, not yet parsed (capacity = buffers)
  std::size_t rx_pending_count_ = 0;
  std::vector<RxDatagram> rx_out_;
  // Send side: one header, address and control area per slot.
  TxSlots tx_;
  std::vector<msghdr> tx_msgs_;
  std::vector<iovec> tx_iov_;
  std::vector<sockaddr_storage> tx_addrs_;
  std::vector<std::uint8_t> tx_control_;
};

}  // namespace tquic::io
