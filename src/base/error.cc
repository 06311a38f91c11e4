#include "base/error.h"

namespace tquic {

const char* transport_error_name(std::uint64_t code) {
  using C = TransportErrorCode;
  if (code >= 0x100 && code <= 0x1ff) return "CRYPTO_ERROR";
  switch (static_cast<C>(code)) {
    case C::NO_ERROR: return "NO_ERROR";
    case C::INTERNAL_ERROR: return "INTERNAL_ERROR";
    case C::CONNECTION_REFUSED: return "CONNECTION_REFUSED";
    case C::FLOW_CONTROL_ERROR: return "FLOW_CONTROL_ERROR";
    case C::STREAM_LIMIT_ERROR: return "STREAM_LIMIT_ERROR";
    case C::STREAM_STATE_ERROR: return "STREAM_STATE_ERROR";
    case C::FINAL_SIZE_ERROR: return "FINAL_SIZE_ERROR";
    case C::FRAME_ENCODING_ERROR: return "FRAME_ENCODING_ERROR";
    case C::TRANSPORT_PARAMETER_ERROR: return "TRANSPORT_PARAMETER_ERROR";
    case C::CONNECTION_ID_LIMIT_ERROR: return "CONNECTION_ID_LIMIT_ERROR";
    case C::PROTOCOL_VIOLATION: return "PROTOCOL_VIOLATION";
    case C::INVALID_TOKEN: return "INVALID_TOKEN";
    case C::APPLICATION_ERROR: return "APPLICATION_ERROR";
    case C::CRYPTO_BUFFER_EXCEEDED: return "CRYPTO_BUFFER_EXCEEDED";
    case C::KEY_UPDATE_ERROR: return "KEY_UPDATE_ERROR";
    case C::AEAD_LIMIT_REACHED: return "AEAD_LIMIT_REACHED";
    case C::NO_VIABLE_PATH: return "NO_VIABLE_PATH";
    case C::VERSION_NEGOTIATION_ERROR: return "VERSION_NEGOTIATION_ERROR";
    case C::APPLICATION_ABANDON_PATH: return "APPLICATION_ABANDON_PATH";
    case C::PATH_RESOURCE_LIMIT_REACHED: return "PATH_RESOURCE_LIMIT_REACHED";
    case C::PATH_UNSTABLE_OR_POOR: return "PATH_UNSTABLE_OR_POOR";
    case C::NO_CID_AVAILABLE_FOR_PATH: return "NO_CID_AVAILABLE_FOR_PATH";
    default: return "UNKNOWN_ERROR";
  }
}

}  // namespace tquic
