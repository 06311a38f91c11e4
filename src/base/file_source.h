// Read-only access to the files below a document root, as an interface, so
// that layers which must not call the OS (h3 is sans-I/O, like the core) can
// serve files. The runtime supplies the real implementation
// (io/posix_file_source.h); tests supply in-memory ones.
//
// Paths handed to open() are already normalised by the caller
// (h3/path_safety.h): relative, '/'-separated, no empty, "." or ".."
// segments. An implementation still must not let a path leave the root
// (symbolic links included).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace tquic {

enum class FileStatus : std::uint8_t {
  ok,
  not_found,    // no such file (or it lies outside the root)
  not_regular,  // a directory, device, socket, ...
  forbidden,    // exists but may not be read
  io_error,     // anything else
};

struct OpenedFile {
  FileStatus status = FileStatus::io_error;
  std::uint64_t handle = 0;  // valid when status == ok; give back with close()
  std::uint64_t size = 0;    // bytes, when status == ok
};

class FileSource {
 public:
  virtual ~FileSource() = default;

  virtual OpenedFile open(std::string_view relative_path) = 0;
  // Copies up to out.size() bytes from `offset` into `out`; 0 means end of
  // file. Error::local if the read failed.
  virtual Result<std::size_t> read(std::uint64_t handle, std::uint64_t offset, MutByteSpan out) = 0;
  virtual void close(std::uint64_t handle) = 0;
};

// "ok", "not_found", ... for logs.
constexpr const char* file_status_name(FileStatus s) {
  switch (s) {
    case FileStatus::ok: return "ok";
    case FileStatus::not_found: return "not_found";
    case FileStatus::not_regular: return "not_regular";
    case FileStatus::forbidden: return "forbidden";
    case FileStatus::io_error: return "io_error";
  }
  return "unknown";
}

}  // namespace tquic
