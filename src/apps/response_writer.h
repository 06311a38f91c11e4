// Streams one file into one QUIC stream as the stream accepts it: one chunk
// (kChunkSize) is read at a time through the FileSource, and what the
// stream did not take stays in that chunk until the next pump() (after a
// stream_writable event), so memory per response is one chunk however large
// the file is. The file handle is given back when the writer goes away.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "base/file_source.h"
#include "base/result.h"
#include "transport/connection/connection.h"

namespace tquic::apps {

// Where the bytes go: a QUIC stream in the server, a recorder in tests.
class StreamOutput {
 public:
  // Takes as many bytes as it can; `fin` applies only if all were taken.
  virtual Result<std::size_t> write(ByteSpan data, bool fin) = 0;

 protected:
  ~StreamOutput() = default;
};

// StreamOutput over Connection::stream_write.
class ConnectionStream final : public StreamOutput {
 public:
  ConnectionStream(transport::Connection& conn, transport::StreamId id) : conn_(conn), id_(id) {}
  Result<std::size_t> write(ByteSpan data, bool fin) override { return conn_.stream_write(id_, data, fin); }

 private:
  transport::Connection& conn_;
  transport::StreamId id_;
};

class ResponseWriter {
 public:
  static constexpr std::size_t kChunkSize = 64 * 1024;

  enum class Progress : std::uint8_t { blocked, finished };

  // `file` was opened by `files` (status ok); the writer owns the handle.
  ResponseWriter(FileSource& files, const OpenedFile& file) : files_(files), file_(file) {}
  ~ResponseWriter();
  ResponseWriter(const ResponseWriter&) = delete;
  ResponseWriter& operator=(const ResponseWriter&) = delete;

  // Moves bytes until the output pushes back (blocked) or the body and FIN
  // are out (finished; the chunk is then freed). Each round either ends
  // the call or consumes a whole chunk, so the work is bounded by the
  // stream's send buffer. An error if the file cannot be read (or shrank)
  // or the stream refuses data outright.
  Result<Progress> pump(StreamOutput& out);

  std::uint64_t size() const { return file_.size; }
  std::uint64_t bytes_sent() const { return sent_; }
  std::uint64_t bytes_read() const { return read_; }
  bool finished() const { return finished_; }

 private:
  Status fill_chunk();

  FileSource& files_;
  OpenedFile file_;
  std::unique_ptr<std::uint8_t[]> chunk_;  // allocated on the first pump
  std::size_t chunk_len_ = 0;
  std::size_t chunk_off_ = 0;
  std::uint64_t read_ = 0;
  std::uint64_t sent_ = 0;
  bool finished_ = false;
};

}  // namespace tquic::apps
