#include "io/engine_select.h"

#include <poll.h>

#include <algorithm>
#include <chrono>

namespace tquic::io {

bool parse_engine_kind(std::string_view text, EngineKind& out, std::string& error) {
  if (text == "auto") out = EngineKind::automatic;
  else if (text == "uring") out = EngineKind::uring;
  else if (text == "mmsg") out = EngineKind::mmsg;
  else {
    std::string shown(text.substr(0, 32));
    for (char& c : shown)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';  // keep the error on one line
    error = "unknown I/O engine '" + shown + "': use auto, uring or mmsg";
    return false;
  }
  return true;
}

const char* engine_kind_name(EngineKind kind) {
  switch (kind) {
    case EngineKind::automatic: return "auto";
    case EngineKind::uring: return "uring";
    case EngineKind::mmsg: return "mmsg";
  }
  return "?";
}

bool resolve_engine(EngineKind requested, const UringSupport& support, EngineKind& out, std::string& error) {
  switch (requested) {
    case EngineKind::mmsg: out = EngineKind::mmsg; return true;
    case EngineKind::automatic: out = support.usable ? EngineKind::uring : EngineKind::mmsg; return true;
    case EngineKind::uring:
      if (!support.usable) {
        error = "--engine uring: " + (support.reason.empty() ? std::string("io_uring unavailable") : support.reason);
        return false;
      }
      out = EngineKind::uring;
      return true;
  }
  error = "invalid engine kind";
  return false;
}

bool UdpEngine::open(UdpSocket& socket, EngineKind requested, const EngineConfig& config, UdpEngine& out,
                     std::string& error) {
  EngineKind kind = EngineKind::mmsg;
  const UringSupport& support = requested == EngineKind::mmsg ? UringSupport{} : uring_support();
  if (!resolve_engine(requested, support, kind, error)) return false;
  UdpEngine e;
  if (requested == EngineKind::automatic && kind == EngineKind::mmsg) e.fallback_reason_ = support.reason;
  if (kind == EngineKind::uring) {
    auto created = UringEngine::create(socket, config.uring);
    if (created) {
      e.uring_ = std::move(*created);
    } else if (requested == EngineKind::uring) {
      error = std::string("--engine uring: ") + created.error().reason;
      return false;
    } else {
      e.fallback_reason_ = created.error().reason;
    }
  }
  if (!e.uring_) e.mmsg_ = std::make_unique<MmsgEngine>(socket, config.mmsg);
  out = std::move(e);
  return true;
}

Result<std::span<const RxDatagram>> UdpEngine::receive() {
  if (uring_) return uring_->receive();
  if (mmsg_) return mmsg_->receive();
  return Error::local("engine not open");
}

bool UdpEngine::receive_more() const {
  if (uring_) return uring_->receive_more();
  return mmsg_ && mmsg_->receive_more();
}

Result<SendProgress> UdpEngine::send(std::span<const TxDatagram> batch) {
  if (uring_) return uring_->send(batch);
  if (mmsg_) return mmsg_->send(batch);
  return Error::local("engine not open");
}

Status UdpEngine::wait(Duration timeout, bool for_send) {
  if (uring_) return uring_->wait(timeout);
  if (!mmsg_) return Error::local("engine not open");
  pollfd p{mmsg_->socket().fd(), static_cast<short>(POLLIN | (for_send ? POLLOUT : 0)), 0};
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
  ::poll(&p, 1, static_cast<int>(std::clamp<std::int64_t>(ms, 0, 1 << 30)));
  return ok_status();
}

int UdpEngine::poll_fd() const {
  if (uring_) return uring_->ring_fd();
  return mmsg_ ? mmsg_->socket().fd() : -1;
}

const IoStats& UdpEngine::stats() const {
  static const IoStats kNone{};
  if (uring_) return uring_->stats();
  return mmsg_ ? mmsg_->stats() : kNone;
}

}  // namespace tquic::io
