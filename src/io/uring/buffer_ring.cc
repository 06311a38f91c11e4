#include "io/uring/buffer_ring.h"

#if TQUIC_HAVE_LIBURING
#include <sys/mman.h>

#include <algorithm>

namespace tquic::io {

BufferRing::~BufferRing() { teardown(); }

Status BufferRing::setup(io_uring* ring, std::size_t count, std::size_t buffer_size, std::uint16_t bgid) {
  if (count == 0 || count > 32768 || (count & (count - 1)) != 0)
    return Error::local("buffer ring size must be a power of two up to 32768");
  if (buffer_size == 0 || buffer_size > (1u << 30) / count) return Error::local("buffer ring too large");
  memory_bytes_ = count * buffer_size;
  void* mem = ::mmap(nullptr, memory_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) return Error::local("cannot map receive buffers");
  memory_ = static_cast<std::uint8_t*>(mem);
  int err = 0;
  br_ = uring_compat::setup_buf_ring(ring, static_cast<unsigned>(count), bgid, err);
  if (br_ == nullptr) {
    ::munmap(memory_, memory_bytes_);
    memory_ = nullptr;
    return Error::local("cannot register the provided buffer ring (kernel before 5.19?)");
  }
  ring_ = ring;
  count_ = count;
  buffer_size_ = buffer_size;
  bgid_ = bgid;
  held_.assign(count, 0);
  is_held_.assign(count, 0);
  const int mask = io_uring_buf_ring_mask(static_cast<unsigned>(count));
  for (std::size_t i = 0; i < count; ++i)
    io_uring_buf_ring_add(br_, memory_ + i * buffer_size, static_cast<unsigned>(buffer_size),
                          static_cast<unsigned short>(i), mask, static_cast<int>(i));
  io_uring_buf_ring_advance(br_, static_cast<int>(count));
  return ok_status();
}

void BufferRing::teardown() {
  if (br_ != nullptr) uring_compat::free_buf_ring(ring_, br_, static_cast<unsigned>(count_), bgid_);
  br_ = nullptr;
  if (memory_ != nullptr) ::munmap(memory_, memory_bytes_);
  memory_ = nullptr;
  ring_ = nullptr;
}

bool BufferRing::take(std::uint16_t bid) {
  if (bid >= count_ || is_held_[bid] != 0) return false;
  is_held_[bid] = 1;
  held_[held_count_++] = bid;
  return true;
}

ByteSpan BufferRing::filled(std::uint16_t bid, std::size_t length) const {
  if (bid >= count_) return {};
  return ByteSpan(memory_ + std::size_t{bid} * buffer_size_, std::min(length, buffer_size_));
}

std::size_t BufferRing::recycle_held() {
  if (held_count_ == 0) return 0;
  const int mask = io_uring_buf_ring_mask(static_cast<unsigned>(count_));
  for (std::size_t i = 0; i < held_count_; ++i) {
    const std::uint16_t bid = held_[i];
    is_held_[bid] = 0;
    io_uring_buf_ring_add(br_, memory_ + std::size_t{bid} * buffer_size_, static_cast<unsigned>(buffer_size_),
                          bid, mask, static_cast<int>(i));
  }
  io_uring_buf_ring_advance(br_, static_cast<int>(held_count_));  // one release store for the batch
  const std::size_t n = held_count_;
  held_count_ = 0;
  return n;
}

}  // namespace tquic::io
#endif
