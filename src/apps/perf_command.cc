// tquic perf server / tquic perf client (docs/PERF.md).
#include <cstdio>

#include "apps/command_support.h"
#include "apps/commands.h"
#include "apps/endpoint_setup.h"
#include "apps/perf_client_app.h"
#include "apps/perf_server_app.h"
#include "apps/tls_setup.h"
#include "io/address_text.h"
#include "runtime/clock.h"
#include "runtime/event_loop.h"
#include "runtime/stop_signal.h"

namespace tquic::apps {
namespace {

// How long an interrupted client waits for the servers' STATS.
constexpr Duration kStatsGrace = 1s;

}  // namespace

// Everything a perf server node needs, built in one place (a sharded
// server would call it once per worker with the same TLS context).
std::unique_ptr<runtime::UdpNode> open_perf_server_node(const PerfServerOptions& o, crypto::TlsContext& tls,
                                                        runtime::QlogDirectory* qlog, std::string& error) {
  endpoint::EndpointConfig cfg;
  if (!make_endpoint_config(o.common, cfg, error)) return nullptr;
  cfg.connection.qlog = qlog;
  cfg.connection.initial_max_streams_bidi = 1000;  // rr keeps many requests in flight
  runtime::NodeOptions no;
  no.local = o.listen;
  no.engine = o.common.engine;
  no.socket.pktinfo = is_unspecified(o.listen);
  auto node = runtime::UdpNode::open(no, std::move(cfg), endpoint::EndpointTls{&tls, nullptr}, error);
  if (!node) error = "--listen: " + error;
  return node;
}

int run_perf_server(const PerfServerOptions& o) {
  runtime::install_stop_signals();
  std::string err;
  std::unique_ptr<runtime::KeyLogFile> keylog;
  if (!open_key_log(o.common.keylog_file, keylog, err)) return setup_failure("perf server", err);
  ServerTlsParams tp = server_tls_params(o.common, o.cert_file, o.key_file, keylog.get());
  tp.ip_addresses = {std::string("\x7f\x00\x00\x01", 4), std::string(15, '\0') + '\x01'};
  ServerTls tls;
  if (!make_server_tls(tp, tls, err)) return setup_failure("perf server", err);
  std::unique_ptr<runtime::QlogDirectory> qlog;  // outlives the node
  if (!open_qlog(o.common.qlog_dir, qlog, err)) return setup_failure("perf server", err);
  auto node = open_perf_server_node(o, *tls.context, qlog.get(), err);
  if (!node) return setup_failure("perf server", err);

  const std::string cc(transport::congestion_control_algorithm_name(o.common.cc));
  PerfServerApp app(io::engine_kind_name(node->engine_kind()), cc, o.json, stdout);
  std::printf("tquic perf server: listening on %s (ALPN %s), %s, cc %s\n", io::format_address(node->local()).c_str(),
              std::string(perf::kAlpn).c_str(), engine_description(*node).c_str(), cc.c_str());
  std::fflush(stdout);
  const runtime::CpuTime cpu_start = runtime::process_cpu_time();
  runtime::EventLoop loop;
  loop.add(*node, app);
  const runtime::LoopExit exit = loop.run(nullptr);
  const runtime::CpuTime cpu = runtime::cpu_time_between(cpu_start, runtime::process_cpu_time());
  if (o.json)
    std::printf("%s\n", perf_server_summary_json(app.shared(), app.connections(), app.tests(), cpu).dump().c_str());
  else
    std::printf("%s\n", format_perf_server_summary(app.shared(), app.connections(), app.tests(), cpu).c_str());
  if (exit == runtime::LoopExit::io_error) {
    std::fprintf(stderr, "tquic perf server: I/O failure: %s\n", loop.error().c_str());
    return kExitFailed;
  }
  return kExitOk;
}

int run_perf_client(const PerfClientOptions& o) {
  runtime::install_stop_signals();
  std::string err;
  std::unique_ptr<runtime::KeyLogFile> keylog;
  if (!open_key_log(o.common.keylog_file, keylog, err)) return setup_failure("perf client", err);
  PerfClientPlan plan;
  plan.options = o;
  if (!resolve_host(o.server, plan.server, err)) return setup_failure("perf client", err);
  plan.server_name = is_ip_literal(o.server.host) ? "localhost" : o.server.host;
  auto tls = make_client_tls(client_tls_params(o.common, o.insecure, o.ca_file, keylog.get()), err);
  if (!tls) return setup_failure("perf client", err);
  std::unique_ptr<runtime::QlogDirectory> qlog;
  if (!open_qlog(o.common.qlog_dir, qlog, err)) return setup_failure("perf client", err);
  endpoint::EndpointConfig cfg;
  if (!make_endpoint_config(o.common, cfg, err)) return setup_failure("perf client", err);
  cfg.connection.qlog = qlog.get();
  runtime::NodeOptions no;
  no.local = wildcard_address(plan.server.family);
  no.engine = o.common.engine;
  auto node = runtime::UdpNode::open(no, std::move(cfg), endpoint::EndpointTls{nullptr, tls.get()}, err);
  if (!node) return setup_failure("perf client", err);
  plan.engine = io::engine_kind_name(node->engine_kind());

  PerfClientApp app(std::move(plan), stdout);
  runtime::EventLoop loop;
  loop.add(*node, app);
  if (!app.start(*node, runtime::monotonic_now(), err)) return setup_failure("perf client", err);
  runtime::LoopExit exit = loop.run([&] { return app.finished(); });
  const bool interrupted = exit == runtime::LoopExit::stopped;
  if (interrupted) {
    // Ask the servers for what they counted; a second signal ends this wait.
    runtime::clear_stop_request();
    app.interrupt(*node, runtime::monotonic_now());
    runtime::LoopOptions lo;
    lo.time_limit = kStatsGrace;
    exit = loop.run([&] { return app.finished(); }, lo);
  }
  if (exit == runtime::LoopExit::io_error) std::fprintf(stderr, "tquic perf client: I/O failure: %s\n", loop.error().c_str());
  const PerfClientResult r = app.result();
  if (o.json) std::printf("%s\n", client_result_json(r).dump(2).c_str());
  else std::printf("%s\n", format_client_result(r).c_str());
  if (!r.error.empty() && !o.json) std::fprintf(stderr, "tquic perf client: %s\n", r.error.c_str());
  if (interrupted) return kExitInterrupted;
  return r.complete ? kExitOk : kExitFailed;
}

}  // namespace tquic::apps
