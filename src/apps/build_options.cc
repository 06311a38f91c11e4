#include "apps/build_options.h"

#include "apps/protocols.h"
#include "apps/value_parsers.h"

namespace tquic::apps {
namespace {

bool build_common(const RawCommon& raw, CommonOptions& out, std::string& error) {
  if (!parse_alpn_list("--alpn", raw.alpn, out.alpn, error)) return false;
  for (const std::string& a : out.alpn) {
    if (!alpn_supported(a)) {
      error = "--alpn: " + quote_value(a) + " is not implemented by this build; use " + supported_alpn_list();
      return false;
    }
  }
  return build_transport_options(raw, out, error);
}

}  // namespace

bool build_transport_options(const RawCommon& raw, CommonOptions& out, std::string& error) {
  if (!parse_cc("--cc", raw.cc, out.cc, error) || !parse_engine("--engine", raw.engine, out.engine, error))
    return false;
  if (!raw.ciphers.empty() &&
      !parse_ciphers("--ciphers", raw.ciphers, out.cipher_priority, out.cipher_suites, error))
    return false;
  if (!raw.max_datagram_size.empty()) {
    std::uint64_t size = 0;
    if (!parse_count("--max-datagram-size", raw.max_datagram_size, 1200, 65507, size, error)) return false;
    out.max_datagram_size = static_cast<std::uint16_t>(size);
  }
  out.keylog_file = raw.keylog;
  out.qlog_dir = raw.qlog;
  return out.qlog_dir.empty() || ensure_directory("--qlog", out.qlog_dir, error);
}

bool check_cert_and_key(const std::string& cert, const std::string& key, std::string& error) {
  if (cert.empty() != key.empty()) {
    error = cert.empty() ? "--key needs --cert: give both PEM files, or neither for a self-signed certificate"
                         : "--cert needs --key: give both PEM files, or neither for a self-signed certificate";
    return false;
  }
  return cert.empty() ||
         (check_readable_file("--cert", cert, "pass a PEM certificate chain file", error) &&
          check_readable_file("--key", key, "pass the PEM private key of --cert", error));
}

bool check_verification(bool insecure, const std::string& ca, std::string& error) {
  if (insecure && !ca.empty()) {
    error = "--insecure and --ca contradict each other: verify with --ca FILE, or skip verification with --insecure";
    return false;
  }
  return ca.empty() || check_readable_file("--ca", ca, "pass a PEM CA file or --insecure", error);
}

bool build_serve_options(const RawServe& raw, ServeOptions& out, std::string& error) {
  out = ServeOptions{};
  if (!build_common(raw.common, out.common, error)) return false;
  if (raw.listen.empty()) {
    error = "--listen is required: the address to serve on, e.g. 0.0.0.0:4433 or [::]:4433";
    return false;
  }
  if (!parse_listen_address("--listen", raw.listen, out.listen, error)) return false;
  if (raw.root.empty()) {
    error = "--root is required: the directory whose files are served";
    return false;
  }
  if (!check_directory("--root", raw.root, "pass the directory whose files are served", error)) return false;
  out.root = raw.root;
  if (!check_cert_and_key(raw.cert, raw.key, error)) return false;
  out.cert_file = raw.cert;
  out.key_file = raw.key;
  out.retry = raw.retry;
  return parse_quic_versions("--versions", raw.versions, out.versions, error);
}

bool build_get_options(const RawGet& raw, GetOptions& out, std::string& error) {
  out = GetOptions{};
  if (!build_common(raw.common, out.common, error)) return false;
  if (raw.urls.empty()) {
    error = "no URL given: tquic get [options] https://HOST:PORT/PATH...";
    return false;
  }
  for (const std::string& text : raw.urls) {
    Url url;
    if (!parse_url(text, url, error)) return false;
    if (!out.urls.empty() && url.authority() != out.urls.front().authority()) {
      error = "URL " + quote_value(text) + " names another server than " + quote_value(out.urls.front().text) +
              "; all URLs share one connection, so give URLs of one HOST:PORT";
      return false;
    }
    out.urls.push_back(std::move(url));
  }
  if (!check_verification(raw.insecure, raw.ca, error)) return false;
  out.insecure = raw.insecure;
  out.ca_file = raw.ca;
  if (!raw.output.empty() && !ensure_directory("--output", raw.output, error)) return false;
  out.output_dir = raw.output;
  out.session_file = raw.session;
  if (raw.zero_rtt && raw.session.empty()) {
    error = "--0rtt needs --session FILE: 0-RTT uses the ticket an earlier run saved there";
    return false;
  }
  out.zero_rtt = raw.zero_rtt;
  out.key_update = raw.key_update;
  out.migrate = raw.migrate;
  return parse_quic_version("--version", raw.version, out.version, error);
}

bool build_demo_options(const RawDemo& raw, DemoOptions& out, std::string& error) {
  out = DemoOptions{};
  if (!parse_byte_size("--size", raw.size, out.size, error)) return false;
  if (!parse_relay_delay("--delay", raw.delay, error) || !parse_relay_loss("--loss", raw.loss, error)) return false;
  out.delay = raw.delay;
  out.loss = raw.loss;
  out.relay = !raw.no_relay;
  return parse_cc("--cc", raw.cc, out.cc, error) && parse_engine("--engine", raw.engine, out.engine, error);
}

}  // namespace tquic::apps
