#include "crypto/tls/tls_session.h"

#include <cstring>

namespace tquic::crypto {
namespace {

// RFC 9001 §8.2: quic_transport_parameters extension codepoint.
constexpr unsigned kQuicTransportParametersExt = 0x39;
// RFC 8446 §6: internal_error, used when TLS fails without naming an alert.
constexpr std::uint8_t kAlertInternalError = 80;

wire::EncryptionLevel from_gnutls(gnutls_record_encryption_level_t l) {
  switch (l) {
    case GNUTLS_ENCRYPTION_LEVEL_INITIAL: return wire::EncryptionLevel::initial;
    case GNUTLS_ENCRYPTION_LEVEL_EARLY: return wire::EncryptionLevel::zero_rtt;
    case GNUTLS_ENCRYPTION_LEVEL_HANDSHAKE: return wire::EncryptionLevel::handshake;
    case GNUTLS_ENCRYPTION_LEVEL_APPLICATION: break;
  }
  return wire::EncryptionLevel::one_rtt;
}

gnutls_record_encryption_level_t to_gnutls(wire::EncryptionLevel l) {
  switch (l) {
    case wire::EncryptionLevel::initial: return GNUTLS_ENCRYPTION_LEVEL_INITIAL;
    case wire::EncryptionLevel::zero_rtt: return GNUTLS_ENCRYPTION_LEVEL_EARLY;
    case wire::EncryptionLevel::handshake: return GNUTLS_ENCRYPTION_LEVEL_HANDSHAKE;
    case wire::EncryptionLevel::one_rtt: break;
  }
  return GNUTLS_ENCRYPTION_LEVEL_APPLICATION;
}

std::uint16_t suite_of(gnutls_cipher_algorithm_t c) {
  switch (c) {
    case GNUTLS_CIPHER_AES_128_GCM: return kTlsAes128GcmSha256;
    case GNUTLS_CIPHER_AES_256_GCM: return kTlsAes256GcmSha384;
    case GNUTLS_CIPHER_CHACHA20_POLY1305: return kTlsChacha20Poly1305Sha256;
    default: return 0;
  }
}

// A TLS cipher suite id QUIC defines, else 0.
std::uint16_t suite_of_tls_id(std::uint16_t id) {
  switch (id) {
    case kTlsAes128GcmSha256:
    case kTlsAes256GcmSha384:
    case kTlsChacha20Poly1305Sha256: return id;
    default: return 0;
  }
}

TlsSession* self(gnutls_session_t s) { return static_cast<TlsSession*>(gnutls_session_get_ptr(s)); }

}  // namespace

// The callbacks are static members so they may touch private state.
int TlsSession::on_secret_cb(gnutls_session_t s, gnutls_record_encryption_level_t level,
                             const void* read_secret, const void* write_secret, size_t len) {
  TlsSession* t = self(s);
  const auto lvl = from_gnutls(level);
  const std::uint16_t suite = t->suite_for(level);
  if (suite == 0) {
    t->pending_ = Error::transport(TransportErrorCode::PROTOCOL_VIOLATION,
                                   "TLS negotiated a cipher QUIC does not define");
    t->has_pending_ = true;
    return -1;
  }
  if (lvl == wire::EncryptionLevel::zero_rtt) t->early_suite_ = suite;
  if (lvl == wire::EncryptionLevel::handshake) t->check_early_suite(suite);
  if (lvl == wire::EncryptionLevel::zero_rtt && write_secret) t->early_attempted_ = true;
  for (auto [secret, dir] : {std::pair{read_secret, SecretDirection::read},
                             std::pair{write_secret, SecretDirection::write}}) {
    if (!secret) continue;
    Status st = t->sink_.on_secret(lvl, dir, suite, ByteSpan(static_cast<const std::uint8_t*>(secret), len));
    if (!st) {
      t->pending_ = st.error();
      t->has_pending_ = true;
      return -1;
    }
  }
  return 0;
}

int TlsSession::on_read_cb(gnutls_session_t s, gnutls_record_encryption_level_t level,
                           gnutls_handshake_description_t htype, const void* data, size_t len) {
  if (htype == GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC) return 0;  // not used by QUIC
  TlsSession* t = self(s);
  Status st = t->sink_.on_handshake_data(from_gnutls(level),
                                         ByteSpan(static_cast<const std::uint8_t*>(data), len));
  if (!st) {
    t->pending_ = st.error();
    t->has_pending_ = true;
    return -1;
  }
  return 0;
}

int TlsSession::on_alert_cb(gnutls_session_t s, gnutls_record_encryption_level_t,
                            gnutls_alert_level_t, gnutls_alert_description_t desc) {
  self(s)->alert_ = static_cast<int>(desc);
  return 0;
}

int TlsSession::on_tp_recv_cb(gnutls_session_t s, const unsigned char* data, size_t len) {
  TlsSession* t = self(s);
  t->peer_tp_seen_ = true;
  Status st = t->sink_.on_peer_transport_parameters(ByteSpan(data, len));
  if (!st) {
    t->pending_ = st.error();
    t->has_pending_ = true;
    return -1;
  }
  return 0;
}

int TlsSession::on_tp_send_cb(gnutls_session_t s, gnutls_buffer_t ext) {
  TlsSession* t = self(s);
  return gnutls_buffer_append_data(ext, t->local_tp_.data(), t->local_tp_.size());
}

int TlsSession::on_keylog_cb(gnutls_session_t s, const char* label, const gnutls_datum_t* secret) {
  KeyLogSink* sink = self(s)->ctx_.key_log();
  gnutls_datum_t client_random{nullptr, 0};
  gnutls_datum_t server_random{nullptr, 0};
  gnutls_session_get_random(s, &client_random, &server_random);
  if (sink && label && secret)
    sink->on_secret(label, ByteSpan(client_random.data, client_random.size), ByteSpan(secret->data, secret->size));
  return 0;
}

// The suite the ServerHello names (RFC 8446 §4.1.3), from its body:
// legacy_version(2) random(32) legacy_session_id<0..32> cipher_suite(2).
// 0 if the body is too short to hold one.
std::uint16_t server_hello_suite(const gnutls_datum_t* msg) {
  if (!msg || !msg->data || msg->size < 35) return 0;
  const std::size_t sid_len = msg->data[34];
  if (sid_len > 32 || msg->size < 35 + sid_len + 2) return 0;
  return static_cast<std::uint16_t>(msg->data[35 + sid_len] << 8 | msg->data[36 + sid_len]);
}

// Sees every handshake message once it was sent or read: the ServerHello
// for the negotiated suite, and (client) NewSessionTicket for resumption.
int TlsSession::on_handshake_hook(gnutls_session_t s, unsigned htype, unsigned, unsigned incoming,
                                  const gnutls_datum_t* msg) {
  TlsSession* t = self(s);
  if (htype == GNUTLS_HANDSHAKE_SERVER_HELLO && t->negotiated_suite_ == 0)
    t->negotiated_suite_ = server_hello_suite(msg);
  if (htype != GNUTLS_HANDSHAKE_NEW_SESSION_TICKET || !incoming) return 0;
  gnutls_datum_t data{nullptr, 0};
  if (gnutls_session_get_data2(s, &data) < 0) return 0;  // no ticket is not fatal
  self(s)->sink_.on_session_ticket(ByteSpan(data.data, data.size));
  gnutls_free(data.data);
  return 0;
}

Result<std::unique_ptr<TlsSession>> TlsSession::create(const TlsContext& ctx, TlsEventSink& sink,
                                                       TlsSessionOptions opts) {
  std::unique_ptr<TlsSession> t(new TlsSession(ctx, sink));
  TQUIC_TRY(t->configure(opts));
  return t;
}

TlsSession::~TlsSession() {
  if (session_) gnutls_deinit(session_);
}

Status TlsSession::configure(TlsSessionOptions& opts) {
  const bool server = ctx_.role() == TlsRole::server;
  unsigned flags = (server ? GNUTLS_SERVER : GNUTLS_CLIENT) | GNUTLS_NO_END_OF_EARLY_DATA;
  if (ctx_.early_data()) flags |= GNUTLS_ENABLE_EARLY_DATA;
  if (server) flags |= GNUTLS_NO_AUTO_SEND_TICKET;
  if (gnutls_init(&session_, flags) < 0) return Error::local("gnutls_init failed");
  gnutls_session_set_ptr(session_, this);
  if (gnutls_priority_set_direct(session_, ctx_.priority().c_str(), nullptr) < 0)
    return Error::local("TLS priority string rejected");
  if (gnutls_credentials_set(session_, GNUTLS_CRD_CERTIFICATE, ctx_.credentials()) < 0)
    return Error::local("cannot attach TLS credentials");
  local_tp_ = std::move(opts.local_transport_parameters);
  gnutls_handshake_set_secret_function(session_, on_secret_cb);
  gnutls_handshake_set_read_function(session_, on_read_cb);
  gnutls_alert_set_read_function(session_, on_alert_cb);
  gnutls_handshake_set_hook_function(session_, GNUTLS_HANDSHAKE_ANY, GNUTLS_HOOK_POST, on_handshake_hook);
  if (ctx_.key_log()) gnutls_session_set_keylog_function(session_, on_keylog_cb);
  if (gnutls_session_ext_register(session_, "QUIC Transport Parameters", kQuicTransportParametersExt,
                                  GNUTLS_EXT_TLS, on_tp_recv_cb, on_tp_send_cb, nullptr, nullptr,
                                  nullptr,
                                  GNUTLS_EXT_FLAG_TLS | GNUTLS_EXT_FLAG_CLIENT_HELLO |
                                      GNUTLS_EXT_FLAG_EE) < 0)
    return Error::local("cannot register the quic_transport_parameters extension");
  const auto& alpn = ctx_.alpn_datums();
  if (gnutls_alpn_set_protocols(session_, alpn.data(), static_cast<unsigned>(alpn.size()),
                                GNUTLS_ALPN_MANDATORY | (server ? GNUTLS_ALPN_SERVER_PRECEDENCE : 0)) < 0)
    return Error::local("cannot set ALPN");
  return server ? configure_server() : configure_client(opts);
}

Status TlsSession::configure_server() {
  if (ctx_.ticket_key() && gnutls_session_ticket_enable_server(session_, ctx_.ticket_key()) < 0)
    return Error::local("cannot enable session tickets");
  if (ctx_.early_data()) {
    gnutls_anti_replay_enable(session_, ctx_.anti_replay());
    // RFC 9001 §4.6.1: max_early_data_size in the ticket must be 0xffffffff.
    if (gnutls_record_set_max_early_data_size(session_, 0xffffffffu) < 0)
      return Error::local("cannot enable early data");
  }
  return ok_status();
}

Status TlsSession::configure_client(TlsSessionOptions& opts) {
  // GnuTLS keeps a pointer to the verification name: the session owns it.
  server_name_ = std::move(opts.server_name);
  const std::string& name = server_name_;
  if (!name.empty() &&
      gnutls_server_name_set(session_, GNUTLS_NAME_DNS, name.data(), name.size()) < 0)
    return Error::local("cannot set the server name");
  if (!ctx_.insecure()) gnutls_session_set_verify_cert(session_, name.empty() ? nullptr : name.c_str(), 0);
  if (!opts.resume.empty() &&
      gnutls_session_set_data(session_, opts.resume.data(), opts.resume.size()) < 0)
    return Error::local("stored session ticket is unusable");
  return ok_status();
}

Status TlsSession::fail(int rv) {
  if (has_pending_) return pending_;
  if (alert_ < 0) gnutls_alert_send_appropriate(session_, rv);  // fills alert_ via on_alert_cb
  const std::uint8_t alert = alert_ >= 0 ? static_cast<std::uint8_t>(alert_) : kAlertInternalError;
  return Error{ErrorKind::transport, crypto_error_code(alert), 0, "TLS handshake failed"};
}

Status TlsSession::drive_handshake() {
  if (complete_) return ok_status();
  const int rv = gnutls_handshake(session_);
  if (rv == 0) {
    complete_ = true;
    if (!peer_tp_seen_)  // RFC 9001 §8.2: the extension is mandatory
      return Error{ErrorKind::transport, crypto_error_code(109), 0,
                   "peer sent no quic_transport_parameters"};  // missing_extension
    return ok_status();
  }
  if (has_pending_ || gnutls_error_is_fatal(rv)) return fail(rv);
  return ok_status();  // GNUTLS_E_AGAIN / INTERRUPTED: needs more data
}

Status TlsSession::start() {
  if (ctx_.role() != TlsRole::client) return Error::local("start() is for clients");
  return drive_handshake();
}

Status TlsSession::provide(wire::EncryptionLevel level, ByteSpan data) {
  if (!data.empty()) {
    const int rv = gnutls_handshake_write(session_, to_gnutls(level), data.data(), data.size());
    if (rv < 0 && (has_pending_ || gnutls_error_is_fatal(rv))) return fail(rv);
  }
  return drive_handshake();
}

Status TlsSession::send_session_ticket() {
  if (ctx_.role() != TlsRole::server || !complete_) return Error::local("no ticket before handshake");
  const int rv = gnutls_session_ticket_send(session_, 1, 0);
  if (rv < 0) return has_pending_ ? pending_ : Error::local("cannot send a session ticket");
  return ok_status();
}

bool TlsSession::is_resumed() const { return gnutls_session_is_resumed(session_) != 0; }

bool TlsSession::early_data_accepted() const {
  return !early_refused_ && (gnutls_session_get_flags(session_) & GNUTLS_SFLAGS_EARLY_DATA) != 0;
}

// The suite whose keys a secret at `level` is for. gnutls_cipher_get()
// names the cipher of the current read epoch: on a server reading 0-RTT
// that is still the ticket's suite when the handshake secrets arrive, so
// the handshake and 1-RTT levels use the suite the ServerHello named.
std::uint16_t TlsSession::suite_for(gnutls_record_encryption_level_t level) const {
  if (level == GNUTLS_ENCRYPTION_LEVEL_EARLY) return suite_of(gnutls_early_cipher_get(session_));
  if (negotiated_suite_ != 0) return suite_of_tls_id(negotiated_suite_);
  return suite_of(gnutls_cipher_get(session_));
}

// RFC 8446 §4.2.10: 0-RTT is usable only under the suite of the ticket.
// When the handshake picked another suite (same hash, so the PSK was still
// accepted) GnuTLS 3.7 accepts the early data anyway; both sides treat it
// as rejected instead: the server drops the 0-RTT keys it had, the client
// sends again in 1-RTT what it sent in 0-RTT.
void TlsSession::check_early_suite(std::uint16_t handshake_suite) {
  if (early_suite_ == 0 || early_suite_ == handshake_suite) return;
  early_refused_ = true;
  if (ctx_.role() == TlsRole::server) sink_.on_early_data_refused();
}

std::string_view TlsSession::alpn() const {
  gnutls_datum_t p{nullptr, 0};
  if (gnutls_alpn_get_selected_protocol(session_, &p) < 0) return {};
  return std::string_view(reinterpret_cast<const char*>(p.data), p.size);
}

std::uint16_t TlsSession::cipher_suite() const { return suite_of(gnutls_cipher_get(session_)); }

}  // namespace tquic::crypto
