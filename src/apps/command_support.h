// Setup steps the subcommands share: the key log, qlog, the node, and how
// a setup failure is reported.
#pragma once

#include <memory>
#include <string>

#include "apps/options.h"
#include "endpoint/endpoint_config.h"
#include "runtime/key_log_file.h"
#include "runtime/qlog_file_sink.h"
#include "runtime/udp_node.h"

namespace tquic::apps {

// Prints "tquic <command>: <message>" to stderr; returns kExitUsage.
int setup_failure(const char* command, const std::string& message);

// The key log for --keylog FILE or $SSLKEYLOGFILE; null when neither is
// set. False with `error` when the file cannot be opened.
bool open_key_log(const std::string& option, std::unique_ptr<runtime::KeyLogFile>& out, std::string& error);

// The wildcard address of `family` with port 0 (a client's local socket).
NetAddress wildcard_address(AddressFamily family);

// qlog files in `dir` (--qlog; the directory exists by now); null when
// `dir` is empty. False with `error` when it cannot be used.
bool open_qlog(const std::string& dir, std::unique_ptr<runtime::QlogDirectory>& out, std::string& error);

// "engine uring" / "engine mmsg (io_uring unavailable: ...)".
std::string engine_description(const runtime::UdpNode& node);

// 0.0.0.0 or ::, a wildcard bind.
inline bool is_unspecified(const NetAddress& a) {
  for (std::size_t i = 0; i < a.ip_size(); ++i)
    if (a.ip[i] != 0) return false;
  return true;
}

}  // namespace tquic::apps
