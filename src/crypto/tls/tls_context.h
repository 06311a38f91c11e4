// Per-endpoint TLS 1.3 state for QUIC (RFC 9001 §4): certificate
// credentials, trust anchors, ALPN list, session-ticket key and the 0-RTT
// anti-replay cache. One TlsContext serves every connection of an endpoint;
// it is created at startup, never on the hot path, so it may allocate and it
// reports problems as one-line messages for the operator.
#pragma once

#include <gnutls/gnutls.h>

#include <memory>
#include <string>
#include <vector>

#include "crypto/tls/key_log.h"
#include "crypto/tls/replay_cache.h"

namespace tquic::crypto {

enum class TlsRole { client, server };

struct TlsServerOptions {
  std::string cert_file;  // PEM chain
  std::string key_file;   // PEM private key
  std::string cert_pem;   // alternative to the files (e.g. generated)
  std::string key_pem;
  std::vector<std::string> alpn;  // in server preference order
  bool enable_early_data = true;
  std::size_t replay_cache_entries = 65536;
  std::string ciphers;  // GnuTLS priority fragment; empty = all QUIC suites
  KeyLogSink* key_log = nullptr;  // not owned; null: GnuTLS default (SSLKEYLOGFILE)
};

struct TlsClientOptions {
  bool insecure = false;        // skip certificate verification (tests, demos)
  std::string ca_file;          // PEM trust anchors; empty = system CAs
  std::string ca_pem;           // alternative to ca_file
  std::vector<std::string> alpn;  // offered, in preference order
  std::string ciphers;          // GnuTLS priority fragment; empty = all QUIC suites
  KeyLogSink* key_log = nullptr;  // not owned; null: GnuTLS default (SSLKEYLOGFILE)
};

class TlsContext {
 public:
  // nullptr and a one-line `error` on failure (unreadable file, bad key, ...).
  static std::unique_ptr<TlsContext> make_server(const TlsServerOptions& opts, std::string& error);
  static std::unique_ptr<TlsContext> make_client(const TlsClientOptions& opts, std::string& error);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  TlsRole role() const { return role_; }
  gnutls_certificate_credentials_t credentials() const { return creds_; }
  const std::string& priority() const { return priority_; }
  const std::vector<gnutls_datum_t>& alpn_datums() const { return alpn_datums_; }
  bool insecure() const { return insecure_; }
  bool early_data() const { return early_data_; }
  const gnutls_datum_t* ticket_key() const { return ticket_key_.data ? &ticket_key_ : nullptr; }
  gnutls_anti_replay_t anti_replay() const { return anti_replay_; }
  KeyLogSink* key_log() const { return key_log_; }

 private:
  explicit TlsContext(TlsRole role) : role_(role) {}
  bool set_alpn(const std::vector<std::string>& alpn, std::string& error);
  bool set_priority(const std::string& ciphers, std::string& error);
  bool setup_server_resumption(std::size_t replay_entries, std::string& error);

  TlsRole role_;
  gnutls_certificate_credentials_t creds_ = nullptr;
  std::string priority_;
  std::vector<std::string> alpn_storage_;
  std::vector<gnutls_datum_t> alpn_datums_;
  bool insecure_ = false;
  bool early_data_ = false;
  gnutls_datum_t ticket_key_{nullptr, 0};
  gnutls_anti_replay_t anti_replay_ = nullptr;
  std::unique_ptr<ReplayCache> replay_cache_;
  KeyLogSink* key_log_ = nullptr;
};

}  // namespace tquic::crypto
