// HTTP/3 and QPACK error codes (RFC 9114 §8.1, RFC 9204 §6, RFC 9297 §5.2).
//
// These are *application* error codes: on the wire they travel in a
// CONNECTION_CLOSE frame of type 0x1d (application close) or in
// RESET_STREAM / STOP_SENDING, never in a transport CONNECTION_CLOSE (0x1c).
// The h3 layer still reports them through tquic::Error with
// kind == ErrorKind::transport ("the peer broke the protocol, close with
// `code`"): whoever turns the Error into a frame must use the application
// close (0x1d) for codes produced here.
#pragma once

#include <cstdint>

#include "base/error.h"

namespace tquic::h3 {

enum class H3Error : std::uint64_t {
  // RFC 9114 §8.1
  H3_NO_ERROR = 0x0100,
  H3_GENERAL_PROTOCOL_ERROR = 0x0101,
  H3_INTERNAL_ERROR = 0x0102,
  H3_STREAM_CREATION_ERROR = 0x0103,
  H3_CLOSED_CRITICAL_STREAM = 0x0104,
  H3_FRAME_UNEXPECTED = 0x0105,
  H3_FRAME_ERROR = 0x0106,
  H3_EXCESSIVE_LOAD = 0x0107,
  H3_ID_ERROR = 0x0108,
  H3_SETTINGS_ERROR = 0x0109,
  H3_MISSING_SETTINGS = 0x010a,
  H3_REQUEST_REJECTED = 0x010b,
  H3_REQUEST_CANCELLED = 0x010c,
  H3_REQUEST_INCOMPLETE = 0x010d,
  H3_MESSAGE_ERROR = 0x010e,
  H3_CONNECT_ERROR = 0x010f,
  H3_VERSION_FALLBACK = 0x0110,
  // RFC 9204 §6
  QPACK_DECOMPRESSION_FAILED = 0x0200,
  QPACK_ENCODER_STREAM_ERROR = 0x0201,
  QPACK_DECODER_STREAM_ERROR = 0x0202,
  // RFC 9297 §5.2 (HTTP Datagrams)
  H3_DATAGRAM_ERROR = 0x33,
};

// An Error carrying an HTTP/3 application error code (see the note above:
// kind is `transport`, the close frame must be the application one, 0x1d).
constexpr Error h3_error(H3Error code, const char* why) {
  return Error{ErrorKind::transport, static_cast<std::uint64_t>(code), 0, why};
}

constexpr bool is_h3_error(const Error& e, H3Error code) {
  return e.kind == ErrorKind::transport && e.code == static_cast<std::uint64_t>(code);
}

// RFC name of an HTTP/3 / QPACK error code ("H3_FRAME_ERROR"), for logs.
// Unknown codes (including the reserved 0x1f * N + 0x21 values, RFC 9114
// §8.1) give "H3_UNKNOWN_ERROR".
constexpr const char* h3_error_name(std::uint64_t code) {
  using E = H3Error;
  switch (static_cast<E>(code)) {
    case E::H3_NO_ERROR: return "H3_NO_ERROR";
    case E::H3_GENERAL_PROTOCOL_ERROR: return "H3_GENERAL_PROTOCOL_ERROR";
    case E::H3_INTERNAL_ERROR: return "H3_INTERNAL_ERROR";
    case E::H3_STREAM_CREATION_ERROR: return "H3_STREAM_CREATION_ERROR";
    case E::H3_CLOSED_CRITICAL_STREAM: return "H3_CLOSED_CRITICAL_STREAM";
    case E::H3_FRAME_UNEXPECTED: return "H3_FRAME_UNEXPECTED";
    case E::H3_FRAME_ERROR: return "H3_FRAME_ERROR";
    case E::H3_EXCESSIVE_LOAD: return "H3_EXCESSIVE_LOAD";
    case E::H3_ID_ERROR: return "H3_ID_ERROR";
    case E::H3_SETTINGS_ERROR: return "H3_SETTINGS_ERROR";
    case E::H3_MISSING_SETTINGS: return "H3_MISSING_SETTINGS";
    case E::H3_REQUEST_REJECTED: return "H3_REQUEST_REJECTED";
    case E::H3_REQUEST_CANCELLED: return "H3_REQUEST_CANCELLED";
    case E::H3_REQUEST_INCOMPLETE: return "H3_REQUEST_INCOMPLETE";
    case E::H3_MESSAGE_ERROR: return "H3_MESSAGE_ERROR";
    case E::H3_CONNECT_ERROR: return "H3_CONNECT_ERROR";
    case E::H3_VERSION_FALLBACK: return "H3_VERSION_FALLBACK";
    case E::QPACK_DECOMPRESSION_FAILED: return "QPACK_DECOMPRESSION_FAILED";
    case E::QPACK_ENCODER_STREAM_ERROR: return "QPACK_ENCODER_STREAM_ERROR";
    case E::QPACK_DECODER_STREAM_ERROR: return "QPACK_DECODER_STREAM_ERROR";
    case E::H3_DATAGRAM_ERROR: return "H3_DATAGRAM_ERROR";
  }
  return "H3_UNKNOWN_ERROR";
}

}  // namespace tquic::h3
