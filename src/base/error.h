// Error vocabulary shared by the whole stack.
//
// Three kinds of outcome are kept apart (DESIGN.md "Errors and names"):
//  - transport errors: the peer broke the protocol; they become a
//    CONNECTION_CLOSE carrying `code`, `frame_type` and `reason`;
//  - local errors: something on our side cannot continue (bad key, out of
//    pool memory, caller misuse);
//  - non-errors: "blocked" / "would block" — try again later, nothing wrong.
//
// `reason` always points at a string literal: building an Error never
// allocates, so errors are cheap to return on the hot path.
#pragma once

#include <cstdint>

namespace tquic {

// RFC 9000 §20.1 transport error codes, plus the multipath additions
// (draft-ietf-quic-multipath §"Error Codes").
enum class TransportErrorCode : std::uint64_t {
  NO_ERROR = 0x00,
  INTERNAL_ERROR = 0x01,
  CONNECTION_REFUSED = 0x02,
  FLOW_CONTROL_ERROR = 0x03,
  STREAM_LIMIT_ERROR = 0x04,
  STREAM_STATE_ERROR = 0x05,
  FINAL_SIZE_ERROR = 0x06,
  FRAME_ENCODING_ERROR = 0x07,
  TRANSPORT_PARAMETER_ERROR = 0x08,
  CONNECTION_ID_LIMIT_ERROR = 0x09,
  PROTOCOL_VIOLATION = 0x0a,
  INVALID_TOKEN = 0x0b,
  APPLICATION_ERROR = 0x0c,
  CRYPTO_BUFFER_EXCEEDED = 0x0d,
  KEY_UPDATE_ERROR = 0x0e,
  AEAD_LIMIT_REACHED = 0x0f,
  NO_VIABLE_PATH = 0x10,
  VERSION_NEGOTIATION_ERROR = 0x11,  // RFC 9368 §10.2
  CRYPTO_ERROR_BASE = 0x0100,        // 0x0100-0x01ff: TLS alert + 0x100
  // draft-ietf-quic-multipath, "Error Codes"
  APPLICATION_ABANDON_PATH = 0x3e,
  PATH_RESOURCE_LIMIT_REACHED = 0x3e75,
  PATH_UNSTABLE_OR_POOR = 0x3e76,
  NO_CID_AVAILABLE_FOR_PATH = 0x3e77,
};

enum class ErrorKind : std::uint8_t {
  transport,  // close the connection with `code`
  local,      // fatal on our side; close with INTERNAL_ERROR if a peer exists
  blocked,    // not an error: no room / no credit / nothing to do yet
};

struct Error {
  ErrorKind kind = ErrorKind::local;
  std::uint64_t code = 0;        // TransportErrorCode value for transport errors
  std::uint64_t frame_type = 0;  // frame that triggered it, 0 if none
  const char* reason = "";       // string literal, never owned

  static constexpr Error transport(TransportErrorCode c, const char* why,
                                   std::uint64_t frame = 0) {
    return Error{ErrorKind::transport, static_cast<std::uint64_t>(c), frame, why};
  }
  static constexpr Error local(const char* why) {
    return Error{ErrorKind::local, 0, 0, why};
  }
  static constexpr Error blocked(const char* why) {
    return Error{ErrorKind::blocked, 0, 0, why};
  }

  constexpr TransportErrorCode transport_code() const {
    return static_cast<TransportErrorCode>(code);
  }
  constexpr bool is_transport(TransportErrorCode c) const {
    return kind == ErrorKind::transport && code == static_cast<std::uint64_t>(c);
  }
};

// Human-readable RFC name of a transport error code ("FRAME_ENCODING_ERROR").
const char* transport_error_name(std::uint64_t code);

}  // namespace tquic
