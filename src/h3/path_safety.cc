#include "h3/path_safety.h"

namespace tquic::h3 {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Checks one decoded byte of a segment.
PathVerdict check_byte(unsigned char b) {
  if (b == 0) return PathVerdict::nul_byte;
  if (b < 0x20 || b == 0x7f) return PathVerdict::control_char;
  if (b == '\\') return PathVerdict::backslash;
  if (b == ':') return PathVerdict::colon;
  return PathVerdict::ok;
}

// Builds "seg/seg/seg" in the caller's buffer, resolving "." and "..".
class SegmentWriter {
 public:
  explicit SegmentWriter(std::span<char> out) : out_(out) {}

  // Percent-decodes `raw` and appends it as a segment (or resolves it).
  PathVerdict add(std::string_view raw, bool& is_directory) {
    const std::size_t start = len_ == 0 ? 0 : len_ + 1;  // after a '/'
    std::size_t end = start;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      unsigned char b = static_cast<unsigned char>(raw[i]);
      if (b == '%') {
        if (raw.size() - i < 3) return PathVerdict::bad_escape;  // "%" or "%4" at the end
        const int hi = hex_value(raw[i + 1]);
        const int lo = hex_value(raw[i + 2]);
        if (hi < 0 || lo < 0) return PathVerdict::bad_escape;
        b = static_cast<unsigned char>(hi * 16 + lo);
        if (b == '/' || b == '\\') return PathVerdict::encoded_separator;
        i += 2;
      }
      if (const PathVerdict v = check_byte(b); v != PathVerdict::ok) return v;
      if (end >= out_.size()) return PathVerdict::too_long;
      out_[end++] = static_cast<char>(b);
    }
    return commit(start, end, is_directory);
  }

  PathVerdict append_index() {
    bool unused = false;
    const std::size_t start = len_ == 0 ? 0 : len_ + 1;
    if (out_.size() < start + kIndexFile.size()) return PathVerdict::too_long;
    for (std::size_t i = 0; i < kIndexFile.size(); ++i) out_[start + i] = kIndexFile[i];
    return commit(start, start + kIndexFile.size(), unused);
  }

  std::string_view result() const { return std::string_view(out_.data(), len_); }

 private:
  PathVerdict commit(std::size_t start, std::size_t end, bool& is_directory) {
    const std::string_view seg(out_.data() + start, end - start);
    is_directory = seg.empty() || seg == "." || seg == "..";
    if (seg.empty() || seg == ".") return PathVerdict::ok;
    if (seg == "..") return pop();
    if (start != 0) {
      if (len_ >= out_.size()) return PathVerdict::too_long;
      out_[len_] = '/';
    }
    len_ = end;
    return PathVerdict::ok;
  }

  PathVerdict pop() {
    if (len_ == 0) return PathVerdict::escapes_root;  // never clamp
    std::size_t i = len_;
    while (i > 0 && out_[i - 1] != '/') --i;
    len_ = i == 0 ? 0 : i - 1;
    return PathVerdict::ok;
  }

  std::span<char> out_;
  std::size_t len_ = 0;
};

std::string_view strip_query_and_fragment(std::string_view raw) {
  const std::size_t cut = raw.find_first_of("?#");
  return cut == std::string_view::npos ? raw : raw.substr(0, cut);
}

}  // namespace

NormalizedPath normalize_request_path(std::string_view raw, std::span<char> out) {
  if (raw.size() > kMaxRequestPathLength) return {PathVerdict::too_long, {}};
  const std::string_view path = strip_query_and_fragment(raw);
  if (path.find('\\') != std::string_view::npos) return {PathVerdict::backslash, {}};
  if (path.empty() || path.front() != '/') return {PathVerdict::not_absolute, {}};

  SegmentWriter writer(out);
  bool is_directory = true;
  std::size_t pos = 1;  // past the leading '/'
  for (;;) {
    const std::size_t slash = path.find('/', pos);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    const PathVerdict v = writer.add(path.substr(pos, end - pos), is_directory);
    if (v != PathVerdict::ok) return {v, {}};
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  if (is_directory) {
    const PathVerdict v = writer.append_index();
    if (v != PathVerdict::ok) return {v, {}};
  }
  return {PathVerdict::ok, writer.result()};
}

const char* path_verdict_name(PathVerdict v) {
  switch (v) {
    case PathVerdict::ok: return "ok";
    case PathVerdict::not_absolute: return "not_absolute";
    case PathVerdict::too_long: return "too_long";
    case PathVerdict::bad_escape: return "bad_escape";
    case PathVerdict::encoded_separator: return "encoded_separator";
    case PathVerdict::nul_byte: return "nul_byte";
    case PathVerdict::control_char: return "control_char";
    case PathVerdict::backslash: return "backslash";
    case PathVerdict::colon: return "colon";
    case PathVerdict::escapes_root: return "escapes_root";
  }
  return "unknown";
}

int path_verdict_http_status(PathVerdict v) {
  switch (v) {
    case PathVerdict::ok: return 200;
    case PathVerdict::too_long: return 414;
    default: return 400;
  }
}

}  // namespace tquic::h3
