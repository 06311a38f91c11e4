// One connection's TLS 1.3 handshake, driven through GnuTLS's QUIC API
// (RFC 9001 §4). TLS never sees a socket: the transport feeds it the bytes
// of CRYPTO frames per encryption level and receives, through TlsEventSink,
// the handshake bytes to send, the traffic secrets as they become available,
// and the peer's transport parameters. All calls are synchronous; the sink
// is invoked from inside provide()/start() only.
#pragma once

#include <gnutls/gnutls.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "crypto/tls/tls_context.h"
#include "wire/encryption_level.h"

namespace tquic::crypto {

// TLS 1.3 cipher suite ids (RFC 8446 §B.4) as negotiated for QUIC.
inline constexpr std::uint16_t kTlsAes128GcmSha256 = 0x1301;
inline constexpr std::uint16_t kTlsAes256GcmSha384 = 0x1302;
inline constexpr std::uint16_t kTlsChacha20Poly1305Sha256 = 0x1303;

enum class SecretDirection { read, write };

class TlsEventSink {
 public:
  // Handshake bytes to carry in CRYPTO frames at `level`, in order.
  virtual Status on_handshake_data(wire::EncryptionLevel level, ByteSpan data) = 0;
  // A traffic secret for `level` is ready (RFC 9001 §5.1 derives keys from it).
  virtual Status on_secret(wire::EncryptionLevel level, SecretDirection dir,
                           std::uint16_t cipher_suite, ByteSpan secret) = 0;
  // The peer's quic_transport_parameters extension (RFC 9001 §8.2).
  virtual Status on_peer_transport_parameters(ByteSpan encoded) = 0;
  // Client: a NewSessionTicket arrived; `session` resumes a later connection.
  virtual void on_session_ticket(ByteSpan session) { (void)session; }
  // Server: the 0-RTT keys given earlier must not be used after all (the
  // handshake chose another suite than the ticket's); drop them.
  virtual void on_early_data_refused() {}

 protected:
  ~TlsEventSink() = default;
};

struct TlsSessionOptions {
  std::vector<std::uint8_t> local_transport_parameters;  // encoded
  std::string server_name;            // client: SNI and name to verify
  std::vector<std::uint8_t> resume;   // client: a session from on_session_ticket
};

class TlsSession {
 public:
  static Result<std::unique_ptr<TlsSession>> create(const TlsContext& ctx, TlsEventSink& sink,
                                                    TlsSessionOptions opts);
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Client: produce the ClientHello (and 0-RTT secrets if resuming).
  Status start();
  // Bytes received in CRYPTO frames at `level`, contiguous and in order.
  Status provide(wire::EncryptionLevel level, ByteSpan data);
  // Server: send a NewSessionTicket (at the 1-RTT level) after the handshake.
  Status send_session_ticket();
  // Replaces the encoded transport parameters not yet sent. A server may
  // call it from on_peer_transport_parameters: its parameters go out in
  // EncryptedExtensions, built after the ClientHello was read (RFC 9368
  // compatible version negotiation fills in the negotiated version there).
  void set_local_transport_parameters(std::vector<std::uint8_t> encoded) { local_tp_ = std::move(encoded); }

  bool handshake_complete() const { return complete_; }
  bool is_resumed() const;
  bool early_data_accepted() const;   // after the handshake
  bool early_data_attempted() const { return early_attempted_; }  // client
  std::string_view alpn() const;
  std::uint16_t cipher_suite() const;
  gnutls_session_t native() const { return session_; }

 private:
  TlsSession(const TlsContext& ctx, TlsEventSink& sink) : ctx_(ctx), sink_(sink) {}
  Status configure(TlsSessionOptions& opts);
  Status configure_server();
  Status configure_client(TlsSessionOptions& opts);
  Status drive_handshake();
  Status fail(int gnutls_rv);

  static int on_secret_cb(gnutls_session_t, gnutls_record_encryption_level_t, const void*,
                          const void*, size_t);
  static int on_read_cb(gnutls_session_t, gnutls_record_encryption_level_t,
                        gnutls_handshake_description_t, const void*, size_t);
  static int on_alert_cb(gnutls_session_t, gnutls_record_encryption_level_t, gnutls_alert_level_t,
                         gnutls_alert_description_t);
  static int on_tp_recv_cb(gnutls_session_t, const unsigned char*, size_t);
  static int on_tp_send_cb(gnutls_session_t, gnutls_buffer_t);
  static int on_keylog_cb(gnutls_session_t, const char*, const gnutls_datum_t*);
  static int on_handshake_hook(gnutls_session_t, unsigned, unsigned, unsigned, const gnutls_datum_t*);
  std::uint16_t suite_for(gnutls_record_encryption_level_t level) const;
  void check_early_suite(std::uint16_t handshake_suite);

  const TlsContext& ctx_;
  TlsEventSink& sink_;
  gnutls_session_t session_ = nullptr;
  std::vector<std::uint8_t> local_tp_;
  std::string server_name_;
  bool complete_ = false;
  bool early_attempted_ = false;
  bool peer_tp_seen_ = false;
  std::uint16_t negotiated_suite_ = 0;  // from the ServerHello, once sent or read
  std::uint16_t early_suite_ = 0;       // the 0-RTT keys' suite (the ticket's)
  bool early_refused_ = false;          // server: 0-RTT keys dropped, suite changed
  int alert_ = -1;                // alert TLS wants to send, if any
  Error pending_{};               // first error raised inside a callback
  bool has_pending_ = false;
};

// TLS alert -> QUIC CRYPTO_ERROR (RFC 9001 §4.8).
constexpr std::uint64_t crypto_error_code(std::uint8_t alert) { return 0x100u + alert; }

}  // namespace tquic::crypto
