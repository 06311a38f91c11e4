// Can this process use the io_uring engine? io_uring may be missing (old or
// stripped kernel), switched off (sysctl kernel.io_uring_disabled), or blocked
// by a seccomp filter (containers): the probe creates a small ring, checks
// the operations the engine needs, and says why not in one line.
#pragma once

#include <string>

namespace tquic::io {

struct UringSupport {
  bool usable = false;         // rings work and every operation the engine needs exists
  bool single_issuer = false;  // IORING_SETUP_SINGLE_ISSUER (6.0)
  bool defer_taskrun = false;  // IORING_SETUP_DEFER_TASKRUN (6.1)
  bool sendmsg_zc = false;     // IORING_OP_SENDMSG_ZC (6.1)
  std::string reason;          // why not usable; empty when usable
};

// A fresh probe: creates and destroys one ring (cold path, a few syscalls).
UringSupport probe_uring();
// The probe, run once per process and cached (thread-safe).
const UringSupport& uring_support();

}  // namespace tquic::io
