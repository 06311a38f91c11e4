// What each `tquic` subcommand is asked to do, after parsing and checking
// (apps/command_line.h). Plain data: the commands (serve_command.h, ...)
// turn it into endpoints and applications.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apps/url.h"
#include "base/net_address.h"
#include "io/engine_select.h"
#include "transport/cc/congestion_controller.h"
#include "wire/version.h"

namespace tquic::apps {

// Options every subcommand that speaks QUIC shares.
struct CommonOptions {
  std::vector<std::string> alpn = {"h3"};
  std::string qlog_dir;       // created if missing; empty = no qlog
  std::string keylog_file;    // empty = $SSLKEYLOGFILE (if set)
  transport::CongestionControlAlgorithm cc = transport::CongestionControlAlgorithm::bbr3;
  io::EngineKind engine = io::EngineKind::automatic;
  std::string cipher_priority;  // GnuTLS priority fragment; empty = every QUIC suite
  std::vector<std::uint16_t> cipher_suites;  // the same as TLS ids (0x1301...); empty = all
  // DPLPMTUD's search ceiling (RFC 9000 §14.3): the largest UDP payload
  // this side sends once a probe of that size got through. 1452 fits every
  // 1500-byte path with IPv6; larger pays on loopback and jumbo-frame links.
  std::uint16_t max_datagram_size = 1452;
};

// Servers default to every protocol in apps/protocols.h (command_line.cc).
struct ServeOptions {
  CommonOptions common;
  NetAddress listen;
  std::string root;           // directory whose files are served
  std::string cert_file;      // empty (with key_file): ephemeral self-signed certificate
  std::string key_file;
  bool retry = false;         // validate every client address with Retry first
  // Accepted QUIC versions, most preferred first: the order in which a
  // compatible version is chosen (RFC 9368 §2.3) and Version Negotiation lists.
  std::vector<std::uint32_t> versions = {wire::kQuicVersion1, wire::kQuicVersion2};
};

struct GetOptions {
  CommonOptions common;
  std::vector<Url> urls;      // all on one connection: same scheme, host and port
  bool insecure = false;      // no certificate verification
  std::string ca_file;        // empty: system trust anchors
  std::string output_dir;     // empty: bodies are counted and hashed, not saved
  std::string session_file;   // resumption state: read if present, written after the run
  bool zero_rtt = false;      // send the requests as 0-RTT when resuming
  bool key_update = false;    // initiate a key update once the handshake is confirmed
  bool migrate = false;       // move to a new local port once the handshake is confirmed
  std::uint32_t version = wire::kQuicVersion1;
};

struct DemoOptions {
  std::uint64_t size = 10'000'000;
  std::string delay = "20ms";  // tquic-relay syntax, checked when parsed
  std::string loss = "1%";
  bool relay = true;
  transport::CongestionControlAlgorithm cc = transport::CongestionControlAlgorithm::bbr3;
  io::EngineKind engine = io::EngineKind::automatic;
};

}  // namespace tquic::apps
