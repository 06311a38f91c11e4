#include "runtime/qlog_file_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace tquic::runtime {
namespace {

constexpr int kMaxInterruptedRetries = 16;  // HOTPATH rule 15: bounded

std::string errno_text(int err) { return std::strerror(err); }

}  // namespace

std::unique_ptr<QlogFileSink> QlogFileSink::create(const std::string& path, std::string& error,
                                                   std::size_t buffer_size) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = "cannot create qlog file " + path + ": " + errno_text(errno);
    return nullptr;
  }
  return std::unique_ptr<QlogFileSink>(new QlogFileSink(fd, path, std::max<std::size_t>(buffer_size, 1)));
}

QlogFileSink::QlogFileSink(int fd, std::string path, std::size_t buffer_size)
    : fd_(fd), path_(std::move(path)), buffer_(buffer_size) {}

QlogFileSink::~QlogFileSink() {
  flush();
  ::close(fd_);
}

void QlogFileSink::write(std::string_view record) {
  if (failed_) {
    ++dropped_;
    return;
  }
  if (record.size() > buffer_.size() - used_ && !flush()) {
    ++dropped_;
    return;
  }
  if (record.size() > buffer_.size()) {  // larger than the whole buffer: straight out
    if (!write_all(record.data(), record.size())) ++dropped_;
    return;
  }
  std::memcpy(buffer_.data() + used_, record.data(), record.size());
  used_ += record.size();
}

bool QlogFileSink::flush() {
  if (failed_) return false;
  const bool ok = write_all(buffer_.data(), used_);
  used_ = 0;
  return ok;
}

bool QlogFileSink::write_all(const char* data, std::size_t size) {
  int interrupted = 0;
  while (size > 0) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0 && errno == EINTR && ++interrupted <= kMaxInterruptedRetries) continue;
    if (n <= 0) {  // disk full, I/O error: stop logging rather than retry forever
      failed_ = true;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

std::unique_ptr<QlogDirectory> QlogDirectory::create(std::string dir, std::string& error, std::size_t buffer_size) {
  struct stat st {};
  if (dir.empty()) {
    error = "qlog directory is empty: pass an existing directory";
    return nullptr;
  }
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    error = "qlog directory " + dir + " does not exist: create it first or choose another";
    return nullptr;
  }
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    error = "qlog directory " + dir + " is not writable: " + errno_text(errno);
    return nullptr;
  }
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return std::unique_ptr<QlogDirectory>(new QlogDirectory(std::move(dir), buffer_size));
}

std::string QlogDirectory::path_for(const transport::QlogTraceInfo& info) const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string path = dir_;
  if (path.back() != '/') path += '/';
  for (const std::uint8_t b : info.original_dcid) {
    path += kHex[b >> 4];
    path += kHex[b & 0xf];
  }
  path += info.role == wire::Role::client ? "_client.sqlog" : "_server.sqlog";
  return path;
}

std::unique_ptr<transport::QlogSink> QlogDirectory::open(const transport::QlogTraceInfo& info) {
  std::string error;
  auto sink = QlogFileSink::create(path_for(info), error, buffer_size_);
  if (!sink) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    const std::lock_guard<std::mutex> lock(error_mutex_);
    last_error_ = std::move(error);
    return nullptr;
  }
  opened_.fetch_add(1, std::memory_order_relaxed);
  return sink;
}

std::string QlogDirectory::last_error() const {
  const std::lock_guard<std::mutex> lock(error_mutex_);
  return last_error_;
}

}  // namespace tquic::runtime
