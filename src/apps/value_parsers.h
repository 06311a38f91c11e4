// Checks for option values, shared by the command line and the serve
// configuration file. Each returns false with a one-line `error` that names
// the option, quotes the value, and says what would be accepted; the caller
// prefixes "tquic <command>: ".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/net_address.h"
#include "base/time.h"
#include "io/engine_select.h"
#include "transport/cc/congestion_controller.h"

namespace tquic::apps {

bool parse_cc(std::string_view option, std::string_view text, transport::CongestionControlAlgorithm& out,
              std::string& error);
bool parse_engine(std::string_view option, std::string_view text, io::EngineKind& out, std::string& error);
// "aes128gcm,aes256gcm,chacha20" (any subset, in preference order) -> the
// GnuTLS priority fragment "+AES-128-GCM:+AES-256-GCM:+CHACHA20-POLY1305".
// `suites` receives the TLS ids (0x1301, 0x1302, 0x1303) in the same order.
bool parse_ciphers(std::string_view option, std::string_view text, std::string& priority,
                   std::vector<std::uint16_t>& suites, std::string& error);
// "v1" or "v2" (RFC 9000, RFC 9369).
bool parse_quic_version(std::string_view option, std::string_view text, std::uint32_t& out, std::string& error);
// "v2,v1": accepted versions, most preferred first, each once.
bool parse_quic_versions(std::string_view option, std::string_view text, std::vector<std::uint32_t>& out,
                         std::string& error);
// "hq-interop" or a comma-separated list, each 1 to 255 printable bytes.
bool parse_alpn_list(std::string_view option, std::string_view text, std::vector<std::string>& out,
                     std::string& error);
// "10MB", "1.5GB", "512KiB", "0" is refused; decimal KB/MB/GB, binary KiB/MiB/GiB.
bool parse_byte_size(std::string_view option, std::string_view text, std::uint64_t& out, std::string& error);
// A whole number in [min, max] ("4", "1000").
bool parse_count(std::string_view option, std::string_view text, std::uint64_t min, std::uint64_t max,
                 std::uint64_t& out, std::string& error);
// A duration in seconds: "10", "2.5", "10s", "500ms"; above 0 (or 0 when
// `allow_zero`) and at most one day.
bool parse_seconds(std::string_view option, std::string_view text, bool allow_zero, Duration& out, std::string& error);
// Events per second: "1000" or "1000/s", above 0 and at most 10 million.
bool parse_rate(std::string_view option, std::string_view text, double& out, std::string& error);
// "IP:PORT" or "[IPv6]:PORT" to listen on.
bool parse_listen_address(std::string_view option, std::string_view text, NetAddress& out, std::string& error);
// tquic-relay's duration and loss syntax ("20ms", "1%").
bool parse_relay_delay(std::string_view option, std::string_view text, std::string& error);
bool parse_relay_loss(std::string_view option, std::string_view text, std::string& error);

// The file exists and can be opened for reading (not a directory). `hint`
// ends the message: "pass a PEM CA file or --insecure".
bool check_readable_file(std::string_view option, const std::string& path, std::string_view hint, std::string& error);
// The directory exists (and is one).
bool check_directory(std::string_view option, const std::string& path, std::string_view hint, std::string& error);
// Creates the directory (and parents) if missing; it must end up writable.
bool ensure_directory(std::string_view option, const std::string& path, std::string& error);

// Text shown in errors: control characters replaced, at most 80 bytes.
std::string quote_value(std::string_view value);

}  // namespace tquic::apps
