// What the endpoint reports to the application, and the handle naming a
// connection: an index plus a generation, never a pointer (HOTPATH rule
// 16), so a stale handle is detected and the value is safe to hand to
// another process.
#pragma once

#include <cstdint>

#include "transport/connection/connection_events.h"

namespace tquic::endpoint {

struct ConnectionHandle {
  static constexpr std::uint32_t kInvalid = 0xffffffffu;
  std::uint32_t index = kInvalid;
  std::uint32_t generation = 0;

  bool valid() const { return index != kInvalid; }
  friend bool operator==(const ConnectionHandle&, const ConnectionHandle&) = default;
};

enum class EndpointEventType : std::uint8_t {
  accepted,    // a client's Initial created a server connection
  connection,  // `event` came from the connection
  removed,     // closed and forgotten: connection(handle) still answers
               // (close_info()) until the next call into the endpoint
};

struct EndpointEvent {
  EndpointEventType type = EndpointEventType::connection;
  ConnectionHandle handle;
  transport::ConnectionEvent event;  // type == connection
  bool address_validated = false;    // type == accepted: a Retry or NEW_TOKEN token was valid
};

struct EndpointStats {
  std::uint64_t datagrams_received = 0;
  std::uint64_t datagrams_routed = 0;        // delivered to a connection
  std::uint64_t datagrams_dropped = 0;       // every drop below is also counted here
  std::uint64_t unknown_cid = 0;             // no connection, nothing to answer
  std::uint64_t initial_too_small = 0;       // RFC 9000 §14.1: < 1200 bytes
  std::uint64_t connections_refused = 0;     // max_connections reached
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_removed = 0;
  std::uint64_t version_negotiations_sent = 0;
  std::uint64_t retries_sent = 0;
  std::uint64_t tokens_accepted = 0;
  std::uint64_t tokens_rejected = 0;         // forged, expired, wrong address or CID
  std::uint64_t stateless_resets_sent = 0;
  std::uint64_t resets_not_sent_small = 0;   // trigger too small (RFC 9000 §10.3.3)
  std::uint64_t stateless_rate_limited = 0;  // VN or reset suppressed by the rate limit
  std::uint64_t stateless_queue_drops = 0;
  std::uint64_t events_dropped = 0;
  std::uint64_t connection_errors = 0;       // local errors from a connection call
};

}  // namespace tquic::endpoint
