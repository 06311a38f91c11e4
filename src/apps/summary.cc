#include "apps/summary.h"

#include <cstdio>

#include "crypto/tls/tls_session.h"
#include "h3/h3_error.h"
#include "wire/version.h"

namespace tquic::apps {
namespace {

std::string printf_string(const char* fmt, double a, const char* unit) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, a, unit);
  return buf;
}

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

double millis(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1000) return std::to_string(bytes) + " B";
  static constexpr const char* kUnits[] = {"kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes) / 1000.0;
  std::size_t u = 0;
  while (v >= 1000.0 && u + 1 < std::size(kUnits)) v /= 1000.0, ++u;
  return printf_string(v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, kUnits[u]);
}

std::string format_rate(std::uint64_t bytes, Duration elapsed) {
  if (elapsed <= Duration::zero()) return "-";
  double bps = static_cast<double>(bytes) * 8.0 / seconds(elapsed);
  static constexpr const char* kUnits[] = {"bit/s", "kbit/s", "Mbit/s", "Gbit/s"};
  std::size_t u = 0;
  while (bps >= 1000.0 && u + 1 < std::size(kUnits)) bps /= 1000.0, ++u;
  return printf_string(bps < 10 ? "%.2f %s" : bps < 100 ? "%.1f %s" : "%.0f %s", bps, kUnits[u]);
}

std::string format_seconds(Duration d) {
  if (d < 1s) return printf_string("%.1f %s", millis(d), "ms");
  return printf_string("%.2f %s", seconds(d), "s");
}

std::string cipher_suite_name(std::uint16_t id) {
  switch (id) {
    case 0: return "-";
    case crypto::kTlsAes128GcmSha256: return "TLS_AES_128_GCM_SHA256";
    case crypto::kTlsAes256GcmSha384: return "TLS_AES_256_GCM_SHA384";
    case crypto::kTlsChacha20Poly1305Sha256: return "TLS_CHACHA20_POLY1305_SHA256";
    default: break;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%04x", id);
  return buf;
}

std::string quic_version_name(std::uint32_t version) {
  if (version == 0) return "-";  // no connection got that far
  if (version == wire::kQuicVersion1) return "v1";
  if (version == wire::kQuicVersion2) return "v2";
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", version);
  return buf;
}

std::string describe_close(const transport::CloseInfo& info) {
  if (info.idle_timeout) return "idle timeout (no answer from the server)";
  if (info.stateless_reset) return "stateless reset from the server";
  char code[96];
  if (info.is_application)
    std::snprintf(code, sizeof code, "application error 0x%llx (%s)", static_cast<unsigned long long>(info.error_code),
                  h3::h3_error_name(info.error_code));
  else if (info.error_code >= 0x100 && info.error_code <= 0x1ff)
    std::snprintf(code, sizeof code, "CRYPTO_ERROR 0x%llx (TLS alert %llu)",
                  static_cast<unsigned long long>(info.error_code),
                  static_cast<unsigned long long>(info.error_code - 0x100));
  else
    std::snprintf(code, sizeof code, "transport error 0x%llx", static_cast<unsigned long long>(info.error_code));
  std::string out = std::string(info.by_peer ? "closed by the peer with " : "closed locally with ") + code;
  if (!info.reason.empty()) out += ": " + info.reason.substr(0, 120);
  return out;
}

std::string format_summary(const TransferSummary& s) {
  const auto& st = s.stats;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "tquic %s: %zu file%s%s, %s in %s = %s; packets sent %llu, lost %llu, retransmitted %llu; "
                "RTT %.1f ms (min %.1f ms); %s, QUIC %s, %s, engine %s",
                s.command.c_str(), s.files_ok, s.files_ok == 1 ? "" : "s",
                s.files_failed ? (" (" + std::to_string(s.files_failed) + " failed)").c_str() : "",
                format_bytes(s.bytes).c_str(), format_seconds(s.elapsed).c_str(),
                format_rate(s.bytes, s.elapsed).c_str(), static_cast<unsigned long long>(st.packets_sent),
                static_cast<unsigned long long>(st.packets_lost),
                static_cast<unsigned long long>(st.packets_retransmitted), millis(st.smoothed_rtt),
                millis(st.min_rtt), cipher_suite_name(s.cipher_suite).c_str(),
                quic_version_name(s.version).c_str(),
                std::string(transport::congestion_control_algorithm_name(s.cc)).c_str(),
                io::engine_kind_name(s.engine));
  std::string out = buf;
  if (s.resumed) out += "; resumed";
  if (s.early_data_sent) out += s.early_data_accepted ? ", 0-RTT accepted" : ", 0-RTT rejected";
  if (st.key_updates > 0) out += "; key updates " + std::to_string(st.key_updates);
  if (!s.note.empty()) out += "; " + s.note;
  return out;
}

std::string format_progress(std::string_view command, std::uint64_t bytes, std::uint64_t total_bytes,
                            std::size_t files_done, std::size_t files, Duration elapsed) {
  std::string out = "tquic " + std::string(command) + ": " + format_bytes(bytes);
  if (total_bytes > 0) {
    char pct[32];
    std::snprintf(pct, sizeof pct, " of %s (%.0f%%)", format_bytes(total_bytes).c_str(),
                  100.0 * static_cast<double>(bytes) / static_cast<double>(total_bytes));
    out += pct;
  }
  out += ", " + std::to_string(files_done) + " of " + std::to_string(files) + " file" + (files == 1 ? "" : "s");
  out += ", " + format_rate(bytes, elapsed);
  return out;
}

}  // namespace tquic::apps
