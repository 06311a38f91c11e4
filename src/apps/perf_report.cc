#include "apps/perf_report.h"

#include <algorithm>
#include <cstdio>

#include "apps/summary.h"

namespace tquic::apps {
namespace {

using nlohmann::json;
using perf::Mode;

double secs(Duration d) { return std::chrono::duration<double>(d).count(); }

std::string fmt(const char* f, double a, double b = 0, double c = 0) {
  char buf[96];
  std::snprintf(buf, sizeof buf, f, a, b, c);
  return buf;
}

std::string format_us(std::uint64_t ns) { return fmt("%.1f us", static_cast<double>(ns) / 1e3); }

bool sends_up(Mode m) { return m == Mode::up || m == Mode::bidi; }
bool sends_down(Mode m) { return m == Mode::down || m == Mode::bidi; }

json cpu_json(const runtime::CpuTime& t) {
  return json{{"seconds", cpu_seconds(t)},
              {"user_seconds", static_cast<double>(t.user_us) / 1e6},
              {"system_seconds", static_cast<double>(t.system_us) / 1e6}};
}

std::string cpu_text(const runtime::CpuTime& t) {
  return fmt("%.3f s (user %.3f s, sys %.3f s)", cpu_seconds(t), static_cast<double>(t.user_us) / 1e6,
             static_cast<double>(t.system_us) / 1e6);
}

json latency_json(const LatencyHistogram& h) {
  auto us = [](double ns) { return ns / 1e3; };
  return json{{"count", h.count()},
              {"min_us", us(static_cast<double>(h.min()))},
              {"mean_us", us(h.mean())},
              {"p50_us", us(static_cast<double>(h.value_at_percentile(50)))},
              {"p90_us", us(static_cast<double>(h.value_at_percentile(90)))},
              {"p99_us", us(static_cast<double>(h.value_at_percentile(99)))},
              {"p99_9_us", us(static_cast<double>(h.value_at_percentile(99.9)))},
              {"max_us", us(static_cast<double>(h.max()))}};
}

// "1.07 GB in 1.00 s = 8.59 Gbit/s" for one direction.
std::string direction_text(const char* name, std::uint64_t bytes, Duration elapsed) {
  return std::string(name) + " " + format_bytes(bytes) + " in " + format_seconds(elapsed) + " = " +
         format_rate(bytes, elapsed);
}

// "CPU client 0.950 s (...), 0.89 s/GB; server ..." lines.
std::string cpu_lines(const PerfClientResult& r) {
  const bool data = sends_up(r.mode) || sends_down(r.mode);
  const std::uint64_t bytes = data ? r.bytes_up + r.bytes_down : 0;
  auto per_gb = [&](const runtime::CpuTime& t) {
    return bytes > 0 ? fmt(", %.3f s per GB", cpu_seconds(t) / (static_cast<double>(bytes) / 1e9)) : std::string();
  };
  std::string out = "\ntquic perf client: CPU client " + cpu_text(r.client_cpu) + per_gb(r.client_cpu);
  if (r.have_server) out += "; server " + cpu_text(r.server_cpu) + per_gb(r.server_cpu);
  else out += "; server unknown (no STATS from the server)";
  return out;
}

std::string rr_lines(const PerfClientResult& r) {
  std::string out = "\ntquic perf client: " + std::to_string(r.requests) + " requests (" +
                    std::to_string(r.request_size) + " B -> " + std::to_string(r.response_size) + " B) in " +
                    format_seconds(r.elapsed) + " = " +
                    fmt("%.0f req/s", r.elapsed > Duration::zero() ? static_cast<double>(r.requests) / secs(r.elapsed) : 0);
  if (!r.latency || r.latency->count() == 0) return out;
  const LatencyHistogram& h = *r.latency;
  out += "\ntquic perf client: latency min " + format_us(h.min()) + ", p50 " + format_us(h.value_at_percentile(50)) +
         ", p90 " + format_us(h.value_at_percentile(90)) + ", p99 " + format_us(h.value_at_percentile(99)) +
         ", p99.9 " + format_us(h.value_at_percentile(99.9)) + ", max " + format_us(h.max()) + ", mean " +
         fmt("%.1f us", h.mean() / 1e3);
  return out;
}

std::string handshake_lines(const PerfClientResult& r) {
  const double s = secs(r.elapsed);
  std::string out = "\ntquic perf client: " + std::to_string(r.handshakes) + " handshakes (" +
                    std::to_string(r.resumed) + " resumed, " + std::to_string(r.handshakes_failed) + " failed) in " +
                    format_seconds(r.elapsed) + " = " + fmt("%.0f handshakes/s", s > 0 ? static_cast<double>(r.handshakes) / s : 0);
  if (r.have_server && r.server_handshakes > 0)
    out += fmt("; server CPU %.3f ms per handshake", cpu_seconds(r.server_cpu) * 1e3 / static_cast<double>(r.server_handshakes));
  if (r.handshakes > 0) out += fmt(", client CPU %.3f ms per handshake", cpu_seconds(r.client_cpu) * 1e3 / static_cast<double>(r.handshakes));
  return out;
}

runtime::CpuTime test_cpu(const PerfServerTest& t) {
  return runtime::cpu_time_between(runtime::CpuTime{t.start.cpu_ns, t.start.cpu_user_us, t.start.cpu_system_us},
                                   runtime::CpuTime{t.finish.cpu_ns, t.finish.cpu_user_us, t.finish.cpu_system_us});
}

}  // namespace

double cpu_seconds(const runtime::CpuTime& t) { return static_cast<double>(t.total_ns) / 1e9; }

std::string format_interval(Mode mode, const PerfInterval& i) {
  std::string out = fmt("[%6.2f-%6.2f s]", secs(i.start), secs(i.end));
  const Duration d = i.end - i.start;
  if (mode == Mode::rr) {
    out += " " + std::to_string(i.requests) + " requests" +
           fmt(" (%.0f req/s)", d > Duration::zero() ? static_cast<double>(i.requests) / secs(d) : 0);
    if (i.requests > 0) out += ", p50 " + format_us(i.p50_ns) + ", p99 " + format_us(i.p99_ns);
    return out;
  }
  if (mode == Mode::handshake)
    return out + " " + std::to_string(i.handshakes) + " handshakes" +
           fmt(" (%.0f/s)", d > Duration::zero() ? static_cast<double>(i.handshakes) / secs(d) : 0);
  if (sends_up(mode)) out += " up " + format_bytes(i.bytes_up) + " " + format_rate(i.bytes_up, d);
  if (sends_down(mode)) out += " down " + format_bytes(i.bytes_down) + " " + format_rate(i.bytes_down, d);
  return out;
}

std::string format_client_banner(const PerfClientResult& r) {
  std::string out = "tquic perf client: " + r.server + ", mode " + std::string(perf::mode_name(r.mode)) + ", " +
                    std::to_string(r.connections) + " connection" + (r.connections == 1 ? "" : "s");
  if (sends_up(r.mode) || sends_down(r.mode))
    out += " x " + std::to_string(r.streams) + " stream" + (r.streams == 1 ? "" : "s");
  out += "; " + cipher_suite_name(r.cipher_suite) + ", QUIC " + quic_version_name(r.version) + ", cc " + r.cc +
         ", engine " + r.engine + " (server: engine " + (r.server_engine.empty() ? "?" : r.server_engine) + ", cc " +
         (r.server_cc.empty() ? "?" : r.server_cc) + ")";
  return out;
}

std::string format_client_result(const PerfClientResult& r) {
  std::string out = "tquic perf client: ";
  out += r.complete ? "done" : r.interrupted ? "interrupted, partial results" : "failed: " + r.error;
  if (sends_up(r.mode)) out += "; " + direction_text("up", r.bytes_up, r.elapsed);
  if (sends_down(r.mode)) out += "; " + direction_text("down", r.bytes_down, r.elapsed);
  if (r.have_server && (sends_up(r.mode) || sends_down(r.mode)))
    out += "; server received " + format_bytes(r.server_bytes_received) + ", sent " + format_bytes(r.server_bytes_sent);
  if (r.mode == Mode::rr) out += rr_lines(r);
  if (r.mode == Mode::handshake) out += handshake_lines(r);
  out += cpu_lines(r);
  const auto& st = r.stats;
  out += fmt("\ntquic perf client: packets sent %.0f, lost %.0f, retransmitted %.0f", static_cast<double>(st.packets_sent),
             static_cast<double>(st.packets_lost), static_cast<double>(st.packets_retransmitted)) +
         fmt("; RTT %.3f ms (min %.3f ms)", std::chrono::duration<double, std::milli>(st.smoothed_rtt).count(),
             std::chrono::duration<double, std::milli>(st.min_rtt).count());
  return out;
}

json client_result_json(const PerfClientResult& r) {
  json j{{"role", "client"},
         {"mode", perf::mode_name(r.mode)},
         {"complete", r.complete},
         {"interrupted", r.interrupted},
         {"server", r.server},
         {"engine", r.engine},
         {"cc", r.cc},
         {"cipher", cipher_suite_name(r.cipher_suite)},
         {"quic_version", quic_version_name(r.version)},
         {"connections", r.connections},
         {"elapsed_seconds", secs(r.elapsed)},
         {"bytes_up", r.bytes_up},
         {"bytes_down", r.bytes_down},
         {"goodput_up_bps", r.elapsed > Duration::zero() ? static_cast<double>(r.bytes_up) * 8 / secs(r.elapsed) : 0.0},
         {"goodput_down_bps", r.elapsed > Duration::zero() ? static_cast<double>(r.bytes_down) * 8 / secs(r.elapsed) : 0.0},
         {"client_cpu", cpu_json(r.client_cpu)},
         {"packets", {{"sent", r.stats.packets_sent}, {"lost", r.stats.packets_lost},
                      {"retransmitted", r.stats.packets_retransmitted}}},
         {"rtt_ms", std::chrono::duration<double, std::milli>(r.stats.smoothed_rtt).count()}};
  if (!r.error.empty()) j["error"] = r.error;
  if (sends_up(r.mode) || sends_down(r.mode)) j["streams"] = r.streams;
  if (r.have_server)
    j["server"] = json{{"engine", r.server_engine}, {"cc", r.server_cc}, {"cpu", cpu_json(r.server_cpu)},
                       {"bytes_received", r.server_bytes_received}, {"bytes_sent", r.server_bytes_sent},
                       {"handshakes", r.server_handshakes}};
  if (r.mode == Mode::rr) {
    j["rr"] = json{{"request_size", r.request_size}, {"response_size", r.response_size}, {"rate", r.rate},
                   {"concurrency", r.concurrency}, {"requests", r.requests}};
    if (r.latency) j["latency"] = latency_json(*r.latency);
  }
  if (r.mode == Mode::handshake) {
    const double s = secs(r.elapsed);
    j["handshake"] = json{{"completed", r.handshakes}, {"failed", r.handshakes_failed}, {"resumed", r.resumed},
                          {"per_second", s > 0 ? static_cast<double>(r.handshakes) / s : 0.0}};
    if (r.have_server && r.server_handshakes > 0)
      j["handshake"]["server_cpu_ms_per_handshake"] = cpu_seconds(r.server_cpu) * 1e3 / static_cast<double>(r.server_handshakes);
  }
  json iv = json::array();
  for (const PerfInterval& i : r.intervals) {
    json e{{"start", secs(i.start)}, {"end", secs(i.end)}};
    if (r.mode == Mode::rr) e.update(json{{"requests", i.requests}, {"p50_us", static_cast<double>(i.p50_ns) / 1e3},
                                          {"p99_us", static_cast<double>(i.p99_ns) / 1e3}});
    else if (r.mode == Mode::handshake) e["handshakes"] = i.handshakes;
    else e.update(json{{"bytes_up", i.bytes_up}, {"bytes_down", i.bytes_down}});
    iv.push_back(std::move(e));
  }
  j["intervals"] = std::move(iv);
  return j;
}

std::string format_server_test(const PerfServerTest& t) {
  const runtime::CpuTime cpu = test_cpu(t);
  return "tquic perf server: test " + std::string(perf::mode_name(t.mode)) + ": received " +
         format_bytes(t.bytes_received) + ", sent " + format_bytes(t.bytes_sent) + " in " +
         std::to_string(t.data_streams) + " stream" + (t.data_streams == 1 ? "" : "s") + " over " +
         format_seconds(t.elapsed) + "; CPU " + cpu_text(cpu) + "; " +
         std::to_string(t.finish.handshakes - std::min(t.finish.handshakes, t.start.handshakes)) + " handshakes; " +
         cipher_suite_name(t.cipher_suite);
}

json server_test_json(const PerfServerTest& t) {
  const runtime::CpuTime cpu = test_cpu(t);
  return json{{"role", "server"},
              {"event", "test"},
              {"mode", perf::mode_name(t.mode)},
              {"bytes_received", t.bytes_received},
              {"bytes_sent", t.bytes_sent},
              {"data_streams", t.data_streams},
              {"elapsed_seconds", secs(t.elapsed)},
              {"cpu", cpu_json(cpu)},
              {"handshakes", t.finish.handshakes - std::min(t.finish.handshakes, t.start.handshakes)},
              {"cipher", cipher_suite_name(t.cipher_suite)}};
}

std::string format_perf_server_summary(const PerfServerShared& s, std::uint64_t connections, std::uint64_t tests,
                                       const runtime::CpuTime& cpu) {
  return "tquic perf server: " + std::to_string(connections) + " connection" + (connections == 1 ? "" : "s") + ", " +
         std::to_string(s.handshakes) + " handshakes, " + std::to_string(tests) + " test" + (tests == 1 ? "" : "s") +
         "; received " + format_bytes(s.bytes_received) + ", sent " + format_bytes(s.bytes_sent) + " in " +
         std::to_string(s.data_streams) + " streams; " + std::to_string(s.protocol_errors) +
         " protocol errors; CPU " + cpu_text(cpu);
}

json perf_server_summary_json(const PerfServerShared& s, std::uint64_t connections, std::uint64_t tests,
                              const runtime::CpuTime& cpu) {
  return json{{"role", "server"},       {"event", "summary"},           {"connections", connections},
              {"handshakes", s.handshakes}, {"tests", tests},             {"bytes_received", s.bytes_received},
              {"bytes_sent", s.bytes_sent}, {"data_streams", s.data_streams}, {"protocol_errors", s.protocol_errors},
              {"engine", s.engine},         {"cc", s.cc},                  {"cpu", cpu_json(cpu)}};
}

}  // namespace tquic::apps
