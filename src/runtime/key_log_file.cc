#include "runtime/key_log_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace tquic::runtime {
namespace {

void append_hex(std::string& out, ByteSpan bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::uint8_t b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
}

}  // namespace

std::string format_key_log_line(std::string_view label, ByteSpan client_random, ByteSpan secret) {
  std::string line(label);
  line.push_back(' ');
  append_hex(line, client_random);
  line.push_back(' ');
  append_hex(line, secret);
  line.push_back('\n');
  return line;
}

std::string key_log_path(const std::string& option) {
  if (!option.empty()) return option;
  const char* env = std::getenv("SSLKEYLOGFILE");
  return env ? std::string(env) : std::string();
}

std::unique_ptr<KeyLogFile> KeyLogFile::open(const std::string& path, std::string& error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    error = "cannot open key log '" + path + "' (" + std::strerror(errno) +
            "); give a writable file path";
    return nullptr;
  }
  return std::unique_ptr<KeyLogFile>(new KeyLogFile(fd, path));
}

KeyLogFile::~KeyLogFile() { ::close(fd_); }

void KeyLogFile::on_secret(std::string_view label, ByteSpan client_random, ByteSpan secret) {
  const std::string line = format_key_log_line(label, client_random, secret);
  std::lock_guard lock(mutex_);
  // One write per line with O_APPEND: lines from several processes sharing
  // the file (SSLKEYLOGFILE) do not interleave.
  if (::write(fd_, line.data(), line.size()) == static_cast<ssize_t>(line.size())) ++lines_;
}

std::uint64_t KeyLogFile::lines_written() const {
  std::lock_guard lock(mutex_);
  return lines_;
}

}  // namespace tquic::runtime
