// tquic demo: the loopback demo behind scripts/run. A server and a client
// in one event loop on loopback UDP sockets, the traffic passing through
// tquic-relay (delay and loss, since the kernel may have no netem), one
// generated file; ends with a one-line summary and a SHA-256 comparison.
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "apps/command_support.h"
#include "apps/commands.h"
#include "apps/endpoint_setup.h"
#include "apps/generated_content.h"
#include "apps/get_app.h"
#include "apps/relay_process.h"
#include "apps/server_app.h"
#include "apps/tls_setup.h"
#include "h3/alpn.h"
#include "runtime/clock.h"
#include "runtime/event_loop.h"
#include "runtime/stop_signal.h"

namespace tquic::apps {
namespace {

constexpr Duration kDemoTimeLimit = 300s;

// tquic-relay next to this executable (an installed layout) or in the
// build tree's tools/ directory.
bool find_relay(std::string& path, std::string& error) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
  for (const auto& candidate : {self / "tquic-relay", self.parent_path() / "tools" / "tquic-relay"}) {
    if (::access(candidate.c_str(), X_OK) == 0) {
      path = candidate.string();
      return true;
    }
  }
  error = "cannot find tquic-relay next to tquic or in " + (self.parent_path() / "tools").string() +
          "; build it (scripts/setup) or pass --no-relay";
  return false;
}

struct DemoNodes {
  ServerTls server_tls;
  std::unique_ptr<crypto::TlsContext> client_tls;
  std::unique_ptr<runtime::UdpNode> server;
  std::unique_ptr<runtime::UdpNode> client;
};

bool open_nodes(const DemoOptions& o, DemoNodes& n, std::string& err) {
  ServerTlsParams sp;
  sp.alpn = {std::string(h3::kAlpnHqInterop)};
  sp.ip_addresses = {std::string("\x7f\x00\x00\x01", 4)};
  if (!make_server_tls(sp, n.server_tls, err)) return false;
  ClientTlsParams cp;
  cp.ca_pem = n.server_tls.cert_pem;  // trust exactly the demo's own certificate
  cp.alpn = sp.alpn;
  n.client_tls = make_client_tls(cp, err);
  endpoint::EndpointConfig scfg, ccfg;
  if (!n.client_tls || !make_endpoint_config(o.cc, scfg, err) || !make_endpoint_config(o.cc, ccfg, err)) return false;
  runtime::NodeOptions no;
  no.local = NetAddress::ipv4({127, 0, 0, 1}, 0);
  no.engine = o.engine;
  no.shared_loop = true;  // server and client wait in one poll()
  n.server = runtime::UdpNode::open(no, std::move(scfg), {n.server_tls.context.get(), nullptr}, err);
  if (!n.server) return false;
  n.client = runtime::UdpNode::open(no, std::move(ccfg), {nullptr, n.client_tls.get()}, err);
  return n.client != nullptr;
}

}  // namespace

int run_demo(const DemoOptions& o) {
  runtime::install_stop_signals();
  std::string err;
  DemoNodes nodes;
  if (!open_nodes(o, nodes, err)) return setup_failure("demo", err);
  RelayProcess relay;
  NetAddress target = nodes.server->local();
  std::string relay_bin;
  if (o.relay) {
    if (!find_relay(relay_bin, err) ||
        !relay.start(relay_bin, target, {"--delay", o.delay, "--loss", o.loss, "--seed", "1"}, err))
      return setup_failure("demo", err);
    target = relay.listen_address();
  }
  GeneratedFiles content(o.size);
  ServerApp server(content);
  GetPlan plan;
  Url url;
  url.host = "localhost";
  url.port = target.port;
  url.path = "/demo";
  plan.urls = {url};
  plan.server = target;
  plan.server_name = "localhost";
  plan.alpn = std::string(h3::kAlpnHqInterop);
  plan.expected_bytes = o.size;
  plan.command = "demo";
  plan.print_files = false;
  GetApp client(plan);

  runtime::EventLoop loop;
  loop.add(*nodes.server, server);
  loop.add(*nodes.client, client);
  if (!client.start(*nodes.client, runtime::monotonic_now(), err)) return setup_failure("demo", err);
  runtime::LoopOptions lo;
  lo.time_limit = kDemoTimeLimit;
  const runtime::LoopExit exit = loop.run([&] { return client.finished(); }, lo);

  // The sender's view of the transfer: its losses and retransmissions.
  TransferSummary s = client.summary(nodes.client->engine_kind(), o.cc);
  if (auto st = server.sender_stats(*nodes.server)) s.stats = *st;
  const Download& d = client.downloads().front();
  const std::string want = generated_sha256(o.size);
  const bool ok = exit == runtime::LoopExit::done && d.state() == DownloadState::done && d.sha256() == want;
  const std::string link = o.relay ? "through tquic-relay (" + o.delay + " delay, " + o.loss + " loss)" : "direct";
  s.note = "loopback " + link + "; sha256 " + (ok ? "verified " + want.substr(0, 16) : "MISMATCH");
  if (exit == runtime::LoopExit::time_limit) s.note += "; did not finish in " + format_seconds(kDemoTimeLimit);
  if (!client.connection_error().empty()) std::fprintf(stderr, "tquic demo: %s\n", client.connection_error().c_str());
  if (d.state() == DownloadState::failed) std::fprintf(stderr, "tquic demo: %s\n", d.error().c_str());
  std::printf("%s\n", format_summary(s).c_str());
  if (o.relay) std::printf("%s", relay.stop().c_str());
  if (exit == runtime::LoopExit::stopped) return kExitInterrupted;
  return ok ? kExitOk : kExitFailed;
}

}  // namespace tquic::apps
