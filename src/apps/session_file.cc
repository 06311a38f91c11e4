#include "apps/session_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace tquic::apps {
namespace {

constexpr std::string_view kMagic = "tquic-session 1";
constexpr std::size_t kMaxField = 64 * 1024;  // hex bytes: tickets are a few hundred

std::string to_hex(const std::vector<std::uint8_t>& b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (std::uint8_t v : b) {
    s.push_back(kHex[v >> 4]);
    s.push_back(kHex[v & 0xf]);
  }
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool from_hex(std::string_view s, std::vector<std::uint8_t>& out) {
  if (s.size() % 2 != 0 || s.size() > kMaxField) return false;
  out.clear();
  for (std::size_t i = 0; i < s.size(); i += 2) {
    const int hi = hex_value(s[i]), lo = hex_value(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return true;
}

}  // namespace

std::string encode_session(const SessionState& s) {
  std::string out(kMagic);
  out += "\nserver " + s.server + "\n";
  if (s.cipher_suite != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "cipher %04x\n", s.cipher_suite);
    out += buf;
  }
  if (s.version != 0) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "version %08x\n", s.version);
    out += buf;
  }
  if (!s.ticket.empty()) out += "ticket " + to_hex(s.ticket) + "\n";
  if (!s.params.empty()) out += "params " + to_hex(s.params) + "\n";
  if (!s.token.empty()) out += "token " + to_hex(s.token) + "\n";
  if (!s.h3_settings.empty()) out += "h3settings " + to_hex(s.h3_settings) + "\n";
  return out;
}

bool decode_session(const std::string& text, SessionState& out, std::string& error) {
  out = SessionState{};
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kMagic) {
    error = "not a tquic session file (the first line must be '" + std::string(kMagic) + "')";
    return false;
  }
  for (int n = 2; std::getline(in, line); ++n) {
    const auto space = line.find(' ');
    const std::string key = line.substr(0, space);
    const std::string_view value = space == std::string::npos ? std::string_view{} : std::string_view(line).substr(space + 1);
    bool ok = true;
    if (key == "server") out.server = std::string(value);
    else if (key == "cipher") {
      std::vector<std::uint8_t> id;
      ok = value.size() == 4 && from_hex(value, id);
      if (ok) out.cipher_suite = static_cast<std::uint16_t>(id[0] << 8 | id[1]);
    } else if (key == "version") {
      std::vector<std::uint8_t> v;
      ok = value.size() == 8 && from_hex(value, v);
      if (ok) out.version = static_cast<std::uint32_t>(v[0]) << 24 | v[1] << 16 | v[2] << 8 | v[3];
    } else if (key == "ticket") ok = from_hex(value, out.ticket);
    else if (key == "params") ok = from_hex(value, out.params);
    else if (key == "token") ok = from_hex(value, out.token);
    else if (key == "h3settings") ok = from_hex(value, out.h3_settings);
    else if (!key.empty()) ok = false;
    if (!ok) {
      error = "line " + std::to_string(n) + " is not 'server|cipher|version|ticket|params|token|h3settings <value>' with a hex value";
      return false;
    }
  }
  return true;
}

SessionLoad load_session(const std::string& path, SessionState& out, std::string& error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    if (errno == ENOENT) return SessionLoad::absent;
    error = std::string("cannot read it (") + std::strerror(errno) + ")";
    return SessionLoad::invalid;
  }
  std::ostringstream text;
  text << f.rdbuf();
  return decode_session(text.str(), out, error) ? SessionLoad::loaded : SessionLoad::invalid;
}

bool save_session(const std::string& path, const SessionState& state, std::string& error) {
  const std::string tmp = path + ".tmp";
  const std::string text = encode_session(state);
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const int err = errno;
  if (fd >= 0) ok = ::close(fd) == 0 && ok;
  if (ok && ::rename(tmp.c_str(), path.c_str()) == 0) return true;
  error = "cannot write '" + path + "' (" + std::strerror(ok ? errno : err) + "); pass a writable --session path";
  ::unlink(tmp.c_str());
  return false;
}

}  // namespace tquic::apps
