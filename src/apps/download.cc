#include "apps/download.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>
#include <utility>

namespace tquic::apps {

Download::~Download() { close_file(); }

Download::Download(Download&& o) noexcept
    : path_(std::move(o.path_)), output_path_(std::move(o.output_path_)), fd_(std::exchange(o.fd_, -1)),
      state_(o.state_), bytes_(o.bytes_), hash_(std::move(o.hash_)), sha256_(std::move(o.sha256_)),
      error_(std::move(o.error_)) {}

void Download::close_file() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

// Creates the output file once; fails the download if it cannot.
bool Download::open_output() {
  if (output_path_.empty() || fd_ >= 0) return true;
  fd_ = ::open(output_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ >= 0) return true;
  fail("cannot create '" + output_path_ + "' (" + std::strerror(errno) + ")");
  return false;
}

bool Download::append(ByteSpan data) {
  if (finished() || !open_output()) return false;
  hash_.update(data);
  bytes_ += data.size();
  std::size_t off = 0;
  for (int attempts = 0; fd_ >= 0 && off < data.size() && attempts < 64; ++attempts) {  // bounded: EINTR
    const ssize_t n = ::write(fd_, data.data() + off, data.size() - off);
    if (n < 0 && errno != EINTR) {
      fail("cannot write '" + output_path_ + "' (" + std::strerror(errno) + ")");
      return false;
    }
    if (n > 0) off += static_cast<std::size_t>(n);
  }
  if (fd_ >= 0 && off < data.size()) {
    fail("cannot write '" + output_path_ + "'");
    return false;
  }
  return true;
}

void Download::complete() {
  if (finished() || !open_output()) return;
  close_file();
  sha256_ = hash_.hex_digest();
  state_ = DownloadState::done;
}

void Download::fail(std::string reason) {
  if (finished()) return;
  close_file();
  error_ = std::move(reason);
  state_ = DownloadState::failed;
}

std::vector<std::string> output_paths(const std::vector<Url>& urls, const std::string& dir) {
  std::vector<std::string> out;
  std::set<std::string> taken;
  for (const Url& u : urls) {
    if (dir.empty()) {
      out.emplace_back();
      continue;
    }
    std::string p = u.path.substr(0, u.path.find_first_of("?#"));
    std::string name = p.substr(p.rfind('/') + 1);
    if (name.empty() || name == "." || name == "..") name = "index.html";
    std::string unique = name;
    for (std::size_t n = 1; taken.count(unique); ++n) unique = name + "." + std::to_string(n);
    taken.insert(unique);
    out.push_back(dir + "/" + unique);
  }
  return out;
}

}  // namespace tquic::apps
