// Content made up on the fly, for `tquic demo` and tests: every path is a
// body of `size` bytes of a fixed pseudo-random pattern, so a large
// transfer needs no file and both ends can compute the expected SHA-256.
#pragma once

#include <cstdint>
#include <string>

#include "apps/content.h"

namespace tquic::apps {

// Byte `i` of the pattern.
std::uint8_t generated_byte(std::uint64_t i);
// SHA-256 (hex) of the first `size` bytes of the pattern.
std::string generated_sha256(std::uint64_t size);

class GeneratedContent final : public ContentSource {
 public:
  explicit GeneratedContent(std::uint64_t size) : size_(size) {}
  LookupResult open(std::string_view relative_path, std::unique_ptr<ResponseBody>& body) override;

 private:
  std::uint64_t size_;
};

}  // namespace tquic::apps
