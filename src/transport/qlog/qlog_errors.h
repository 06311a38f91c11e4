// qlog names for QUIC error codes (draft-ietf-quic-qlog-quic-events
// "TransportError", "CryptoError", "ApplicationError").
#pragma once

#include <cstdint>
#include <string_view>

#include "transport/qlog/json_writer.h"

namespace tquic::transport::qlog {

// The $TransportError name of an RFC 9000 §20.1 code; empty for CRYPTO_ERROR
// codes (0x100-0x1ff) and codes qlog has no name for.
std::string_view transport_error_name(std::uint64_t code);

// Writes the error as qlog wants it under `error_key`: a transport error's
// name, "crypto_error_0x1XX" for TLS alerts, or "unknown" followed by an
// "error_code" member with the numeric value (application errors always).
void write_error(JsonWriter& w, std::string_view error_key, bool is_application, std::uint64_t code);

}  // namespace tquic::transport::qlog
