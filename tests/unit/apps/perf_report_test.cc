// tquic perf's output: interval lines per mode, the client summary (text
// and JSON) and the server's per-test line, from fixed results.
#include "apps/perf_report.h"

#include <gtest/gtest.h>

namespace tquic::apps {
namespace {

PerfClientResult download_result() {
  PerfClientResult r;
  r.mode = perf::Mode::down;
  r.complete = true;
  r.server = "127.0.0.1:4433";
  r.engine = "uring";
  r.cc = "bbr3";
  r.server_engine = "mmsg";
  r.server_cc = "cubic";
  r.cipher_suite = 0x1301;
  r.version = 1;
  r.connections = 2;
  r.streams = 4;
  r.elapsed = 2s;
  r.bytes_down = 2'000'000'000;
  r.client_cpu = runtime::CpuTime{1'500'000'000, 1'000'000, 500'000};
  r.have_server = true;
  r.server_cpu = runtime::CpuTime{1'000'000'000, 600'000, 400'000};
  r.server_bytes_sent = 2'000'000'000;
  r.intervals = {PerfInterval{0s, 1s, 0, 1'000'000'000, 0, 0, 0, 0}};
  return r;
}

TEST(PerfReport, IntervalLinesPerMode) {
  EXPECT_EQ(format_interval(perf::Mode::down, PerfInterval{1s, 2s, 0, 125'000'000, 0, 0, 0, 0}),
            "[  1.00-  2.00 s] down 125 MB 1.00 Gbit/s");
  EXPECT_EQ(format_interval(perf::Mode::bidi, PerfInterval{0s, 500ms, 1000, 2000, 0, 0, 0, 0}),
            "[  0.00-  0.50 s] up 1.00 kB 16.0 kbit/s down 2.00 kB 32.0 kbit/s");
  EXPECT_EQ(format_interval(perf::Mode::rr, PerfInterval{0s, 1s, 0, 0, 1000, 150'000, 400'000, 0}),
            "[  0.00-  1.00 s] 1000 requests (1000 req/s), p50 150.0 us, p99 400.0 us");
  EXPECT_EQ(format_interval(perf::Mode::handshake, PerfInterval{0s, 2s, 0, 0, 0, 0, 0, 300}),
            "[  0.00-  2.00 s] 300 handshakes (150/s)");
}

TEST(PerfReport, ClientTextNamesWhatRanAndBothCpus) {
  const PerfClientResult r = download_result();
  EXPECT_EQ(format_client_banner(r),
            "tquic perf client: 127.0.0.1:4433, mode down, 2 connections x 4 streams; TLS_AES_128_GCM_SHA256, "
            "QUIC v1, cc bbr3, engine uring (server: engine mmsg, cc cubic)");
  const std::string text = format_client_result(r);
  EXPECT_NE(text.find("tquic perf client: done; down 2.00 GB in 2.00 s = 8.00 Gbit/s; server received 0 B, sent 2.00 GB"),
            std::string::npos) << text;
  EXPECT_NE(text.find("CPU client 1.500 s (user 1.000 s, sys 0.500 s), 0.750 s per GB; server 1.000 s"), std::string::npos)
      << text;
  PerfClientResult partial = r;
  partial.complete = false;
  partial.interrupted = true;
  partial.have_server = false;
  const std::string p = format_client_result(partial);
  EXPECT_NE(p.find("interrupted, partial results"), std::string::npos);
  EXPECT_NE(p.find("server unknown (no STATS from the server)"), std::string::npos);
}

TEST(PerfReport, ClientJson) {
  const nlohmann::json j = client_result_json(download_result());
  EXPECT_EQ(j["mode"], "down");
  EXPECT_EQ(j["complete"], true);
  EXPECT_EQ(j["bytes_down"], 2'000'000'000u);
  EXPECT_DOUBLE_EQ(j["goodput_down_bps"].get<double>(), 8e9);
  EXPECT_DOUBLE_EQ(j["client_cpu"]["seconds"].get<double>(), 1.5);
  EXPECT_DOUBLE_EQ(j["server"]["cpu"]["user_seconds"].get<double>(), 0.6);
  EXPECT_EQ(j["server"]["engine"], "mmsg");
  EXPECT_EQ(j["cipher"], "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(j["intervals"].size(), 1u);
  EXPECT_FALSE(j.contains("latency"));
}

TEST(PerfReport, RequestResponseAndHandshakeResults) {
  LatencyHistogram h;
  for (std::uint64_t v : {100'000u, 200'000u, 300'000u, 400'000u}) h.record(v);
  PerfClientResult r = download_result();
  r.mode = perf::Mode::rr;
  r.requests = 4;
  r.request_size = 100;
  r.response_size = 1000;
  r.latency = &h;
  const nlohmann::json j = client_result_json(r);
  EXPECT_EQ(j["latency"]["count"], 4u);
  EXPECT_LE(j["latency"]["p50_us"].get<double>(), j["latency"]["p99_us"].get<double>());
  EXPECT_DOUBLE_EQ(j["latency"]["max_us"].get<double>(), 400.0);
  EXPECT_NE(format_client_result(r).find("latency min 100.0 us, p50 "), std::string::npos);

  PerfClientResult hs = download_result();
  hs.mode = perf::Mode::handshake;
  hs.handshakes = 100;
  hs.resumed = 99;
  hs.server_handshakes = 100;
  const nlohmann::json k = client_result_json(hs);
  EXPECT_DOUBLE_EQ(k["handshake"]["per_second"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(k["handshake"]["server_cpu_ms_per_handshake"].get<double>(), 10.0);
  EXPECT_NE(format_client_result(hs).find("100 handshakes (99 resumed, 0 failed) in 2.00 s = 50 handshakes/s; "
                                          "server CPU 10.000 ms per handshake"),
            std::string::npos)
      << format_client_result(hs);
}

TEST(PerfReport, ServerTestLine) {
  PerfServerTest t;
  t.mode = perf::Mode::up;
  t.start = perf::ServerSample{1'000'000'000, 500'000, 100'000, 7};
  t.finish = perf::ServerSample{1'250'000'000, 700'000, 150'000, 9};
  t.bytes_received = 10'000'000;
  t.data_streams = 2;
  t.elapsed = 500ms;
  t.cipher_suite = 0x1303;
  EXPECT_EQ(format_server_test(t),
            "tquic perf server: test up: received 10.0 MB, sent 0 B in 2 streams over 500.0 ms; CPU 0.250 s (user "
            "0.200 s, sys 0.050 s); 2 handshakes; TLS_CHACHA20_POLY1305_SHA256");
  const nlohmann::json j = server_test_json(t);
  EXPECT_DOUBLE_EQ(j["cpu"]["seconds"].get<double>(), 0.25);
  EXPECT_EQ(j["handshakes"], 2u);
}

}  // namespace
}  // namespace tquic::apps
