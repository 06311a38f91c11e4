// Events the connection reports to the application, drained after each call
// (DESIGN.md: no re-entrant callbacks). Readiness events are edge-triggered
// and de-duplicated per stream, so the queue stays small; if it ever fills,
// `overflowed` is set and the application re-scans its streams.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace tquic::transport {

enum class ConnectionEventType : std::uint8_t {
  handshake_completed,   // 1-RTT keys installed, handshake done
  handshake_confirmed,   // RFC 9001 §4.1.2
  stream_opened,         // the peer opened `stream_id`
  stream_readable,       // new data or FIN on `stream_id`
  stream_writable,       // `stream_id` has room again after backpressure
  stream_reset,          // peer RESET_STREAM; `error_code`
  stream_stop_sending,   // peer STOP_SENDING; `error_code`
  datagram_received,     // poll with Connection::read_datagram
  session_ticket,        // client: poll with Connection::session_ticket
  path_validated,        // `path_id`
  path_failed,           // `path_id`
  path_migrated,         // the connection now sends on `path_id` (migration, preferred address)
  local_cid_issued,      // endpoint must route `cid_sequence` (see Connection::local_cid)
  local_cid_retired,     // endpoint must stop routing it
  closed,                // Connection::close_info() says why
};

struct ConnectionEvent {
  ConnectionEventType type = ConnectionEventType::closed;
  std::uint64_t stream_id = 0;
  std::uint64_t error_code = 0;
  std::uint64_t path_id = 0;
  std::uint64_t cid_sequence = 0;
};

class EventQueue {
 public:
  static constexpr std::size_t kCapacity = 512;

  void push(const ConnectionEvent& e) {
    if (size_ == kCapacity) {
      overflowed_ = true;
      return;
    }
    ring_[(head_ + size_) % kCapacity] = e;
    ++size_;
  }
  bool pop(ConnectionEvent& out) {
    if (size_ == 0) return false;
    out = ring_[head_];
    head_ = (head_ + 1) % kCapacity;
    --size_;
    return true;
  }
  bool empty() const { return size_ == 0; }
  // True once after the queue filled up: re-scan all streams.
  bool take_overflowed() {
    const bool o = overflowed_;
    overflowed_ = false;
    return o;
  }

 private:
  std::array<ConnectionEvent, kCapacity> ring_{};
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  bool overflowed_ = false;
};

}  // namespace tquic::transport
