#include "h3/message.h"

#include <array>

#include "h3/h3_error.h"

namespace tquic::h3 {
namespace {

Error malformed(const char* why) { return h3_error(H3Error::H3_MESSAGE_ERROR, why); }

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// RFC 9110 §5.6.2 tchar.
bool is_tchar(char c) {
  if (is_alpha(c) || is_digit(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~': return true;
    default: return false;
  }
}

char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}

Status check_name(std::string_view name) {
  if (name.empty()) return malformed("empty field name");
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') return malformed("uppercase character in field name");
    if (!is_tchar(c)) return malformed("invalid character in field name");
  }
  return ok_status();
}

Status check_value(std::string_view value) {
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f)
      return malformed("invalid character in field value");
  }
  if (!value.empty()) {
    const char first = value.front();
    const char last = value.back();
    if (first == ' ' || first == '\t' || last == ' ' || last == '\t')
      return malformed("whitespace around field value");
  }
  return ok_status();
}

bool is_connection_specific(std::string_view name) {
  return name == "connection" || name == "keep-alive" || name == "proxy-connection" ||
         name == "transfer-encoding" || name == "upgrade";
}

Result<std::uint64_t> parse_content_length(std::string_view v) {
  if (v.empty() || v.size() > 19) return malformed("invalid content-length");
  std::uint64_t n = 0;
  for (char c : v) {
    if (!is_digit(c)) return malformed("invalid content-length");
    n = n * 10 + static_cast<std::uint64_t>(c - '0');  // 19 digits cannot overflow
  }
  return n;
}

// What the regular fields of a section contribute to the message.
struct RegularFields {
  std::optional<std::uint64_t> content_length;
  std::optional<std::string_view> host;
  bool te_trailers = false;
};

Status check_regular_field(const FieldLine& f, RegularFields& acc) {
  TQUIC_TRY(check_name(f.name));
  TQUIC_TRY(check_value(f.value));
  if (is_connection_specific(f.name)) return malformed("connection-specific field");
  if (f.name == "te") {
    if (!equals_ignore_case(f.value, "trailers")) return malformed("te other than trailers");
    acc.te_trailers = true;
  } else if (f.name == "content-length") {
    TQUIC_TRY_ASSIGN(const std::uint64_t n, parse_content_length(f.value));
    if (acc.content_length && *acc.content_length != n)
      return malformed("conflicting content-length values");
    acc.content_length = n;
  } else if (f.name == "host") {
    if (acc.host) return malformed("more than one host field");
    acc.host = f.value;
  }
  return ok_status();
}

bool is_pseudo(const FieldLine& f) { return !f.name.empty() && f.name.front() == ':'; }

enum RequestPseudo : std::size_t { kMethod, kScheme, kAuthority, kPath, kProtocol, kPseudoCount };
using PseudoValues = std::array<std::optional<std::string_view>, kPseudoCount>;

int request_pseudo_index(std::string_view name, const RequestRules& rules) {
  if (name == ":method") return kMethod;
  if (name == ":scheme") return kScheme;
  if (name == ":authority") return kAuthority;
  if (name == ":path") return kPath;
  if (name == ":protocol" && rules.allow_extended_connect) return kProtocol;
  return -1;
}

// Splits a request header section into pseudo-headers and regular fields.
Status collect_request_fields(std::span<const FieldLine> fields, const RequestRules& rules,
                              PseudoValues& pseudo, RegularFields& regular) {
  bool regular_seen = false;
  for (const FieldLine& f : fields) {
    if (!is_pseudo(f)) {
      regular_seen = true;
      TQUIC_TRY(check_regular_field(f, regular));
      continue;
    }
    if (regular_seen) return malformed("pseudo-header after a regular field");
    const int index = request_pseudo_index(f.name, rules);
    if (index < 0) return malformed("unknown or response pseudo-header in a request");
    auto& slot = pseudo[static_cast<std::size_t>(index)];
    if (slot) return malformed("duplicate pseudo-header");
    TQUIC_TRY(check_value(f.value));
    slot = f.value;
  }
  return ok_status();
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

// RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
bool is_scheme(std::string_view s) {
  if (s.empty() || !is_alpha(s.front())) return false;
  for (char c : s)
    if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return false;
  return true;
}

// §4.3.1: :authority / Host for schemes with a mandatory authority.
Status check_http_authority(const PseudoValues& pseudo, const RegularFields& regular) {
  const auto& authority = pseudo[kAuthority];
  if (!authority && !regular.host) return malformed("no :authority or host");
  if (authority && authority->empty()) return malformed("empty :authority");
  if (regular.host && regular.host->empty()) return malformed("empty host");
  if (authority && regular.host && *authority != *regular.host)
    return malformed(":authority and host differ");
  if (authority && authority->find('@') != std::string_view::npos)
    return malformed("userinfo in :authority");
  return ok_status();
}

Status check_path(std::string_view path, std::string_view method, bool http_scheme) {
  if (path.empty()) return malformed("empty :path");
  if (!http_scheme || path.front() == '/') return ok_status();
  if (path == "*" && method == "OPTIONS") return ok_status();
  return malformed(":path is not absolute");
}

// §4.4: CONNECT carries only :method and :authority.
Status check_connect(const PseudoValues& pseudo) {
  if (pseudo[kScheme] || pseudo[kPath]) return malformed("CONNECT with :scheme or :path");
  if (!pseudo[kAuthority] || pseudo[kAuthority]->empty())
    return malformed("CONNECT without :authority");
  return ok_status();
}

Status check_request_semantics(const PseudoValues& pseudo, const RegularFields& regular) {
  if (!pseudo[kMethod]) return malformed("missing :method");
  const std::string_view method = *pseudo[kMethod];
  if (!is_token(method)) return malformed("invalid :method");
  const bool connect = method == "CONNECT";
  if (pseudo[kProtocol] && !connect) return malformed(":protocol without CONNECT");
  if (connect && !pseudo[kProtocol]) return check_connect(pseudo);
  if (!pseudo[kScheme] || !pseudo[kPath]) return malformed("missing :scheme or :path");
  if (!is_scheme(*pseudo[kScheme])) return malformed("invalid :scheme");
  if (pseudo[kProtocol] && !pseudo[kAuthority])
    return malformed("extended CONNECT without :authority");
  const bool http = equals_ignore_case(*pseudo[kScheme], "http") ||
                    equals_ignore_case(*pseudo[kScheme], "https");
  if (http) TQUIC_TRY(check_http_authority(pseudo, regular));
  return check_path(*pseudo[kPath], method, http);
}

Result<std::uint16_t> parse_status(std::string_view v) {
  if (v.size() != 3 || !is_digit(v[0]) || !is_digit(v[1]) || !is_digit(v[2]))
    return malformed("invalid :status");
  const auto code = static_cast<std::uint16_t>((v[0] - '0') * 100 + (v[1] - '0') * 10 + (v[2] - '0'));
  if (code < 100 || code > 599) return malformed(":status out of range");
  if (code == 101) return malformed("101 Switching Protocols in HTTP/3");
  return code;
}

}  // namespace

Result<RequestHead> validate_request_header(std::span<const FieldLine> fields,
                                            const RequestRules& rules) {
  PseudoValues pseudo{};
  RegularFields regular;
  TQUIC_TRY(collect_request_fields(fields, rules, pseudo, regular));
  TQUIC_TRY(check_request_semantics(pseudo, regular));
  RequestHead head;
  head.method = *pseudo[kMethod];
  head.scheme = pseudo[kScheme].value_or(std::string_view{});
  head.authority = pseudo[kAuthority] ? *pseudo[kAuthority] : regular.host.value_or("");
  head.path = pseudo[kPath].value_or(std::string_view{});
  head.protocol = pseudo[kProtocol].value_or(std::string_view{});
  head.is_extended_connect = pseudo[kProtocol].has_value();
  head.is_connect = head.method == "CONNECT" && !head.is_extended_connect;
  head.te_trailers = regular.te_trailers;
  head.content_length = regular.content_length;
  return head;
}

Result<ResponseHead> validate_response_header(std::span<const FieldLine> fields) {
  std::optional<std::string_view> status;
  RegularFields regular;
  bool regular_seen = false;
  for (const FieldLine& f : fields) {
    if (!is_pseudo(f)) {
      regular_seen = true;
      TQUIC_TRY(check_regular_field(f, regular));
      continue;
    }
    if (regular_seen) return malformed("pseudo-header after a regular field");
    if (f.name != ":status") return malformed("unknown or request pseudo-header in a response");
    if (status) return malformed("duplicate :status");
    status = f.value;
  }
  if (!status) return malformed("missing :status");
  ResponseHead head;
  TQUIC_TRY_ASSIGN(head.status, parse_status(*status));
  head.content_length = regular.content_length;
  return head;
}

Status validate_trailer_section(std::span<const FieldLine> fields) {
  RegularFields regular;
  for (const FieldLine& f : fields) {
    if (is_pseudo(f)) return malformed("pseudo-header in a trailer section");
    TQUIC_TRY(check_regular_field(f, regular));
  }
  return ok_status();
}

std::uint64_t field_section_size(std::span<const FieldLine> fields) {
  constexpr std::uint64_t kMax = ~std::uint64_t{0};
  std::uint64_t total = 0;
  for (const FieldLine& f : fields) {
    const std::uint64_t line = std::uint64_t{f.name.size()} + f.value.size() + 32;
    total = line > kMax - total ? kMax : total + line;
  }
  return total;
}

HeaderSectionInfo header_section_info(const RequestHead& request) {
  HeaderSectionInfo info;
  info.tunnel = request.is_connect || request.is_extended_connect;
  if (!info.tunnel) info.content_length = request.content_length;
  return info;
}

HeaderSectionInfo header_section_info(const ResponseHead& response,
                                      std::string_view request_method) {
  HeaderSectionInfo info;
  info.interim = response.interim();
  if (info.interim) return info;
  const bool success = response.status >= 200 && response.status < 300;
  info.tunnel = request_method == "CONNECT" && success;
  info.no_content = request_method == "HEAD" || response.status == 204 || response.status == 304;
  if (!info.tunnel && !info.no_content) info.content_length = response.content_length;
  return info;
}

}  // namespace tquic::h3
