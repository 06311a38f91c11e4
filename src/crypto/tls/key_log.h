// Where TLS traffic secrets go when the operator asks for a key log (the
// NSS key log format Wireshark reads: "<label> <client random hex> <secret
// hex>"). The core only hands the parts to this interface; writing them
// anywhere is the runtime's business (runtime/key_log_file.h).
//
// Without a KeyLogSink on the TlsContext, GnuTLS's own default applies: it
// appends to the file named by SSLKEYLOGFILE, also for QUIC sessions.
#pragma once

#include <string_view>

#include "base/bytes.h"

namespace tquic::crypto {

class KeyLogSink {
 public:
  // `label`: CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_TRAFFIC_SECRET_0, ...
  // (RFC 8446 names as used by NSS); `client_random`: the 32 bytes of the
  // ClientHello random that identify the session. Called during the
  // handshake from whichever thread drives the connection.
  virtual void on_secret(std::string_view label, ByteSpan client_random, ByteSpan secret) = 0;

 protected:
  ~KeyLogSink() = default;
};

}  // namespace tquic::crypto
