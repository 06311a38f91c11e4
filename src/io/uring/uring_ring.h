// Internal to the io_uring engine (uring_engine.cc, uring_receive.cc,
// uring_send.cc): the liburing state behind UringEngine::Ring, sizes, and the
// user_data tags completions are matched by.
#pragma once

#include "io/uring/uring_compat.h"

#if TQUIC_HAVE_LIBURING
#include <cstddef>
#include <cstdint>

#include "io/uring/buffer_ring.h"
#include "io/uring/uring_engine.h"

namespace tquic::io::uring_detail {

inline constexpr std::uint32_t kNameSpace = 32;      // >= sizeof(sockaddr_in6)
inline constexpr std::uint32_t kControlSpace = 128;  // UDP_GRO + TOS/TCLASS + in6_pktinfo, with room
inline constexpr std::size_t kTxControl = 128;       // UDP_SEGMENT + TOS/TCLASS + in6_pktinfo
inline constexpr std::size_t kMaxUdpPayload = 65535;
inline constexpr std::size_t kMaxTxSlots = 16384;
inline constexpr std::uint8_t kMaxAttempts = 16;     // issues of one slot before giving up
inline constexpr std::uint32_t kMaxRxFailures = 8;   // receive errors in a row before reporting

// cqe->user_data: what completed, and which slot. Indices only, never
// addresses (HOTPATH.md rule 16).
enum class Tag : std::uint64_t { receive = 1, send = 2, cancel = 3 };
inline constexpr std::uint64_t make_tag(Tag t, std::uint32_t index) {
  return (static_cast<std::uint64_t>(t) << 56) | index;
}
constexpr Tag tag_of(std::uint64_t user_data) { return static_cast<Tag>(user_data >> 56); }
inline constexpr std::uint32_t index_of(std::uint64_t user_data) { return static_cast<std::uint32_t>(user_data); }

}  // namespace tquic::io::uring_detail

namespace tquic::io {

// Everything that needs liburing's types.
struct UringEngine::Ring {
  io_uring ring{};
  bool open = false;
  bool napi = false;
  BufferRing buffers;
  msghdr recv_template{};  // reserved name/control space of every receive buffer

  ~Ring() {
    if (open) {
      if (napi) uring_compat::unregister_napi(&ring);
      io_uring_queue_exit(&ring);  // also drops the buffer registrations
      buffers.detach_ring();
    }
    buffers.teardown();
  }
};

}  // namespace tquic::io
#endif
