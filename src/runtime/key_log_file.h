// The TLS key log the operator asked for: `--keylog FILE`, or the file named
// by SSLKEYLOGFILE. Lines use the NSS key log format that Wireshark and
// tshark read to decrypt captured QUIC:
//   CLIENT_HANDSHAKE_TRAFFIC_SECRET <client random hex> <secret hex>
// GnuTLS already appends to $SSLKEYLOGFILE on its own (also on its QUIC
// path); installing this sink replaces that per session, so both ways give
// the same file and no line is written twice.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "crypto/tls/key_log.h"

namespace tquic::runtime {

// One NSS key log line, with the trailing newline.
std::string format_key_log_line(std::string_view label, ByteSpan client_random, ByteSpan secret);

// `option` (from --keylog) if not empty, else $SSLKEYLOGFILE, else empty.
std::string key_log_path(const std::string& option);

class KeyLogFile final : public crypto::KeyLogSink {
 public:
  // Opens `path` for appending (created with mode 0600: the file holds
  // secrets). nullptr and a one-line `error` when it cannot.
  static std::unique_ptr<KeyLogFile> open(const std::string& path, std::string& error);
  ~KeyLogFile();
  KeyLogFile(const KeyLogFile&) = delete;
  KeyLogFile& operator=(const KeyLogFile&) = delete;

  // Thread-safe: endpoints on several threads may share one file.
  void on_secret(std::string_view label, ByteSpan client_random, ByteSpan secret) override;
  const std::string& path() const { return path_; }
  std::uint64_t lines_written() const;

 private:
  KeyLogFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  int fd_;
  std::string path_;
  mutable std::mutex mutex_;
  std::uint64_t lines_ = 0;
};

}  // namespace tquic::runtime
