// Maps a request :path to a file path relative to a document root, for
// serving static files (the h3 and hq-interop servers). Pure string work: no
// filesystem access, no allocation (the caller supplies the output buffer).
//
// Steps, in this order:
//  1. the path must start with '/' and be at most kMaxRequestPathLength;
//     a backslash anywhere is rejected (Windows separator tricks);
//  2. the query ('?...') and fragment ('#...') are stripped;
//  3. each segment is percent-decoded; invalid escapes ("%zz", "%4"), an
//     encoded separator (%2F, %5C) and NUL (%00) are rejected, as is any
//     decoded control character or backslash, and a ':' (drive letters such
//     as "C:", NTFS streams);
//  4. empty and "." segments are dropped ("//etc/passwd" is therefore
//     "etc/passwd" UNDER the root: an empty segment never means "the
//     filesystem root"); ".." removes the previous segment; a ".." with no
//     segment left to remove is REJECTED (escapes_root), never clamped;
//  5. "/" maps to "index.html", and a path ending in '/' (a directory) to
//     "<dir>/index.html".
// The result has no leading '/', no "." or ".." segments and no empty ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace tquic::h3 {

inline constexpr std::size_t kMaxRequestPathLength = 4096;
inline constexpr std::string_view kIndexFile = "index.html";

enum class PathVerdict : std::uint8_t {
  ok,
  not_absolute,       // empty or not starting with '/'
  too_long,           // input over kMaxRequestPathLength, or output does not fit
  bad_escape,         // '%' not followed by two hex digits
  encoded_separator,  // %2F or %5C
  nul_byte,           // %00
  control_char,       // a decoded byte < 0x20 or 0x7f
  backslash,          // '\' literal
  colon,              // ':' in a segment (drive letters, alternate data streams)
  escapes_root,       // ".." above the root
};

struct NormalizedPath {
  PathVerdict verdict = PathVerdict::ok;
  std::string_view relative;  // into the caller's buffer; valid when verdict == ok
};

// Normalises `raw` (a :path or HTTP/0.9 request target) into `out`.
NormalizedPath normalize_request_path(std::string_view raw, std::span<char> out);

// "ok", "escapes_root", ... for logs.
const char* path_verdict_name(PathVerdict v);

// The status a file server should answer with: 414 for too_long, 400 for
// every other rejection (escapes_root included: the verdict is reached from
// the text alone, so it says nothing about what lies outside the root),
// 200 for ok.
int path_verdict_http_status(PathVerdict v);

}  // namespace tquic::h3
