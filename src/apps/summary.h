// The one-line summaries every run ends with, and the pieces they are made
// of. Pure formatting: unit tested without sockets.
#pragma once

#include <cstdint>
#include <string>

#include "base/time.h"
#include "io/engine_select.h"
#include "transport/cc/congestion_controller.h"
#include "transport/connection/connection.h"
#include "transport/connection/connection_stats.h"

namespace tquic::apps {

// "0 B", "1 B", "999 B", "1.00 kB", "10.5 MB", "1.23 GB" (decimal units).
std::string format_bytes(std::uint64_t bytes);
// "12.3 Mbit/s", "1.25 Gbit/s", "830 kbit/s"; "-" for a zero duration.
std::string format_rate(std::uint64_t bytes, Duration elapsed);
// "0.52 s", "12.3 ms".
std::string format_seconds(Duration d);
// "TLS_AES_128_GCM_SHA256"; "-" for 0, hex for others.
std::string cipher_suite_name(std::uint16_t tls_id);
// "v1", "v2", or the hex value.
std::string quic_version_name(std::uint32_t version);
// Why a connection ended, for one line: "closed by the server with
// 0x12a (TLS alert 42): ...", "idle timeout", "stateless reset".
std::string describe_close(const transport::CloseInfo& info);

struct TransferSummary {
  std::string command;           // "get", "demo"
  std::size_t files_ok = 0;
  std::size_t files_failed = 0;
  std::uint64_t bytes = 0;       // response body bytes received
  Duration elapsed{};
  transport::ConnectionStats stats;
  std::uint16_t cipher_suite = 0;
  std::uint32_t version = 0;
  transport::CongestionControlAlgorithm cc = transport::CongestionControlAlgorithm::cubic;
  io::EngineKind engine = io::EngineKind::mmsg;
  bool resumed = false;
  bool early_data_sent = false;      // requests went out as 0-RTT
  bool early_data_accepted = false;
  std::string note;              // appended after "; " when not empty
};

// "tquic get: 3 files, 1.05 MB in 0.52 s = 16.1 Mbit/s; packets sent 120,
// lost 0, retransmitted 0; RTT 20.3 ms (min 20.1 ms); TLS_AES_128_GCM_SHA256,
// QUIC v1, bbr3, engine mmsg[; resumed[, 0-RTT accepted|rejected]][; key updates 1][; note]"
std::string format_summary(const TransferSummary& s);

// "tquic get: 45.3 MB, 2 of 3 files, 812 Mbit/s" (no newline).
std::string format_progress(std::string_view command, std::uint64_t bytes, std::uint64_t total_bytes,
                            std::size_t files_done, std::size_t files, Duration elapsed);

}  // namespace tquic::apps
