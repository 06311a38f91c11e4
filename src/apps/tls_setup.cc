#include "apps/tls_setup.h"

#include <fstream>
#include <sstream>

#include "apps/spki_pin.h"
#include "crypto/tls/self_signed.h"
#include "runtime/clock.h"

namespace tquic::apps {
namespace {

bool read_file(const std::string& path, std::string& out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  std::ostringstream s;
  s << f.rdbuf();
  out = s.str();
  return true;
}

}  // namespace

bool make_server_tls(const ServerTlsParams& p, ServerTls& out, std::string& error) {
  crypto::TlsServerOptions o;
  o.alpn = p.alpn;
  o.ciphers = p.cipher_priority;
  o.key_log = p.key_log;
  if (p.cert_file.empty()) {
    const auto now = static_cast<std::time_t>(runtime::unix_seconds_now());
    const crypto::PemCertificate cert = crypto::generate_self_signed(now, p.names, p.ip_addresses, 14, error);
    if (cert.cert_pem.empty()) return false;
    o.cert_pem = cert.cert_pem;
    o.key_pem = cert.key_pem;
    out.cert_pem = cert.cert_pem;
    out.self_signed = true;
  } else {
    o.cert_file = p.cert_file;
    o.key_file = p.key_file;
    if (!read_file(p.cert_file, out.cert_pem)) {
      error = "--cert: cannot read '" + p.cert_file + "'; pass a PEM certificate chain file";
      return false;
    }
  }
  out.context = crypto::TlsContext::make_server(o, error);
  if (!out.context) return false;
  return spki_sha256_base64(out.cert_pem, out.spki_sha256, error);
}

std::unique_ptr<crypto::TlsContext> make_client_tls(const ClientTlsParams& p, std::string& error) {
  crypto::TlsClientOptions o;
  o.insecure = p.insecure;
  o.ca_file = p.ca_file;
  o.ca_pem = p.ca_pem;
  o.alpn = p.alpn;
  o.ciphers = p.cipher_priority;
  o.key_log = p.key_log;
  return crypto::TlsContext::make_client(o, error);
}

ServerTlsParams server_tls_params(const CommonOptions& common, const std::string& cert_file,
                                  const std::string& key_file, crypto::KeyLogSink* key_log) {
  ServerTlsParams p;
  p.cert_file = cert_file;
  p.key_file = key_file;
  p.alpn = common.alpn;
  p.cipher_priority = common.cipher_priority;
  p.key_log = key_log;
  return p;
}

ClientTlsParams client_tls_params(const CommonOptions& common, bool insecure, const std::string& ca_file,
                                  crypto::KeyLogSink* key_log) {
  ClientTlsParams p;
  p.insecure = insecure;
  p.ca_file = ca_file;
  p.alpn = common.alpn;
  p.cipher_priority = common.cipher_priority;
  p.key_log = key_log;
  return p;
}

}  // namespace tquic::apps
