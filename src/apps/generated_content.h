// Files made up on the fly, for `tquic demo` and tests: every path is a
// body of `size` bytes of a fixed pseudo-random pattern, so a large
// transfer needs no disk and both ends can compute the expected SHA-256.
#pragma once

#include <cstdint>
#include <string>

#include "base/file_source.h"

namespace tquic::apps {

// Byte `i` of the pattern.
std::uint8_t generated_byte(std::uint64_t i);
// SHA-256 (hex) of the first `size` bytes of the pattern.
std::string generated_sha256(std::uint64_t size);

class GeneratedFiles final : public FileSource {
 public:
  explicit GeneratedFiles(std::uint64_t size) : size_(size) {}
  OpenedFile open(std::string_view relative_path) override;
  Result<std::size_t> read(std::uint64_t handle, std::uint64_t offset, MutByteSpan out) override;
  void close(std::uint64_t handle) override;
  std::size_t open_files() const { return open_; }

 private:
  std::uint64_t size_;
  std::size_t open_ = 0;
};

}  // namespace tquic::apps
