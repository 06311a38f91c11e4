#include "apps/generated_content.h"

#include <algorithm>
#include <vector>

#include "apps/sha256.h"

namespace tquic::apps {
namespace {

std::size_t fill_pattern(std::uint64_t size, std::uint64_t offset, MutByteSpan out) {
  if (offset >= size) return 0;
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), size - offset));
  for (std::size_t i = 0; i < n; ++i) out[i] = generated_byte(offset + i);
  return n;
}

}  // namespace

std::uint8_t generated_byte(std::uint64_t i) { return static_cast<std::uint8_t>((i * 2654435761u) >> 13); }

std::string generated_sha256(std::uint64_t size) {
  Sha256 h;
  std::vector<std::uint8_t> chunk(64 * 1024);
  for (std::uint64_t off = 0; off < size;) {
    const std::size_t n = fill_pattern(size, off, chunk);
    h.update(ByteSpan(chunk.data(), n));
    off += n;
  }
  return h.hex_digest();
}

OpenedFile GeneratedFiles::open(std::string_view) {
  ++open_;
  return OpenedFile{FileStatus::ok, 1, size_};
}

Result<std::size_t> GeneratedFiles::read(std::uint64_t, std::uint64_t offset, MutByteSpan out) {
  return fill_pattern(size_, offset, out);
}

void GeneratedFiles::close(std::uint64_t) {
  if (open_ > 0) --open_;
}

}  // namespace tquic::apps
