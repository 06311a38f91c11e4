// TLS contexts for the commands: the server's (from --cert/--key, or an
// ephemeral self-signed certificate) and the client's (system CAs, --ca or
// --insecure), with the ALPN list, cipher choice and key log.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "apps/options.h"
#include "crypto/tls/key_log.h"
#include "crypto/tls/tls_context.h"

namespace tquic::apps {

struct ServerTlsParams {
  std::string cert_file;  // both empty: generate a self-signed certificate
  std::string key_file;
  std::vector<std::string> alpn;
  std::string cipher_priority;
  crypto::KeyLogSink* key_log = nullptr;
  std::vector<std::string> names = {"localhost"};  // self-signed: DNS names
  std::vector<std::string> ip_addresses;           // self-signed: raw 4/16-byte addresses
};

struct ServerTls {
  std::unique_ptr<crypto::TlsContext> context;
  std::string cert_pem;         // the certificate in use (its first one)
  std::string spki_sha256;      // base64, for --ignore-certificate-errors-spki-list
  bool self_signed = false;
};

bool make_server_tls(const ServerTlsParams& params, ServerTls& out, std::string& error);

// The parameters every server command shares: certificate files (both
// empty: self-signed), ALPN list and ciphers from the common options.
ServerTlsParams server_tls_params(const CommonOptions& common, const std::string& cert_file,
                                  const std::string& key_file, crypto::KeyLogSink* key_log);

struct ClientTlsParams {
  bool insecure = false;
  std::string ca_file;    // empty: system trust anchors (unless insecure)
  std::string ca_pem;     // alternative to ca_file (the demo trusts its own certificate)
  std::vector<std::string> alpn;
  std::string cipher_priority;
  crypto::KeyLogSink* key_log = nullptr;
};

std::unique_ptr<crypto::TlsContext> make_client_tls(const ClientTlsParams& params, std::string& error);

// The parameters every client command shares.
ClientTlsParams client_tls_params(const CommonOptions& common, bool insecure, const std::string& ca_file,
                                  crypto::KeyLogSink* key_log);

}  // namespace tquic::apps
