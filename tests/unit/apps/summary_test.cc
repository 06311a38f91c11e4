#include <gtest/gtest.h>

#include "apps/progress_line.h"
#include "apps/summary.h"
#include "crypto/tls/tls_session.h"
#include "wire/version.h"

namespace tquic::apps {
namespace {

TEST(Summary, Units) {
  EXPECT_EQ(format_bytes(0), "0 B");
  EXPECT_EQ(format_bytes(999), "999 B");
  EXPECT_EQ(format_bytes(1000), "1.00 kB");
  EXPECT_EQ(format_bytes(10'500'000), "10.5 MB");
  EXPECT_EQ(format_bytes(100'000'000), "100 MB");
  EXPECT_EQ(format_bytes(1'230'000'000), "1.23 GB");
  EXPECT_EQ(format_rate(1'000'000, 1s), "8.00 Mbit/s");
  EXPECT_EQ(format_rate(125'000'000, 1s), "1.00 Gbit/s");
  EXPECT_EQ(format_rate(100, Duration::zero()), "-");
  EXPECT_EQ(format_seconds(520ms), "520.0 ms");
  EXPECT_EQ(format_seconds(2500ms), "2.50 s");
  EXPECT_EQ(cipher_suite_name(crypto::kTlsChacha20Poly1305Sha256), "TLS_CHACHA20_POLY1305_SHA256");
  EXPECT_EQ(cipher_suite_name(0x1399), "0x1399");
  EXPECT_EQ(quic_version_name(wire::kQuicVersion2), "v2");
  EXPECT_EQ(quic_version_name(0), "-");  // no connection got that far
}

TEST(Summary, OneLineWithEverythingAsked) {
  TransferSummary s;
  s.command = "get";
  s.files_ok = 3;
  s.files_failed = 1;
  s.bytes = 1'050'000;
  s.elapsed = 520ms;
  s.stats.packets_sent = 120;
  s.stats.packets_lost = 2;
  s.stats.packets_retransmitted = 1;
  s.stats.smoothed_rtt = 20300us;
  s.stats.min_rtt = 20100us;
  s.stats.key_updates = 1;
  s.cipher_suite = crypto::kTlsAes128GcmSha256;
  s.version = wire::kQuicVersion1;
  s.cc = transport::CongestionControlAlgorithm::bbr3;
  s.engine = io::EngineKind::uring;
  s.resumed = true;
  s.early_data_sent = true;
  s.early_data_accepted = true;
  s.note = "migrated to local port 5000";
  EXPECT_EQ(format_summary(s),
            "tquic get: 3 files (1 failed), 1.05 MB in 520.0 ms = 16.2 Mbit/s; packets sent 120, lost 2, "
            "retransmitted 1; RTT 20.3 ms (min 20.1 ms); TLS_AES_128_GCM_SHA256, QUIC v1, bbr3, engine uring; "
            "resumed, 0-RTT accepted; key updates 1; migrated to local port 5000");
}

TEST(Summary, ZeroRttIsReportedOnlyWhenRequestsUsedIt) {
  TransferSummary s;
  s.command = "get";
  s.resumed = true;
  s.early_data_accepted = true;  // TLS agreed, but nothing was sent early
  EXPECT_NE(format_summary(s).find("; resumed"), std::string::npos);
  EXPECT_EQ(format_summary(s).find("0-RTT"), std::string::npos);
  s.early_data_sent = true;
  s.early_data_accepted = false;
  EXPECT_NE(format_summary(s).find("; resumed, 0-RTT rejected"), std::string::npos);
}

TEST(Summary, CloseReasons) {
  transport::CloseInfo c;
  c.closed = true;
  c.idle_timeout = true;
  EXPECT_EQ(describe_close(c), "idle timeout (no answer from the server)");
  c.idle_timeout = false;
  c.by_peer = true;
  c.error_code = 0x12a;
  c.reason = "TLS handshake failed";
  EXPECT_EQ(describe_close(c), "closed by the peer with CRYPTO_ERROR 0x12a (TLS alert 42): TLS handshake failed");
  c.by_peer = false;
  c.is_application = true;
  c.error_code = 0x10c;
  c.reason.clear();
  EXPECT_EQ(describe_close(c), "closed locally with application error 0x10c (H3_REQUEST_CANCELLED)");
}

TEST(Summary, ProgressText) {
  EXPECT_EQ(format_progress("demo", 5'000'000, 10'000'000, 0, 1, 1s), "tquic demo: 5.00 MB of 10.0 MB (50%), 0 of 1 file, 40.0 Mbit/s");
  EXPECT_EQ(format_progress("get", 2000, 0, 1, 3, 1s), "tquic get: 2.00 kB, 1 of 3 files, 16.0 kbit/s");
}

TEST(ProgressLine, RateLimitedAndSilentWithoutATerminal) {
  std::FILE* sink = std::tmpfile();
  ProgressLine off(false, sink);
  EXPECT_FALSE(off.due(Timestamp{}));
  EXPECT_EQ(off.next_due(), kTimeInfinite);
  ProgressLine on(true, sink);
  const Timestamp t0 = timestamp_from_ns(1'000'000'000);
  EXPECT_TRUE(on.due(t0));
  on.draw(t0, "x");
  EXPECT_FALSE(on.due(t0 + 100ms));
  EXPECT_TRUE(on.due(t0 + ProgressLine::kInterval));
  EXPECT_EQ(on.next_due(), t0 + ProgressLine::kInterval);
  on.clear();
  std::rewind(sink);
  char buf[16] = {};
  EXPECT_EQ(std::fread(buf, 1, sizeof buf, sink), 5u);
  EXPECT_EQ(std::string(buf, 5), "\rx\r \r");
  std::fclose(sink);
}

}  // namespace
}  // namespace tquic::apps
