// https URLs as `tquic get` takes them: https://HOST[:PORT]/PATH with HOST a
// name, an IPv4 address or a bracketed IPv6 address; the port defaults to
// 443 and the path to "/". Name resolution happens once, at startup.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/net_address.h"

namespace tquic::apps {

struct Url {
  std::string host;        // without brackets
  std::uint16_t port = 443;
  std::string path = "/";  // request target, starts with '/'
  std::string text;        // as given

  std::string authority() const;  // "host:port" ("[v6]:port")
};

// False with a one-line `error` naming what is wrong with `text`.
bool parse_url(std::string_view text, Url& out, std::string& error);

// The address to connect to: a literal, or the first answer of the
// resolver for a name. False with a one-line `error`.
bool resolve_host(const Url& url, NetAddress& out, std::string& error);

// True when `host` is an IP literal (no SNI is derived from it).
bool is_ip_literal(std::string_view host);

}  // namespace tquic::apps
