// tquic serve: files under --root over hq-interop and HTTP/3 until SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>

#include "apps/command_support.h"
#include "apps/commands.h"
#include "apps/endpoint_setup.h"
#include "apps/server_app.h"
#include "apps/summary.h"
#include "apps/tls_setup.h"
#include "io/address_text.h"
#include "io/posix_file_source.h"
#include "runtime/clock.h"
#include "runtime/event_loop.h"
#include "runtime/stop_signal.h"

namespace tquic::apps {
namespace {

// Names a self-signed certificate covers: localhost, the loopback
// addresses, and the listen address when it is a specific one.
void self_signed_names(const ServeOptions& o, ServerTlsParams& p) {
  p.names = {"localhost"};
  p.ip_addresses = {std::string("\x7f\x00\x00\x01", 4), std::string(15, '\0') + '\x01'};
  if (!is_unspecified(o.listen) && !(o.listen.family == AddressFamily::ipv4 && o.listen.ip[0] == 127))
    p.ip_addresses.emplace_back(reinterpret_cast<const char*>(o.listen.ip.data()), o.listen.ip_size());
}

void print_banner(const ServeOptions& o, const runtime::UdpNode& node, const ServerTls& tls) {
  std::string alpn;
  for (const auto& a : o.common.alpn) alpn += (alpn.empty() ? "" : ",") + a;
  std::printf("tquic serve: listening on %s (ALPN %s), serving %s, %s%s\n", io::format_address(node.local()).c_str(),
              alpn.c_str(), o.root.c_str(), engine_description(node).c_str(), o.retry ? ", Retry on" : "");
  std::printf("tquic serve: %s certificate, SPKI sha256 %s (Chromium: --ignore-certificate-errors-spki-list=%s)\n",
              tls.self_signed ? "self-signed" : "configured", tls.spki_sha256.c_str(), tls.spki_sha256.c_str());
  std::fflush(stdout);
}

// SIGINT/SIGTERM: GOAWAY (hq-interop: no new work) on every connection, then
// up to kDrainLimit for the responses in flight; a second signal ends the
// wait at once.
constexpr Duration kDrainLimit = 10s;

runtime::LoopExit drain(runtime::EventLoop& loop, runtime::UdpNode& node, ServerApp& app) {
  const std::size_t n = app.shutdown(node, runtime::monotonic_now());
  std::printf("tquic serve: stopping: %zu connection%s winding down (HTTP/3 GOAWAY), waiting up to %s\n", n,
              n == 1 ? "" : "s", format_seconds(kDrainLimit).c_str());
  std::fflush(stdout);
  runtime::clear_stop_request();
  runtime::LoopOptions lo;
  lo.time_limit = kDrainLimit;
  return loop.run([&] { return app.drained(); }, lo);
}

}  // namespace

int run_serve(const ServeOptions& o) {
  runtime::install_stop_signals();
  std::string err;
  std::unique_ptr<runtime::KeyLogFile> keylog;
  if (!open_key_log(o.common.keylog_file, keylog, err)) return setup_failure("serve", err);
  ServerTlsParams tp = server_tls_params(o.common, o.cert_file, o.key_file, keylog.get());
  self_signed_names(o, tp);
  ServerTls tls;
  if (!make_server_tls(tp, tls, err)) return setup_failure("serve", err);
  io::PosixFileSource files;
  if (!io::PosixFileSource::open_root(o.root, files, err)) return setup_failure("serve", "--root: " + err);
  std::unique_ptr<runtime::QlogDirectory> qlog;  // outlives the node and its connections
  if (!open_qlog(o.common.qlog_dir, qlog, err)) return setup_failure("serve", err);

  endpoint::EndpointConfig cfg;
  if (!make_endpoint_config(o.common, cfg, err)) return setup_failure("serve", err);
  cfg.require_retry = o.retry;
  cfg.versions = o.versions;
  cfg.connection.qlog = qlog.get();
  runtime::NodeOptions no;
  no.local = o.listen;
  no.engine = o.common.engine;
  no.socket.pktinfo = is_unspecified(o.listen);  // learn each datagram's local address on a wildcard bind
  auto node = runtime::UdpNode::open(no, std::move(cfg), endpoint::EndpointTls{tls.context.get(), nullptr}, err);
  if (!node) return setup_failure("serve", "--listen: " + err);

  ServerApp app(files);
  print_banner(o, *node, tls);
  runtime::EventLoop loop;
  loop.add(*node, app);
  runtime::LoopExit exit = loop.run(nullptr);
  if (exit == runtime::LoopExit::stopped) exit = drain(loop, *node, app);
  app.count_open_connections(*node);
  std::printf("%s\n", format_server_summary(app.counters(), app.totals(), node->endpoint().stats().retries_sent).c_str());
  if (exit == runtime::LoopExit::io_error) {
    std::fprintf(stderr, "tquic serve: I/O failure: %s\n", loop.error().c_str());
    return kExitFailed;
  }
  // Ctrl-C reports 130 as a shell would; SIGTERM (a service manager's stop) is a normal end.
  return runtime::stop_signal_number() == SIGINT ? kExitInterrupted : kExitOk;
}

}  // namespace tquic::apps
