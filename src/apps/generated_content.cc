#include "apps/generated_content.h"

#include <algorithm>
#include <vector>

#include "apps/sha256.h"

namespace tquic::apps {
namespace {

class GeneratedBody final : public ResponseBody {
 public:
  explicit GeneratedBody(std::uint64_t size) : size_(size) {}
  std::uint64_t size() const override { return size_; }
  Result<std::size_t> read_at(std::uint64_t offset, MutByteSpan out) override {
    if (offset >= size_) return std::size_t{0};
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), size_ - offset));
    for (std::size_t i = 0; i < n; ++i) out[i] = generated_byte(offset + i);
    return n;
  }

 private:
  std::uint64_t size_;
};

}  // namespace

std::uint8_t generated_byte(std::uint64_t i) { return static_cast<std::uint8_t>((i * 2654435761u) >> 13); }

std::string generated_sha256(std::uint64_t size) {
  Sha256 h;
  std::vector<std::uint8_t> chunk(64 * 1024);
  GeneratedBody body(size);
  for (std::uint64_t off = 0; off < size;) {
    auto n = body.read_at(off, chunk);
    h.update(ByteSpan(chunk.data(), *n));
    off += *n;
  }
  return h.hex_digest();
}

LookupResult GeneratedContent::open(std::string_view, std::unique_ptr<ResponseBody>& body) {
  body = std::make_unique<GeneratedBody>(size_);
  return LookupResult::found;
}

}  // namespace tquic::apps
