// What a file server answers with: a ContentSource maps a normalised request
// path (h3/path_safety.h) to a ResponseBody, which hands out its bytes by
// offset so a response is streamed chunk by chunk (apps/response_writer.h)
// and a file is never loaded whole.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "base/result.h"

namespace tquic::apps {

class ResponseBody {
 public:
  virtual ~ResponseBody() = default;
  virtual std::uint64_t size() const = 0;
  // Copies the bytes at `offset` into `out`; fewer than out.size() only at
  // the end. An error when the source fails (or shrank under us).
  virtual Result<std::size_t> read_at(std::uint64_t offset, MutByteSpan out) = 0;
};

enum class LookupResult : std::uint8_t { found, not_found, not_a_file, error };

class ContentSource {
 public:
  virtual ~ContentSource() = default;
  // `relative_path` has no leading '/', no "." or ".." segments. On
  // anything but `found`, `body` stays empty.
  virtual LookupResult open(std::string_view relative_path, std::unique_ptr<ResponseBody>& body) = 0;
};

}  // namespace tquic::apps
