// Whether an HTTP/3 error ends the connection or only one stream (RFC 9114
// §8). Errors travel as tquic::Error{transport, H3 code}; the scope follows
// from the code, because the h3 modules use each code in one scope only:
//  - stream errors (RESET_STREAM / STOP_SENDING on that request stream):
//    H3_NO_ERROR, H3_REQUEST_REJECTED, H3_REQUEST_CANCELLED,
//    H3_REQUEST_INCOMPLETE, H3_MESSAGE_ERROR (malformed message, §4.1.2),
//    H3_CONNECT_ERROR;
//  - everything else (frame/settings/ID/critical-stream/QPACK/datagram
//    errors, local errors): CONNECTION_CLOSE with the code (application
//    close for H3 codes, INTERNAL_ERROR / H3_INTERNAL_ERROR for local ones).
#pragma once

#include <cstdint>

#include "base/error.h"
#include "h3/h3_error.h"

namespace tquic::h3 {

enum class ErrorScope : std::uint8_t { connection, stream };

constexpr ErrorScope error_scope(const Error& e) {
  if (e.kind != ErrorKind::transport) return ErrorScope::connection;
  switch (static_cast<H3Error>(e.code)) {
    case H3Error::H3_NO_ERROR:
    case H3Error::H3_REQUEST_REJECTED:
    case H3Error::H3_REQUEST_CANCELLED:
    case H3Error::H3_REQUEST_INCOMPLETE:
    case H3Error::H3_MESSAGE_ERROR:
    case H3Error::H3_CONNECT_ERROR:
      return ErrorScope::stream;
    default: return ErrorScope::connection;
  }
}

constexpr bool is_stream_error(const Error& e) { return error_scope(e) == ErrorScope::stream; }

}  // namespace tquic::h3
