#include "io/uring/uring_compat.h"

#if TQUIC_HAVE_LIBURING
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tquic::io::uring_compat {
namespace {

std::size_t ring_bytes(unsigned entries) { return entries * sizeof(io_uring_buf); }

// io_uring_register(2) without liburing's wrapper, for opcodes it does not
// know. The ring fd is never registered (IORING_REGISTER_RING_FDS), so the
// plain fd is the right one.
int raw_register(io_uring* ring, unsigned opcode, const void* arg, unsigned nr_args) {
  const long r = ::syscall(__NR_io_uring_register, ring->ring_fd, opcode, arg, nr_args);
  return r < 0 ? -errno : static_cast<int>(r);
}

}  // namespace

io_uring_buf_ring* setup_buf_ring(io_uring* ring, unsigned entries, std::uint16_t bgid, int& error) {
  if (entries == 0 || entries > 32768 || (entries & (entries - 1)) != 0) {
    error = EINVAL;
    return nullptr;
  }
  // The kernel wants the ring page aligned: an anonymous mapping is.
  void* mem = ::mmap(nullptr, ring_bytes(entries), PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) {
    error = errno;
    return nullptr;
  }
  auto* br = static_cast<io_uring_buf_ring*>(mem);
  io_uring_buf_ring_init(br);
  io_uring_buf_reg reg;
  std::memset(&reg, 0, sizeof reg);
  reg.ring_addr = reinterpret_cast<std::uintptr_t>(mem);
  reg.ring_entries = entries;
  reg.bgid = bgid;
  const int r = io_uring_register_buf_ring(ring, &reg, 0);
  if (r != 0) {
    error = -r;
    ::munmap(mem, ring_bytes(entries));
    return nullptr;
  }
  error = 0;
  return br;
}

void free_buf_ring(io_uring* ring, io_uring_buf_ring* br, unsigned entries, std::uint16_t bgid) {
  if (br == nullptr) return;
  if (ring != nullptr) io_uring_unregister_buf_ring(ring, bgid);
  ::munmap(br, ring_bytes(entries));
}

int enable_rings(io_uring* ring) { return raw_register(ring, IORING_REGISTER_ENABLE_RINGS, nullptr, 0); }

int register_napi(io_uring* ring, const NapiArg& arg) {
  return raw_register(ring, kRegisterNapi, &arg, 1);
}

int unregister_napi(io_uring* ring) {
  NapiArg none;
  return raw_register(ring, kUnregisterNapi, &none, 1);
}

}  // namespace tquic::io::uring_compat
#endif
