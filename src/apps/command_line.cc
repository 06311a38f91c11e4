#include "apps/command_line.h"

#include <CLI/CLI.hpp>

#include <map>

#include "apps/build_options.h"
#include "apps/serve_config.h"

namespace tquic::apps {
namespace {

// Transport options (everything in add_common but --alpn).
void add_transport(CLI::App& cmd, RawCommon& c) {
  cmd.add_option("--qlog", c.qlog, "write qlog files into this directory (created if missing)");
  cmd.add_option("--keylog", c.keylog, "append TLS secrets to FILE (NSS key log format; default $SSLKEYLOGFILE)");
  cmd.add_option("--cc", c.cc, "congestion controller: bbr3, cubic or new_reno")->capture_default_str();
  cmd.add_option("--engine", c.engine, "UDP I/O engine: auto, uring or mmsg")->capture_default_str();
  cmd.add_option("--ciphers", c.ciphers, "TLS cipher suites in preference order: aes128gcm,aes256gcm,chacha20");
  cmd.add_option("--max-datagram-size", c.max_datagram_size,
                 "largest UDP payload path MTU discovery may reach, 1200 to 65507 (default 1452)");
}

void add_common(CLI::App& cmd, RawCommon& c) {
  cmd.add_option("--alpn", c.alpn, "application protocols, comma separated")->capture_default_str();
  add_transport(cmd, c);
}

struct Parsers {
  RawServe serve;
  RawGet get;
  RawDemo demo;
  RawPerfServer perf_server;
  RawPerfClient perf_client;
  CLI::App* serve_cmd = nullptr;
  CLI::App* get_cmd = nullptr;
  CLI::App* demo_cmd = nullptr;
  CLI::App* perf_cmd = nullptr;
  CLI::App* perf_server_cmd = nullptr;
  CLI::App* perf_client_cmd = nullptr;
};

void define_perf_server(CLI::App& perf, Parsers& p) {
  p.perf_server_cmd = perf.add_subcommand("server", "answer tquic perf clients until SIGINT/SIGTERM");
  auto& s = *p.perf_server_cmd;
  s.add_option("--listen", p.perf_server.listen, "IP:PORT to listen on, e.g. 0.0.0.0:4433 or [::]:4433");
  s.add_option("--cert", p.perf_server.cert, "PEM certificate chain (default: a generated self-signed one)");
  s.add_option("--key", p.perf_server.key, "PEM private key of --cert");
  s.add_flag("--json", p.perf_server.json, "one JSON object per line instead of text");
  add_transport(s, p.perf_server.common);
}

void define_perf_client(CLI::App& perf, Parsers& p) {
  p.perf_client_cmd = perf.add_subcommand("client", "measure throughput, latency or handshake rate against a perf server");
  auto& c = *p.perf_client_cmd;
  RawPerfClient& r = p.perf_client;
  c.add_option("server", r.server, "HOST:PORT of the tquic perf server");
  c.add_option("--mode", r.mode, "up, down, bidi, rr (request/response) or handshake")->capture_default_str();
  c.add_option("--bytes", r.bytes, "up/down/bidi: bytes per direction in all, e.g. 1GiB (default: --time 10)");
  c.add_option("--time", r.time, "up/down/bidi/rr: run this long, e.g. 10, 2.5s, 500ms (default 10)");
  c.add_option("--streams", r.streams, "up/down/bidi: parallel streams per connection (default 1)");
  c.add_option("--connections", r.connections, "connections from this client (default 1)");
  c.add_option("--request-size", r.request_size, "rr: request bytes (default 100)");
  c.add_option("--response-size", r.response_size, "rr: response bytes (default 1000)");
  c.add_option("--rate", r.rate, "rr: requests per second in all, open loop (default: closed loop)");
  c.add_option("--concurrency", r.concurrency,
               "rr: requests outstanding at most (default 1, or 100 with --rate); handshake: in parallel (default 1)");
  c.add_option("--count", r.count, "rr: requests (instead of --time); handshake: handshakes (default 100)");
  c.add_flag("--resume", r.resume, "handshake: resume each session with the ticket of the one before");
  c.add_option("--interval", r.interval, "seconds between interval lines, 0 for none")->capture_default_str();
  c.add_flag("--json", r.json, "print one JSON object at the end instead of text");
  c.add_flag("--insecure", r.insecure, "do not verify the server certificate");
  c.add_option("--ca", r.ca, "PEM file with the CA (or self-signed certificate) to trust");
  add_transport(c, r.common);
}

void define(CLI::App& app, Parsers& p) {
  app.require_subcommand(1);
  p.serve_cmd = app.add_subcommand("serve", "serve the files under --root over QUIC (hq-interop, HTTP/3)");
  auto& s = *p.serve_cmd;
  s.add_option("--listen", p.serve.listen, "IP:PORT to listen on, e.g. 0.0.0.0:4433 or [::]:4433");
  s.add_option("--root", p.serve.root, "directory whose files are served");
  s.add_option("--cert", p.serve.cert, "PEM certificate chain (default: a generated self-signed one)");
  s.add_option("--key", p.serve.key, "PEM private key of --cert");
  s.add_flag("--retry", p.serve.retry, "validate every client address with a Retry first");
  s.add_option("--versions", p.serve.versions, "QUIC versions accepted, most preferred first: v1,v2 or v2,v1")
      ->capture_default_str();
  s.add_option("--config", p.serve.config, "TOML file with any of these options (command line wins)");
  p.serve.common.alpn = "hq-interop,h3";  // a server offers every protocol it speaks
  add_common(s, p.serve.common);

  p.get_cmd = app.add_subcommand("get", "download URLs over one QUIC connection, in parallel streams");
  auto& g = *p.get_cmd;
  g.add_option("url", p.get.urls, "https://HOST[:PORT]/PATH (all of one HOST:PORT)");
  g.add_flag("--insecure", p.get.insecure, "do not verify the server certificate");
  g.add_option("--ca", p.get.ca, "PEM file with the CA (or self-signed certificate) to trust");
  g.add_option("--output", p.get.output, "save each file into this directory");
  g.add_option("--session", p.get.session, "resumption state: read before, written after the run");
  g.add_flag("--0rtt", p.get.zero_rtt, "send the requests as 0-RTT when --session holds a ticket");
  g.add_flag("--key-update", p.get.key_update, "initiate a key update once the handshake is confirmed");
  g.add_flag("--migrate", p.get.migrate, "move to a new local port once the handshake is confirmed");
  g.add_option("--version", p.get.version, "QUIC version: v1 or v2")->capture_default_str();
  p.get.common.alpn = "h3";  // RFC 9114 is what servers and browsers speak; hq-interop on request
  add_common(g, p.get.common);

  p.demo_cmd = app.add_subcommand("demo", "loopback demo: server and client through tquic-relay, SHA-256 checked");
  auto& d = *p.demo_cmd;
  d.add_option("--size", p.demo.size, "bytes to transfer, e.g. 10MB, 1GB, 512KiB")->capture_default_str();
  d.add_option("--delay", p.demo.delay, "one-way delay the relay adds, e.g. 20ms")->capture_default_str();
  d.add_option("--loss", p.demo.loss, "loss rate the relay adds, e.g. 1%")->capture_default_str();
  d.add_flag("--no-relay", p.demo.no_relay, "connect directly, without tquic-relay");
  d.add_option("--cc", p.demo.cc, "congestion controller: bbr3, cubic or new_reno")->capture_default_str();
  d.add_option("--engine", p.demo.engine, "UDP I/O engine: auto, uring or mmsg")->capture_default_str();

  p.perf_cmd = app.add_subcommand("perf", "iperf-like measurements: throughput, request/response latency, handshakes");
  p.perf_cmd->require_subcommand(1);
  define_perf_server(*p.perf_cmd, p);
  define_perf_client(*p.perf_cmd, p);
}

// Fills serve options the command line left unset from --config.
bool apply_config(CLI::App& cmd, RawServe& raw, std::string& error) {
  std::vector<ConfigEntry> entries;
  if (!load_config_file(raw.config, entries, error)) return false;
  std::map<std::string, std::string*> text = {
      {"listen", &raw.listen},       {"root", &raw.root},     {"cert", &raw.cert},
      {"key", &raw.key},             {"alpn", &raw.common.alpn}, {"qlog", &raw.common.qlog},
      {"keylog", &raw.common.keylog}, {"cc", &raw.common.cc},  {"engine", &raw.common.engine},
      {"ciphers", &raw.common.ciphers}, {"max-datagram-size", &raw.common.max_datagram_size},
      {"versions", &raw.versions}};
  for (const ConfigEntry& e : entries) {
    const std::string where = "--config '" + raw.config + "': line " + std::to_string(e.line) + ": ";
    const auto it = text.find(e.key);
    if (e.key != "retry" && it == text.end()) {
      error = where + "unknown key '" + e.key +
              "'; use listen, root, cert, key, alpn, retry, versions, qlog, keylog, cc, engine, ciphers or max-datagram-size";
      return false;
    }
    const bool on_cli = cmd.count("--" + e.key) > 0;
    if (e.key == "retry") {
      if (!e.is_bool) return (error = where + "'retry' must be true or false"), false;
      if (!on_cli) raw.retry = e.bool_value;
    } else {
      if (e.is_bool) return (error = where + "'" + e.key + "' must be a string"), false;
      if (!on_cli) *it->second = e.text;
    }
  }
  return true;
}

std::string subcommand_name(const Parsers& p) {
  if (p.serve_cmd->parsed()) return "tquic serve";
  if (p.get_cmd->parsed()) return "tquic get";
  if (p.demo_cmd->parsed()) return "tquic demo";
  if (p.perf_server_cmd->parsed()) return "tquic perf server";
  if (p.perf_client_cmd->parsed()) return "tquic perf client";
  if (p.perf_cmd->parsed()) return "tquic perf";
  return "tquic";
}

// CLI11's message as one line, with where to look for help.
std::string usage_line(const Parsers& p, const CLI::ParseError& e) {
  std::string what = e.what();
  for (char& c : what)
    if (c == '\n') c = ' ';
  if (what == "A subcommand is required")
    what = p.perf_cmd->parsed() ? "a subcommand is required: server or client" : "a subcommand is required: serve, get, demo or perf";
  const std::string name = subcommand_name(p);
  return name + ": " + what + "; see '" + name + " --help'";
}

}  // namespace

ParseOutcome parse_command_line(const std::vector<std::string>& args, Command& out, std::string& message) {
  if (args.size() > 1 && !args[1].starts_with('-') && args[1] != "serve" && args[1] != "get" && args[1] != "demo" &&
      args[1] != "perf") {
    message = "tquic: unknown subcommand '" + args[1].substr(0, 40) + "'; use serve, get, demo or perf (see 'tquic --help')";
    return ParseOutcome::usage_error;
  }
  CLI::App app("tquic: QUIC file transfer (hq-interop, HTTP/3), loopback demo and perf measurements", "tquic");
  Parsers p;
  define(app, p);
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    CLI::App* shown = p.serve_cmd->parsed()         ? p.serve_cmd
                      : p.get_cmd->parsed()         ? p.get_cmd
                      : p.demo_cmd->parsed()        ? p.demo_cmd
                      : p.perf_server_cmd->parsed() ? p.perf_server_cmd
                      : p.perf_client_cmd->parsed() ? p.perf_client_cmd
                      : p.perf_cmd->parsed()        ? p.perf_cmd
                                                    : &app;
    message = shown->help();
    return ParseOutcome::help;
  } catch (const CLI::ParseError& e) {
    message = usage_line(p, e);
    return ParseOutcome::usage_error;
  }
  std::string error;
  bool ok = false;
  if (p.serve_cmd->parsed()) {
    out.kind = CommandKind::serve;
    ok = (p.serve.config.empty() || apply_config(*p.serve_cmd, p.serve, error)) &&
         build_serve_options(p.serve, out.serve, error);
  } else if (p.get_cmd->parsed()) {
    out.kind = CommandKind::get;
    ok = build_get_options(p.get, out.get, error);
  } else if (p.perf_server_cmd->parsed()) {
    out.kind = CommandKind::perf_server;
    ok = build_perf_server_options(p.perf_server, out.perf_server, error);
  } else if (p.perf_client_cmd->parsed()) {
    out.kind = CommandKind::perf_client;
    ok = build_perf_client_options(p.perf_client, out.perf_client, error);
  } else {
    out.kind = CommandKind::demo;
    ok = build_demo_options(p.demo, out.demo, error);
  }
  if (ok) return ParseOutcome::run;
  message = subcommand_name(p) + ": " + error;
  return ParseOutcome::usage_error;
}

}  // namespace tquic::apps
