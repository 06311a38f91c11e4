// ALPN protocol identifiers for the HTTP mappings tquic speaks
// (RFC 9114 §3.1 and §11.1 for "h3"; "hq-interop" is HTTP/0.9 over QUIC as
// used by the QUIC interop runner, see hq_interop.h).
#pragma once

#include <string_view>

namespace tquic::h3 {

inline constexpr std::string_view kAlpnH3 = "h3";
inline constexpr std::string_view kAlpnHqInterop = "hq-interop";

}  // namespace tquic::h3
