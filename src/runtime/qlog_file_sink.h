// qlog files for the runtime (draft-ietf-quic-qlog-main-schema "Set file
// output destination via an environment variable": one file per connection
// in a directory, named by ODCID and vantage point).
//
//   std::string err;
//   auto qlog = runtime::QlogDirectory::create("/var/log/tquic", err);
//   if (!qlog) { print(err); exit(2); }
//   config.qlog = qlog.get();   // transport::ConnectionConfig (or EndpointConfig::connection)
//
// Each connection then writes <dir>/<odcid-hex>_<client|server>.sqlog in
// JSON-SEQ. Records are buffered and written in large chunks: when the
// buffer is full, on flush(), and when the connection (which owns its sink)
// is destroyed. The core never touches files; only these classes do.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "transport/qlog/qlog_sink.h"

namespace tquic::runtime {

// One .sqlog file, written through a buffer by the connection's thread.
class QlogFileSink final : public transport::QlogSink {
 public:
  static constexpr std::size_t kDefaultBufferSize = 64 * 1024;

  // Creates (or truncates) `path`. nullptr and `error` set if it cannot.
  static std::unique_ptr<QlogFileSink> create(const std::string& path, std::string& error,
                                              std::size_t buffer_size = kDefaultBufferSize);
  ~QlogFileSink() override;  // flushes and closes
  QlogFileSink(const QlogFileSink&) = delete;
  QlogFileSink& operator=(const QlogFileSink&) = delete;

  void write(std::string_view record) override;
  // Writes what is buffered. False once a write failed: the file then stops
  // growing and later records are counted in records_dropped().
  bool flush();

  bool failed() const { return failed_; }
  std::uint64_t records_dropped() const { return dropped_; }
  const std::string& path() const { return path_; }

 private:
  QlogFileSink(int fd, std::string path, std::size_t buffer_size);
  bool write_all(const char* data, std::size_t size);

  int fd_;
  std::string path_;
  std::vector<char> buffer_;
  std::size_t used_ = 0;
  bool failed_ = false;
  std::uint64_t dropped_ = 0;
};

// The factory the runtime gives connections: one QlogFileSink per
// connection in one directory. Safe to share between shards (threads):
// open() is called once per connection and touches only atomic counters
// and, on failure, a mutex-guarded message.
class QlogDirectory final : public transport::QlogSinkFactory {
 public:
  // `dir` must be an existing, writable directory; otherwise nullptr and a
  // one-line `error` saying so.
  static std::unique_ptr<QlogDirectory> create(std::string dir, std::string& error,
                                               std::size_t buffer_size = QlogFileSink::kDefaultBufferSize);

  // A file sink, or nullptr (that connection runs without qlog; counted,
  // and last_error() says why).
  std::unique_ptr<transport::QlogSink> open(const transport::QlogTraceInfo& info) override;

  // <dir>/<odcid-hex>_<client|server>.sqlog
  std::string path_for(const transport::QlogTraceInfo& info) const;
  const std::string& directory() const { return dir_; }
  std::uint64_t files_opened() const { return opened_.load(std::memory_order_relaxed); }
  std::uint64_t files_failed() const { return failed_.load(std::memory_order_relaxed); }
  std::string last_error() const;

 private:
  QlogDirectory(std::string dir, std::size_t buffer_size) : dir_(std::move(dir)), buffer_size_(buffer_size) {}

  std::string dir_;
  std::size_t buffer_size_;
  std::atomic<std::uint64_t> opened_{0};
  std::atomic<std::uint64_t> failed_{0};
  mutable std::mutex error_mutex_;
  std::string last_error_;
};

}  // namespace tquic::runtime
