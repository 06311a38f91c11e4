// FileSource (base/file_source.h) over a directory of the local file system.
//
// Files are opened relative to a directory descriptor taken once, with
// openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS), so neither ".." nor a
// symbolic link can lead outside the root (on kernels without openat2 the
// fallback refuses symbolic links in the last component, O_NOFOLLOW, and
// relies on the caller's path normalisation for the rest). Reads are
// pread(2): several transfers of one file share nothing but the descriptor
// they each own.
#pragma once

#include <string>

#include "base/file_source.h"

namespace tquic::io {

class PosixFileSource final : public FileSource {
 public:
  PosixFileSource() = default;
  ~PosixFileSource() override;
  PosixFileSource(const PosixFileSource&) = delete;
  PosixFileSource& operator=(const PosixFileSource&) = delete;

  // Opens `root` (a directory). False with a one-line `error` saying what is
  // wrong with it.
  static bool open_root(const std::string& root, PosixFileSource& out, std::string& error);

  OpenedFile open(std::string_view relative_path) override;
  Result<std::size_t> read(std::uint64_t handle, std::uint64_t offset, MutByteSpan out) override;
  void close(std::uint64_t handle) override;

  std::size_t open_files() const { return open_files_; }

 private:
  int root_fd_ = -1;
  std::size_t open_files_ = 0;
};

}  // namespace tquic::io
