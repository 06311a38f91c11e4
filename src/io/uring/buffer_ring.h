// The provided buffer ring (IOU_PBUF_RING) multishot recvmsg picks its
// buffers from. The kernel takes buffers from the ring as datagrams arrive;
// the engine hands them to the caller as views and gives them all back at
// the start of the next receive() with ONE tail store (HOTPATH.md rules 5
// and 11: batch give-back, no per-buffer barrier). Buffer ids are plain
// indices, never addresses (rule 16). Memory is mapped once in setup().
#pragma once

#include "io/uring/uring_compat.h"

#if TQUIC_HAVE_LIBURING
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace tquic::io {

class BufferRing {
 public:
  BufferRing() = default;
  ~BufferRing();
  BufferRing(const BufferRing&) = delete;
  BufferRing& operator=(const BufferRing&) = delete;

  // `count` (a power of two, <= 32768) buffers of `buffer_size` bytes as
  // buffer group `bgid`, all published to the kernel.
  Status setup(io_uring* ring, std::size_t count, std::size_t buffer_size, std::uint16_t bgid);
  // Unregisters (if the ring is still attached) and unmaps.
  void teardown();
  // The ring was closed (closing unregisters everything): unmap only.
  void detach_ring() { ring_ = nullptr; }

  // A CQE reported buffer `bid`: the caller now holds it. False for an id
  // that is out of range or already held (counted by the engine).
  bool take(std::uint16_t bid);
  // The first `length` bytes of a held buffer (clamped to the buffer).
  ByteSpan filled(std::uint16_t bid, std::size_t length) const;
  // Gives every held buffer back: one io_uring_buf_ring_advance for all.
  // Returns how many went back.
  std::size_t recycle_held();

  std::size_t count() const { return count_; }
  std::size_t held() const { return held_count_; }
  std::size_t buffer_size() const { return buffer_size_; }
  std::uint16_t group() const { return bgid_; }

 private:
  io_uring* ring_ = nullptr;
  io_uring_buf_ring* br_ = nullptr;
  std::uint8_t* memory_ = nullptr;
  std::size_t memory_bytes_ = 0;
  std::size_t count_ = 0;
  std::size_t buffer_size_ = 0;
  std::uint16_t bgid_ = 0;
  std::vector<std::uint16_t> held_;     // ids taken since the last recycle
  std::size_t held_count_ = 0;
  std::vector<std::uint8_t> is_held_;   // per id: 1 while the caller holds it
};

}  // namespace tquic::io
#endif
