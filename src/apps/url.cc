#include "apps/url.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>
#include <optional>

#include "io/address_text.h"

namespace tquic::apps {
namespace {

bool parse_port(std::string_view text, std::uint16_t& port) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value == 0 || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

bool valid_host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_';
}

// Splits "host[:port]" / "[v6][:port]".
bool split_authority(std::string_view auth, Url& out, std::string& why) {
  std::string_view host = auth;
  std::optional<std::string_view> port;
  if (auth.starts_with('[')) {
    const auto close = auth.find(']');
    if (close == std::string_view::npos) return (why = "unterminated '[' in the host"), false;
    host = auth.substr(1, close - 1);
    const std::string_view rest = auth.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return (why = "unexpected text after ']'"), false;
    if (!rest.empty()) port = rest.substr(1);
    if (!is_ip_literal(host)) return (why = "'[" + std::string(host) + "]' is not an IPv6 address"), false;
  } else {
    if (const auto colon = auth.find(':'); colon != std::string_view::npos) {
      host = auth.substr(0, colon);
      port = auth.substr(colon + 1);
      if (port->find(':') != std::string_view::npos)
        return (why = "IPv6 addresses need brackets, e.g. https://[::1]:4433/"), false;
    }
    for (char c : host)
      if (!valid_host_char(c)) return (why = "the host contains '" + std::string(1, c) + "'"), false;
  }
  if (host.empty()) return (why = "the host is empty"), false;
  if (port && !parse_port(*port, out.port)) return (why = "the port must be a number from 1 to 65535"), false;
  out.host = std::string(host);
  return true;
}

}  // namespace

std::string Url::authority() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool is_ip_literal(std::string_view host) {
  const std::string h(host);
  in6_addr a6{};
  in_addr a4{};
  return ::inet_pton(AF_INET, h.c_str(), &a4) == 1 || ::inet_pton(AF_INET6, h.c_str(), &a6) == 1;
}

bool parse_url(std::string_view text, Url& out, std::string& error) {
  out = Url{};
  out.text = std::string(text);
  constexpr std::string_view kScheme = "https://";
  std::string why;
  if (!text.starts_with(kScheme)) {
    why = "only https:// URLs are supported (QUIC always uses TLS)";
  } else {
    std::string_view rest = text.substr(kScheme.size());
    const auto slash = rest.find('/');
    const std::string_view auth = rest.substr(0, slash);
    if (slash != std::string_view::npos) out.path = std::string(rest.substr(slash));
    if (split_authority(auth, out, why)) {
      if (out.path.find_first_of(" \r\n\t") == std::string::npos) return true;
      why = "the path contains white space (encode it as %20)";
    }
  }
  error = "URL '" + std::string(text.substr(0, 200)) + "': " + why + "; use https://HOST[:PORT]/PATH";
  return false;
}

bool resolve_host(const Url& url, NetAddress& out, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(url.host.c_str(), nullptr, &hints, &res);
  if (rc != 0 || !res) {
    error = "cannot resolve '" + url.host + "' (" + ::gai_strerror(rc) + "); check the host name in the URL";
    return false;
  }
  out = io::from_sockaddr(res->ai_addr);
  out.port = url.port;
  ::freeaddrinfo(res);
  return true;
}

}  // namespace tquic::apps
