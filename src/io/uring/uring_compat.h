// What liburing 2.3 (Debian bookworm) lacks and the engine needs, written
// against the raw kernel interface so a newer liburing still compiles:
//  - provided buffer ring setup/teardown (io_uring_setup_buf_ring, 2.4),
//  - NAPI busy-poll registration (io_uring_register_napi, 2.6; kernel 6.9),
//  - SENDMSG_ZC with registered buffers (io_uring_prep_sendmsg_zc_fixed,
//    2.10; kernel 6.15),
//  - SEND_ZC usage reporting flags (kernel 6.2),
//  - io_uring_enable_rings (declared by 2.3 but missing from its .so).
// Our helpers live in tquic::io::uring_compat and never share a name with a
// liburing function; constants missing from old headers are #ifndef-guarded.
#pragma once

// -DTQUIC_HAVE_LIBURING=0 builds the engine out (it then reports itself
// unavailable and the selection falls back to mmsg).
#ifndef TQUIC_HAVE_LIBURING
#if defined(__has_include) && __has_include(<liburing.h>)
#define TQUIC_HAVE_LIBURING 1
#else
#define TQUIC_HAVE_LIBURING 0
#endif
#endif

#include <cstddef>
#include <cstdint>

#if TQUIC_HAVE_LIBURING
#include <liburing.h>
#endif

// Flags for IORING_OP_SEND_ZC / SENDMSG_ZC (sqe->ioprio), kernel 6.2.
#ifndef IORING_SEND_ZC_REPORT_USAGE
#define IORING_SEND_ZC_REPORT_USAGE (1U << 3)
#endif
// cqe->res bit of a notification CQE: the kernel copied after all.
#ifndef IORING_NOTIF_USAGE_ZC_COPIED
#define IORING_NOTIF_USAGE_ZC_COPIED (1U << 31)
#endif

namespace tquic::io::uring_compat {

// The layout the kernel writes at the start of every multishot recvmsg
// buffer (struct io_uring_recvmsg_out, <linux/io_uring.h>). Mirrored here so
// the parser is usable and testable without liburing.
struct RecvmsgOut {
  std::uint32_t namelen;     // real length of the source address
  std::uint32_t controllen;  // bytes of control data written
  std::uint32_t payloadlen;  // real payload length (larger than copied on MSG_TRUNC)
  std::uint32_t flags;       // msg_flags: MSG_TRUNC, MSG_CTRUNC
};
static_assert(sizeof(RecvmsgOut) == 16);

// IORING_REGISTER_NAPI / IORING_UNREGISTER_NAPI opcodes (kernel 6.9) and
// their argument (struct io_uring_napi). Own names: newer headers declare the
// struct and the enum values themselves.
inline constexpr unsigned kRegisterNapi = 27;
inline constexpr unsigned kUnregisterNapi = 28;
struct NapiArg {
  std::uint32_t busy_poll_to = 0;     // microseconds
  std::uint8_t prefer_busy_poll = 0;
  std::uint8_t opcode = 0;            // 0: IO_URING_NAPI_REGISTER_OP (legacy "pad")
  std::uint8_t pad[2] = {0, 0};
  std::uint32_t op_param = 0;         // 0: IO_URING_NAPI_TRACKING_DYNAMIC
  std::uint32_t resv = 0;
};
static_assert(sizeof(NapiArg) == 16);

#if TQUIC_HAVE_LIBURING
static_assert(sizeof(RecvmsgOut) == sizeof(io_uring_recvmsg_out));

// A provided buffer ring of `entries` (a power of two, <= 32768) in memory we
// map ourselves, registered as buffer group `bgid`. Null on failure with
// `error` set to a positive errno.
io_uring_buf_ring* setup_buf_ring(io_uring* ring, unsigned entries, std::uint16_t bgid, int& error);
// Unregisters (when `ring` is not null) and unmaps a ring from setup_buf_ring.
void free_buf_ring(io_uring* ring, io_uring_buf_ring* br, unsigned entries, std::uint16_t bgid);

// Enables a ring created with IORING_SETUP_R_DISABLED (binding it to the
// calling thread under SINGLE_ISSUER). liburing 2.3 declares
// io_uring_enable_rings but does not export it. 0 or a negative errno.
int enable_rings(io_uring* ring);

// NAPI busy polling for the sockets this ring serves. 0 or a negative errno
// (-EINVAL on kernels before 6.9, -EOPNOTSUPP without CONFIG_NET_RX_BUSY_POLL).
int register_napi(io_uring* ring, const NapiArg& arg);
int unregister_napi(io_uring* ring);

// SENDMSG_ZC whose iovecs all lie inside registered buffer `buf_index`.
inline void prep_sendmsg_zc_fixed(io_uring_sqe* sqe, int fd, const msghdr* msg, unsigned flags,
                                  unsigned buf_index) {
  io_uring_prep_sendmsg_zc(sqe, fd, msg, flags);
  sqe->ioprio |= IORING_RECVSEND_FIXED_BUF;
  sqe->buf_index = static_cast<std::uint16_t>(buf_index);
}
#endif

}  // namespace tquic::io::uring_compat
