// Run-time choice between the UDP engines: io_uring (io/uring/uring_engine.h)
// when this kernel and process allow it, else sendmmsg/recvmmsg
// (io/mmsg_engine.h). io_uring may be compiled in yet unusable: an old
// kernel, sysctl kernel.io_uring_disabled, or a seccomp filter (containers).
// "auto" probes once and falls back quietly; "uring" insists and fails with
// the probe's reason.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/time.h"
#include "io/datagram.h"
#include "io/io_stats.h"
#include "io/mmsg_engine.h"
#include "io/udp_socket.h"
#include "io/uring/uring_engine.h"
#include "io/uring/uring_probe.h"

namespace tquic::io {

enum class EngineKind : std::uint8_t { automatic, uring, mmsg };

// "auto", "uring" or "mmsg". False with a one-line `error` naming the choices.
bool parse_engine_kind(std::string_view text, EngineKind& out, std::string& error);
const char* engine_kind_name(EngineKind kind);  // "auto", "uring", "mmsg"

// The concrete engine for `requested` given what the probe found: automatic
// becomes uring or mmsg; uring without support is an error (one line).
bool resolve_engine(EngineKind requested, const UringSupport& support, EngineKind& out, std::string& error);

struct EngineConfig {
  MmsgConfig mmsg;
  UringConfig uring;
};

// One engine of either kind behind the shared receive()/send() contract.
class UdpEngine {
 public:
  UdpEngine() = default;

  // Opens the engine `requested` names on `socket` (which must outlive it).
  // With automatic, an io_uring setup failure falls back to mmsg and
  // fallback_reason() says why. False with a one-line `error`.
  static bool open(UdpSocket& socket, EngineKind requested, const EngineConfig& config, UdpEngine& out,
                   std::string& error);

  EngineKind kind() const { return uring_ ? EngineKind::uring : EngineKind::mmsg; }
  const std::string& fallback_reason() const { return fallback_reason_; }

  Result<std::span<const RxDatagram>> receive();
  Result<SendProgress> send(std::span<const TxDatagram> batch);
  // Sleeps until there is something to receive (or, with `for_send`, room
  // to send) or `timeout` passed.
  Status wait(Duration timeout, bool for_send = false);
  // The descriptor to watch for POLLIN (plus POLLOUT for mmsg sends).
  int poll_fd() const;

  const IoStats& stats() const;
  // The last receive() may have left datagrams behind (see the engines).
  bool receive_more() const;
  UringEngine* uring() { return uring_.get(); }  // null for mmsg
  MmsgEngine* mmsg() { return mmsg_.get(); }     // null for io_uring

 private:
  std::unique_ptr<UringEngine> uring_;
  std::unique_ptr<MmsgEngine> mmsg_;
  std::string fallback_reason_;
};

}  // namespace tquic::io
