// What an Endpoint is configured with. Everything random comes from `seed`
// (the runtime passes 32+ bytes from the OS CSPRNG, the simulator bytes from
// its own seed): the endpoint never reads the OS or a clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "crypto/tls/tls_context.h"
#include "endpoint/quic_lb.h"
#include "endpoint/rate_limiter.h"
#include "endpoint/token.h"
#include "transport/connection/connection_config.h"
#include "wire/version.h"

namespace tquic::endpoint {

struct EndpointConfig {
  transport::ConnectionConfig connection;

  // --- connection IDs (QUIC-LB layout; CID length = 1 + server_id + nonce) ---
  QuicLbConfig cid_layout;
  std::vector<std::uint8_t> server_id = {0};  // cid_layout.server_id_length bytes

  // --- keys ---
  std::vector<std::uint8_t> seed;              // >= 32 bytes; everything else derives from it
  // Optional static keys that must survive restarts (empty: derived from
  // seed): >= 16 bytes for stateless reset tokens (RFC 9000 §10.3.2),
  // kTokenKeyMaterialLength bytes for address-validation tokens.
  std::vector<std::uint8_t> static_reset_key;
  std::vector<std::uint8_t> token_key;

  // --- server role (needs EndpointTls::server) ---
  // Versions accepted, most preferred first: listed in Version Negotiation
  // packets and version_information, and the order in which server
  // connections pick a compatible version (RFC 9368); they replace
  // connection.versions for server connections. Client connections use
  // connection.version / connection.versions.
  std::vector<std::uint32_t> versions = {wire::kQuicVersion1, wire::kQuicVersion2};
  bool require_retry = false;     // validate every address with Retry first (RFC 9000 §8.1.2)
  bool issue_new_tokens = true;   // give clients a NEW_TOKEN token for their next connection
  std::size_t max_connections = 10000;  // Initials beyond this are dropped and counted
  TokenLifetimes token_lifetimes;
  // Unix time (seconds) at Timestamp zero: tokens carry wall-clock-ish
  // issue times so they outlive a restart; the caller's `now` is monotonic.
  std::uint64_t unix_seconds_at_time_zero = 0;

  // --- stateless answers ---
  RateLimit version_negotiation_rate{200, 50};
  RateLimit stateless_reset_rate{200, 50};
  std::size_t stateless_queue_capacity = 64;

  // Application events held before the oldest are dropped (counted; the
  // application then re-scans its streams).
  std::size_t max_pending_events = 1u << 16;
};

// TLS contexts the endpoint uses; either may be absent. A server context
// makes the endpoint accept connections; a client context lets it connect().
struct EndpointTls {
  const crypto::TlsContext* server = nullptr;
  const crypto::TlsContext* client = nullptr;
};

}  // namespace tquic::endpoint
