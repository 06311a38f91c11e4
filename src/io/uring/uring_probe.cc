#include "io/uring/uring_probe.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "io/uring/uring_compat.h"

namespace tquic::io {
namespace {

// 0 (allowed), 1 (privileged/group only), 2 (off); -1 when the knob is absent.
int io_uring_disabled_sysctl() {
  std::FILE* f = std::fopen("/proc/sys/kernel/io_uring_disabled", "re");
  if (f == nullptr) return -1;
  int v = -1;
  if (std::fscanf(f, "%d", &v) != 1) v = -1;
  std::fclose(f);
  return v;
}

#if TQUIC_HAVE_LIBURING
std::string setup_error(int err, int sysctl) {
  if (err == ENOSYS) return "io_uring unavailable: the kernel has no io_uring";
  if (err == EPERM || err == EACCES) {
    if (sysctl == 1) return "io_uring unavailable: io_uring_setup is blocked by kernel.io_uring_disabled=1 for this process";
    return "io_uring unavailable: io_uring_setup is blocked (seccomp filter?)";
  }
  return std::string("io_uring unavailable: io_uring_setup failed: ") + std::strerror(err);
}

// Tries the best setup flags first; records which ones the kernel took.
int create_ring(io_uring& ring, UringSupport& s) {
  const unsigned attempts[] = {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
                               IORING_SETUP_SINGLE_ISSUER, 0u};
  int r = -EINVAL;
  for (unsigned flags : attempts) {
    io_uring_params p;
    std::memset(&p, 0, sizeof p);
    p.flags = flags;
    r = io_uring_queue_init_params(4, &ring, &p);
    if (r == 0) {
      s.single_issuer = (flags & IORING_SETUP_SINGLE_ISSUER) != 0;
      s.defer_taskrun = (flags & IORING_SETUP_DEFER_TASKRUN) != 0;
      return 0;
    }
    if (r != -EINVAL) return r;
  }
  return r;
}

// RECVMSG/SENDMSG, and SEND_ZC as the marker of a 6.0+ kernel, which is
// also the first with multishot recvmsg; then a provided buffer ring.
std::string check_operations(io_uring& ring, UringSupport& s) {
  io_uring_probe* probe = io_uring_get_probe_ring(&ring);
  if (probe == nullptr) return "io_uring unavailable: the kernel cannot list its operations";
  const bool basic = io_uring_opcode_supported(probe, IORING_OP_RECVMSG) &&
                     io_uring_opcode_supported(probe, IORING_OP_SENDMSG) &&
                     io_uring_opcode_supported(probe, IORING_OP_SEND_ZC);
  s.sendmsg_zc = io_uring_opcode_supported(probe, IORING_OP_SENDMSG_ZC);
  io_uring_free_probe(probe);
  if (!basic) return "io_uring unavailable: kernel before 6.0 (no multishot recvmsg)";
  int err = 0;
  io_uring_buf_ring* br = uring_compat::setup_buf_ring(&ring, 1, 0, err);
  if (br == nullptr) return std::string("io_uring unavailable: no provided buffer rings: ") + std::strerror(err);
  uring_compat::free_buf_ring(&ring, br, 1, 0);
  return {};
}
#endif

}  // namespace

UringSupport probe_uring() {
  UringSupport s;
  const int sysctl = io_uring_disabled_sysctl();
  if (sysctl == 2) {
    s.reason = "io_uring unavailable: disabled by sysctl kernel.io_uring_disabled=2";
    return s;
  }
#if TQUIC_HAVE_LIBURING
  io_uring ring;
  const int r = create_ring(ring, s);
  if (r != 0) {
    s.reason = setup_error(-r, sysctl);
    return s;
  }
  s.reason = check_operations(ring, s);
  io_uring_queue_exit(&ring);
  s.usable = s.reason.empty();
#else
  s.reason = "io_uring unavailable: built without liburing";
#endif
  return s;
}

const UringSupport& uring_support() {
  static const UringSupport support = probe_uring();
  return support;
}

}  // namespace tquic::io
