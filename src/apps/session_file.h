// What `tquic get --session FILE` keeps between runs to resume (RFC 8446
// §2.2 ticket, RFC 9000 §7.4.1 remembered transport parameters for 0-RTT)
// and to skip address validation (RFC 9000 §8.1.3 NEW_TOKEN token):
//
//   tquic-session 1
//   server 127.0.0.1:4433
//   cipher 1301
//   version 00000001
//   ticket <hex>
//   params <hex>
//   token <hex>
//   h3settings <hex>
//
// h3settings is the payload of the server's HTTP/3 SETTINGS frame on the
// connection that issued the ticket: a client sending requests as 0-RTT
// complies with them (RFC 9114 §7.2.4.2). Absent: the defaults apply.
//
// A state saved for another server is not used, nor a ticket whose cipher
// suite the client no longer offers (RFC 8446 §4.2.11: a PSK is offered
// only with a suite of its hash; §4.2.10: 0-RTT uses the ticket's suite),
// nor one from a connection of another QUIC version (RFC 9369 §5). The file is replaced
// atomically (write to FILE.tmp, rename), mode 0600: a ticket is a secret.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tquic::apps {

struct SessionState {
  std::string server;  // "host:port" it was saved for
  std::uint16_t cipher_suite = 0;  // TLS id of the session the ticket resumes
  std::uint32_t version = 0;       // QUIC version of the connection that issued it
  std::vector<std::uint8_t> ticket;
  std::vector<std::uint8_t> params;
  std::vector<std::uint8_t> token;
  std::vector<std::uint8_t> h3_settings;  // SETTINGS payload (empty: none received, or not h3)

  bool empty() const { return ticket.empty() && token.empty(); }
};

enum class SessionLoad : std::uint8_t { loaded, absent, invalid };

// absent: no file (a first run); invalid: `error` says what is wrong.
SessionLoad load_session(const std::string& path, SessionState& out, std::string& error);
bool save_session(const std::string& path, const SessionState& state, std::string& error);

// The text form (for tests and load/save).
std::string encode_session(const SessionState& state);
bool decode_session(const std::string& text, SessionState& out, std::string& error);

}  // namespace tquic::apps
