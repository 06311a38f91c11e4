#include "h3/hq_interop.h"

namespace tquic::h3 {
namespace {

std::string_view trim_trailing_blanks(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// "GET <target>": one method, spaces, one target, nothing else.
bool split_request_line(std::string_view line, std::string_view& target) {
  constexpr std::string_view kGet = "GET ";
  if (line.substr(0, kGet.size()) != kGet) return false;
  std::string_view rest = line.substr(kGet.size());
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  if (rest.empty() || rest.find_first_of(" \t") != std::string_view::npos) return false;
  target = rest;
  return true;
}

}  // namespace

HqRequest HqRequestParser::finish_line() {
  const std::string_view line = trim_trailing_blanks(std::string_view(line_.data(), line_len_));
  std::string_view target;
  if (!split_request_line(line, target)) {
    result_.status = HqRequestStatus::bad_request_line;
    return result_;
  }
  result_.target = target;
  const NormalizedPath path = normalize_request_path(target, path_);
  result_.path_verdict = path.verdict;
  result_.relative_path = path.relative;
  result_.status =
      path.verdict == PathVerdict::ok ? HqRequestStatus::ok : HqRequestStatus::bad_path;
  return result_;
}

HqRequest HqRequestParser::feed(ByteSpan in, bool fin) {
  if (result_.status != HqRequestStatus::need_more) {
    HqRequest again = result_;
    again.consumed = in.size();
    return again;
  }
  std::size_t used = 0;
  bool newline = false;
  while (used < in.size() && !newline) {
    const char c = static_cast<char>(in[used++]);
    if (c == '\n') {
      newline = true;
    } else if (line_len_ == line_.size()) {
      result_.status = HqRequestStatus::too_long;
    } else {
      line_[line_len_++] = c;
    }
    if (result_.status == HqRequestStatus::too_long) break;
  }
  if (result_.status == HqRequestStatus::need_more && (newline || (fin && used == in.size())))
    finish_line();
  HqRequest out = result_;
  out.consumed = result_.status == HqRequestStatus::need_more ? used : in.size();
  return out;
}

bool write_hq_request(ByteWriter& w, std::string_view path) {
  if (path.empty() || path.find_first_of("\r\n ") != std::string_view::npos) return false;
  constexpr std::string_view kGet = "GET ";
  const std::size_t size = kGet.size() + path.size() + 2;
  if (w.remaining() < size) return false;
  auto bytes = [](std::string_view s) {
    return ByteSpan(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  };
  return w.write_bytes(bytes(kGet)) && w.write_bytes(bytes(path)) && w.write_bytes(bytes("\r\n"));
}

}  // namespace tquic::h3
