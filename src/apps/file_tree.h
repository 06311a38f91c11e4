// Files under a document root, for `tquic serve`. The request path is
// already normalised (h3/path_safety.h rejects "..", encoded separators,
// NUL...); the kernel then enforces the root once more: files are opened
// with openat2(RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS) relative to the
// root's descriptor, so no symlink, mount trick or race leads outside it.
// On kernels without openat2 (before 5.6) the resolved real path must lie
// under the root's real path.
#pragma once

#include <memory>
#include <string>

#include "apps/content.h"

namespace tquic::apps {

class FileTree final : public ContentSource {
 public:
  // nullptr and a one-line `error` when `root` is not an openable directory.
  static std::unique_ptr<FileTree> open_root(const std::string& root, std::string& error);
  ~FileTree() override;
  FileTree(const FileTree&) = delete;
  FileTree& operator=(const FileTree&) = delete;

  LookupResult open(std::string_view relative_path, std::unique_ptr<ResponseBody>& body) override;

 private:
  FileTree(int fd, std::string real_root) : root_fd_(fd), real_root_(std::move(real_root)) {}
  int open_beneath(const std::string& relative) const;

  int root_fd_;
  std::string real_root_;
};

// A regular file read with pread(2); owns the descriptor.
class FileBody final : public ResponseBody {
 public:
  FileBody(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
  ~FileBody() override;
  FileBody(const FileBody&) = delete;
  FileBody& operator=(const FileBody&) = delete;

  std::uint64_t size() const override { return size_; }
  Result<std::size_t> read_at(std::uint64_t offset, MutByteSpan out) override;

 private:
  int fd_;
  std::uint64_t size_;
};

}  // namespace tquic::apps
