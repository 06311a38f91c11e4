#include "apps/command_support.h"

#include <cstdio>

#include "apps/commands.h"

namespace tquic::apps {

int setup_failure(const char* command, const std::string& message) {
  std::fprintf(stderr, "tquic %s: %s\n", command, message.c_str());
  return kExitUsage;
}

bool open_key_log(const std::string& option, std::unique_ptr<runtime::KeyLogFile>& out, std::string& error) {
  const std::string path = runtime::key_log_path(option);
  if (path.empty()) return true;
  out = runtime::KeyLogFile::open(path, error);
  if (!out) error = (option.empty() ? "SSLKEYLOGFILE: " : "--keylog: ") + error;
  return out != nullptr;
}

bool open_qlog(const std::string& dir, std::unique_ptr<runtime::QlogDirectory>& out, std::string& error) {
  if (dir.empty()) return true;
  out = runtime::QlogDirectory::create(dir, error);
  if (!out) error = "--qlog: " + error;
  return out != nullptr;
}

NetAddress wildcard_address(AddressFamily family) {
  return family == AddressFamily::ipv6 ? NetAddress::ipv6({}, 0) : NetAddress::ipv4({0, 0, 0, 0}, 0);
}

std::string engine_description(const runtime::UdpNode& node) {
  std::string s = std::string("engine ") + io::engine_kind_name(node.engine_kind());
  if (!node.engine_fallback_reason().empty()) s += " (io_uring unavailable: " + node.engine_fallback_reason() + ")";
  return s;
}

}  // namespace tquic::apps
