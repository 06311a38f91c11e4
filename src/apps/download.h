// One file `tquic get` fetches: where it is saved (if anywhere), how much
// arrived, its SHA-256, and how it ended.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "apps/sha256.h"
#include "apps/url.h"
#include "base/bytes.h"

namespace tquic::apps {

enum class DownloadState : std::uint8_t { waiting, done, failed };

class Download {
 public:
  Download(std::string path, std::string output_path) : path_(std::move(path)), output_path_(std::move(output_path)) {}
  ~Download();
  Download(Download&& o) noexcept;
  Download(const Download&) = delete;
  Download& operator=(const Download&) = delete;
  Download& operator=(Download&&) = delete;

  // Appends response bytes (the output file is created with the first);
  // false, and the download failed, if the file cannot be written.
  bool append(ByteSpan data);
  // The response ended: the file is closed (created if the body was empty).
  void complete();
  void fail(std::string reason);

  const std::string& path() const { return path_; }
  const std::string& output_path() const { return output_path_; }
  DownloadState state() const { return state_; }
  bool finished() const { return state_ == DownloadState::done || state_ == DownloadState::failed; }
  std::uint64_t bytes() const { return bytes_; }
  const std::string& sha256() const { return sha256_; }  // once done
  const std::string& error() const { return error_; }

 private:
  bool open_output();
  void close_file();

  std::string path_;
  std::string output_path_;  // empty: not saved
  int fd_ = -1;
  DownloadState state_ = DownloadState::waiting;
  std::uint64_t bytes_ = 0;
  Sha256 hash_;
  std::string sha256_;
  std::string error_;
};

// Output file names for `urls` inside `dir`: the last path segment (query
// and fragment removed), "index.html" for a directory; a name used twice
// gets ".1", ".2", ... so parallel downloads never share a file. Empty
// names when `dir` is empty.
std::vector<std::string> output_paths(const std::vector<Url>& urls, const std::string& dir);

}  // namespace tquic::apps
