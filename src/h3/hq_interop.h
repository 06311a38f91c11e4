// HTTP/0.9 over QUIC ("hq-interop", the QUIC interop runner's file
// transfer protocol). The client opens a bidirectional stream, sends
//   "GET /path\r\n"
// and closes it; the server answers with the raw file bytes, then FIN.
// There are no headers and no status: an error is a stream reset.
//
// The parser tolerates a missing '\r' and a missing newline when FIN ends
// the line, bounds the request line to kMaxHqRequestLine bytes, and runs the
// target through normalize_request_path() (path_safety.h).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/bytes.h"
#include "h3/path_safety.h"

namespace tquic::h3 {

inline constexpr std::size_t kMaxHqRequestLine = 4 + kMaxRequestPathLength + 64;

enum class HqRequestStatus : std::uint8_t {
  need_more,         // no complete request line yet
  ok,                // relative_path names the file to send
  too_long,          // request line over kMaxHqRequestLine
  bad_request_line,  // not "GET <target>", or empty
  bad_path,          // target rejected: see path_verdict
};

struct HqRequest {
  HqRequestStatus status = HqRequestStatus::need_more;
  PathVerdict path_verdict = PathVerdict::ok;
  std::string_view target;         // raw request target (views into the parser)
  std::string_view relative_path;  // normalised, when status == ok
  std::size_t consumed = 0;        // input bytes consumed by this call
};

class HqRequestParser {
 public:
  // Feeds request stream bytes; `fin` says the stream ends after `in`. Once
  // the status is final (not need_more), later calls consume and ignore
  // their input and repeat the result.
  HqRequest feed(ByteSpan in, bool fin);

 private:
  HqRequest finish_line();

  std::array<char, kMaxHqRequestLine> line_{};
  std::array<char, kMaxRequestPathLength> path_{};
  std::size_t line_len_ = 0;
  HqRequest result_{};
};

// Client side: "GET <path>\r\n". Atomic; false if it does not fit, or the
// path is empty or contains CR, LF or SP.
bool write_hq_request(ByteWriter& w, std::string_view path);

}  // namespace tquic::h3
