#include "crypto/tls/tls_context.h"

namespace tquic::crypto {
namespace {

// RFC 9001 §4.2: TLS 1.3 only; §5.3: the three AEADs QUIC defines. No
// middlebox-compatibility mode (RFC 9001 §8.4).
constexpr const char* kDefaultCiphers = "+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305";
constexpr const char* kGroups = "+GROUP-X25519:+GROUP-SECP256R1:+GROUP-SECP384R1:+GROUP-SECP521R1";

std::string gnutls_message(const char* what, int rv) {
  return std::string(what) + ": " + gnutls_strerror(rv);
}

int replay_add(void* ptr, std::time_t expires, const gnutls_datum_t* key, const gnutls_datum_t*) {
  auto* cache = static_cast<ReplayCache*>(ptr);
  return cache->insert(key->data, key->size, expires) ? 0 : GNUTLS_E_DB_ENTRY_EXISTS;
}

}  // namespace

TlsContext::~TlsContext() {
  if (anti_replay_) gnutls_anti_replay_deinit(anti_replay_);
  if (ticket_key_.data) {
    gnutls_memset(ticket_key_.data, 0, ticket_key_.size);
    gnutls_free(ticket_key_.data);
  }
  if (creds_) gnutls_certificate_free_credentials(creds_);
}

bool TlsContext::set_alpn(const std::vector<std::string>& alpn, std::string& error) {
  if (alpn.empty()) {
    error = "no ALPN protocol configured: QUIC requires ALPN (RFC 9001 §8.1)";
    return false;
  }
  alpn_storage_ = alpn;
  for (auto& p : alpn_storage_) {
    if (p.empty() || p.size() > 255) {
      error = "ALPN protocol '" + p + "' must be 1 to 255 bytes long";
      return false;
    }
    alpn_datums_.push_back(gnutls_datum_t{reinterpret_cast<unsigned char*>(p.data()),
                                          static_cast<unsigned>(p.size())});
  }
  return true;
}

bool TlsContext::set_priority(const std::string& ciphers, std::string& error) {
  priority_ = std::string("%DISABLE_TLS13_COMPAT_MODE:NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:") +
              (ciphers.empty() ? kDefaultCiphers : ciphers) + ":-GROUP-ALL:" + kGroups;
  gnutls_priority_t check = nullptr;
  const char* err_pos = nullptr;
  const int rv = gnutls_priority_init(&check, priority_.c_str(), &err_pos);
  if (rv < 0) {
    error = "invalid cipher list '" + ciphers + "' (use e.g. +AES-128-GCM:+CHACHA20-POLY1305)";
    return false;
  }
  gnutls_priority_deinit(check);
  return true;
}

bool TlsContext::setup_server_resumption(std::size_t replay_entries, std::string& error) {
  int rv = gnutls_session_ticket_key_generate(&ticket_key_);
  if (rv < 0) {
    error = gnutls_message("cannot generate session ticket key", rv);
    return false;
  }
  rv = gnutls_anti_replay_init(&anti_replay_);
  if (rv < 0) {
    error = gnutls_message("cannot set up 0-RTT anti-replay", rv);
    return false;
  }
  replay_cache_ = std::make_unique<ReplayCache>(replay_entries);
  gnutls_anti_replay_set_add_function(anti_replay_, replay_add);
  gnutls_anti_replay_set_ptr(anti_replay_, replay_cache_.get());
  return true;
}

std::unique_ptr<TlsContext> TlsContext::make_server(const TlsServerOptions& opts,
                                                    std::string& error) {
  std::unique_ptr<TlsContext> ctx(new TlsContext(TlsRole::server));
  if (gnutls_certificate_allocate_credentials(&ctx->creds_) < 0) {
    error = "cannot allocate TLS credentials";
    return nullptr;
  }
  int rv;
  if (!opts.cert_pem.empty()) {
    const gnutls_datum_t cert{reinterpret_cast<unsigned char*>(const_cast<char*>(opts.cert_pem.data())),
                              static_cast<unsigned>(opts.cert_pem.size())};
    const gnutls_datum_t key{reinterpret_cast<unsigned char*>(const_cast<char*>(opts.key_pem.data())),
                             static_cast<unsigned>(opts.key_pem.size())};
    rv = gnutls_certificate_set_x509_key_mem(ctx->creds_, &cert, &key, GNUTLS_X509_FMT_PEM);
  } else {
    rv = gnutls_certificate_set_x509_key_file(ctx->creds_, opts.cert_file.c_str(),
                                              opts.key_file.c_str(), GNUTLS_X509_FMT_PEM);
  }
  if (rv < 0) {
    error = opts.cert_pem.empty()
                ? "cannot load certificate '" + opts.cert_file + "' with key '" + opts.key_file +
                      "': " + gnutls_strerror(rv) + " (give PEM files with --cert and --key)"
                : gnutls_message("cannot load the in-memory certificate", rv);
    return nullptr;
  }
  if (!ctx->set_alpn(opts.alpn, error) || !ctx->set_priority(opts.ciphers, error)) return nullptr;
  ctx->early_data_ = opts.enable_early_data;
  ctx->key_log_ = opts.key_log;
  if (!ctx->setup_server_resumption(opts.replay_cache_entries, error)) return nullptr;
  return ctx;
}

std::unique_ptr<TlsContext> TlsContext::make_client(const TlsClientOptions& opts,
                                                    std::string& error) {
  std::unique_ptr<TlsContext> ctx(new TlsContext(TlsRole::client));
  if (gnutls_certificate_allocate_credentials(&ctx->creds_) < 0) {
    error = "cannot allocate TLS credentials";
    return nullptr;
  }
  ctx->insecure_ = opts.insecure;
  int rv = 0;
  if (!opts.ca_pem.empty()) {
    const gnutls_datum_t ca{reinterpret_cast<unsigned char*>(const_cast<char*>(opts.ca_pem.data())),
                            static_cast<unsigned>(opts.ca_pem.size())};
    rv = gnutls_certificate_set_x509_trust_mem(ctx->creds_, &ca, GNUTLS_X509_FMT_PEM);
  } else if (!opts.ca_file.empty()) {
    rv = gnutls_certificate_set_x509_trust_file(ctx->creds_, opts.ca_file.c_str(), GNUTLS_X509_FMT_PEM);
    if (rv == 0) rv = GNUTLS_E_NO_CERTIFICATE_FOUND;
  } else if (!opts.insecure) {
    rv = gnutls_certificate_set_x509_system_trust(ctx->creds_);
  }
  if (rv < 0) {
    error = opts.ca_file.empty() ? gnutls_message("cannot load trust anchors", rv)
                                 : "cannot load CA file '" + opts.ca_file + "': " + gnutls_strerror(rv) +
                                       " (give a PEM file with --ca, or --insecure to skip verification)";
    return nullptr;
  }
  if (!ctx->set_alpn(opts.alpn, error) || !ctx->set_priority(opts.ciphers, error)) return nullptr;
  ctx->early_data_ = true;
  ctx->key_log_ = opts.key_log;
  return ctx;
}

}  // namespace tquic::crypto
