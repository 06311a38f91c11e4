#include "transport/qlog/qlog_errors.h"

#include <array>

namespace tquic::transport::qlog {
namespace {

constexpr std::array<std::string_view, 0x11> kTransportErrors = {
    "no_error",           "internal_error",         "connection_refused",        "flow_control_error",
    "stream_limit_error", "stream_state_error",     "final_size_error",          "frame_encoding_error",
    "transport_parameter_error", "connection_id_limit_error", "protocol_violation", "invalid_token",
    "application_error",  "crypto_buffer_exceeded", "key_update_error",          "aead_limit_reached",
    "no_viable_path",
};

constexpr bool is_crypto_error(std::uint64_t code) { return code >= 0x100 && code <= 0x1ff; }

}  // namespace

std::string_view transport_error_name(std::uint64_t code) {
  return code < kTransportErrors.size() ? kTransportErrors[code] : std::string_view{};
}

void write_error(JsonWriter& w, std::string_view error_key, bool is_application, std::uint64_t code) {
  w.key(error_key);
  if (!is_application && is_crypto_error(code)) {
    constexpr char kHex[] = "0123456789abcdef";
    const char name[] = {'c', 'r', 'y', 'p', 't', 'o', '_', 'e', 'r', 'r', 'o', 'r', '_', '0', 'x', '1',
                         kHex[(code >> 4) & 0xf], kHex[code & 0xf]};
    w.string(std::string_view(name, sizeof name));
    return;
  }
  const std::string_view name = is_application ? std::string_view{} : transport_error_name(code);
  if (!name.empty()) {
    w.string(name);
    return;
  }
  w.string("unknown");
  w.field("error_code", code);
}

}  // namespace tquic::transport::qlog
