// tquic get: every URL over one connection, in parallel streams.
#include <algorithm>
#include <cstdio>

#include "apps/command_support.h"
#include "apps/commands.h"
#include "apps/endpoint_setup.h"
#include "apps/get_app.h"
#include "apps/tls_setup.h"
#include "runtime/clock.h"
#include "runtime/event_loop.h"
#include "runtime/stop_signal.h"

namespace tquic::apps {
namespace {

// The resumption state from --session, if it was saved for this server.
bool load_resumption(const GetOptions& o, SessionState& out, std::string& error) {
  if (o.session_file.empty()) return true;
  SessionState s;
  std::string why;
  switch (load_session(o.session_file, s, why)) {
    case SessionLoad::absent: return true;  // first run: the file is written afterwards
    case SessionLoad::invalid:
      error = "--session: '" + o.session_file + "': " + why + "; delete it or pass another file";
      return false;
    case SessionLoad::loaded: break;
  }
  if (s.server != o.urls.front().authority()) return true;
  const auto& allowed = o.common.cipher_suites;
  const bool suite_gone = !allowed.empty() && std::find(allowed.begin(), allowed.end(), s.cipher_suite) == allowed.end();
  const bool other_version = s.version != 0 && s.version != o.version;  // RFC 9369 §5
  if (suite_gone || other_version) {
    s.ticket.clear();  // resumed only with the suite and version it was issued for; the token stays useful
    s.params.clear();
  }
  out = std::move(s);
  return true;
}

GetPlan make_plan(const GetOptions& o, const NetAddress& server, SessionState resume) {
  GetPlan plan;
  plan.urls = o.urls;
  plan.output_paths = output_paths(o.urls, o.output_dir);
  plan.server = server;
  plan.server_name = o.urls.front().host;
  plan.alpn = o.common.alpn.front();
  plan.resume = std::move(resume);
  plan.zero_rtt = o.zero_rtt;
  plan.key_update = o.key_update;
  plan.migrate = o.migrate;
  plan.version = o.version;
  return plan;
}

}  // namespace

int run_get(const GetOptions& o) {
  runtime::install_stop_signals();
  std::string err;
  std::unique_ptr<runtime::KeyLogFile> keylog;
  if (!open_key_log(o.common.keylog_file, keylog, err)) return setup_failure("get", err);
  NetAddress server;
  if (!resolve_host(o.urls.front(), server, err)) return setup_failure("get", err);
  SessionState resume;
  if (!load_resumption(o, resume, err)) return setup_failure("get", err);

  auto tls = make_client_tls(client_tls_params(o.common, o.insecure, o.ca_file, keylog.get()), err);
  if (!tls) return setup_failure("get", err);
  std::unique_ptr<runtime::QlogDirectory> qlog;  // outlives the node and its connection
  if (!open_qlog(o.common.qlog_dir, qlog, err)) return setup_failure("get", err);
  endpoint::EndpointConfig cfg;
  if (!make_endpoint_config(o.common, cfg, err)) return setup_failure("get", err);
  cfg.connection.version = o.version;
  cfg.connection.versions = {o.version};  // offered alone: the server cannot move us to its preference
  cfg.connection.qlog = qlog.get();
  runtime::NodeOptions no;
  no.local = wildcard_address(server.family);
  no.engine = o.common.engine;
  no.shared_loop = o.migrate;  // the new path gets a socket of its own
  auto node = runtime::UdpNode::open(no, std::move(cfg), endpoint::EndpointTls{nullptr, tls.get()}, err);
  if (!node) return setup_failure("get", err);

  GetApp app(make_plan(o, server, std::move(resume)));
  runtime::EventLoop loop;
  loop.add(*node, app);
  if (!app.start(*node, runtime::monotonic_now(), err)) return setup_failure("get", err);
  const runtime::LoopExit exit = loop.run([&] { return app.finished(); });
  if (exit == runtime::LoopExit::io_error) std::fprintf(stderr, "tquic get: I/O failure: %s\n", loop.error().c_str());
  if (!app.connection_error().empty()) std::fprintf(stderr, "tquic get: %s\n", app.connection_error().c_str());
  if (!o.session_file.empty() && !app.session_state().empty() && !save_session(o.session_file, app.session_state(), err))
    std::fprintf(stderr, "tquic get: --session: %s\n", err.c_str());
  std::printf("%s\n", format_summary(app.summary(node->engine_kind(), o.common.cc)).c_str());
  if (exit == runtime::LoopExit::stopped) return kExitInterrupted;
  return exit == runtime::LoopExit::done && app.all_ok() ? kExitOk : kExitFailed;
}

}  // namespace tquic::apps
