// Serves files under a document root over an HTTP/3 session (server side):
// GET and HEAD only.
//
//   400  a :path path_safety.h rejects (".." above the root, encoded dots
//        or separators, NUL, control characters, not starting with '/')
//   414  a :path longer than kMaxRequestPathLength
//   404  no such regular file;  403 not readable;  500 other file errors
//   405  another method, with "allow: GET, HEAD"
//   206  "range: bytes=a-b" (one range, byte_range.h) with content-range;
//   416  an unsatisfiable range, with "content-range: bytes */size"
//   200  otherwise; content-length always; HEAD gets the GET headers only
//
// The files come through a FileSource (base/file_source.h): h3 is sans-I/O,
// the runtime hands in io::PosixFileSource. A file is read in chunks as the
// stream's send buffer takes them: on_request() starts the transfer and
// on_writable() continues it, so one slow client never holds more than its
// stream's buffer. Request content is discarded.
//
// Drive it from the session's events (file_server_app.h does exactly this):
//   request      -> on_request()
//   writable     -> on_writable()
//   stream_reset -> on_stream_reset()
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/file_source.h"
#include "base/time.h"
#include "h3/path_safety.h"
#include "h3/session.h"

namespace tquic::h3 {

struct FileResponderOptions {
  std::size_t chunk_size = 64 * 1024;  // bytes read per send_body() offer
};

struct FileResponderStats {
  std::uint64_t responses = 0;        // every status
  std::uint64_t error_responses = 0;  // 4xx and 5xx
  std::uint64_t files_completed = 0;  // bodies sent to the end
  std::uint64_t transfers_aborted = 0;
  std::uint64_t body_bytes = 0;
};

// The status for a file that could not be opened (rejected paths:
// path_verdict_http_status()).
std::uint16_t file_status_http_status(FileStatus s);

class FileResponder {
 public:
  explicit FileResponder(FileSource& files, const FileResponderOptions& options = {});
  ~FileResponder();
  FileResponder(const FileResponder&) = delete;
  FileResponder& operator=(const FileResponder&) = delete;

  void on_request(Session& session, transport::Connection& conn, transport::StreamId id, Timestamp now);
  void on_writable(Session& session, transport::Connection& conn, transport::StreamId id, Timestamp now);
  void on_stream_reset(transport::StreamId id);
  // The connection closed: every transfer ends.
  void on_closed();

  std::size_t active_transfers() const { return transfers_.size(); }
  const FileResponderStats& stats() const { return stats_; }

 private:
  struct Transfer {
    transport::StreamId id = 0;
    std::uint64_t handle = 0;
    std::uint64_t offset = 0;  // next byte to offer
    std::uint64_t end = 0;     // one past the last byte to send
  };

  void respond_empty(Session& session, transport::Connection& conn, transport::StreamId id,
                     std::uint16_t status, std::span<const FieldLine> extra);
  void serve_file(Session& session, transport::Connection& conn, transport::StreamId id,
                  const OpenedFile& file, bool head, Timestamp now);
  void pump(Session& session, transport::Connection& conn, std::size_t index, Timestamp now);
  void finish(std::size_t index);

  FileSource& files_;
  FileResponderOptions options_;
  std::vector<Transfer> transfers_;
  std::vector<std::uint8_t> chunk_;
  std::array<char, kMaxRequestPathLength> path_buffer_{};
  FileResponderStats stats_;
};

}  // namespace tquic::h3
