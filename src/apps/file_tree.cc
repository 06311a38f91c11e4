#include "apps/file_tree.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

namespace tquic::apps {

std::unique_ptr<FileTree> FileTree::open_root(const std::string& root, std::string& error) {
  const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  char real[PATH_MAX];
  if (fd < 0 || !::realpath(root.c_str(), real)) {
    error = "--root: cannot open '" + root + "' (" + std::strerror(errno) + "); pass a readable directory";
    if (fd >= 0) ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<FileTree>(new FileTree(fd, real));
}

FileTree::~FileTree() { ::close(root_fd_); }

int FileTree::open_beneath(const std::string& relative) const {
  open_how how{};
  how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;  // a FIFO must not block the server
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const long fd = ::syscall(SYS_openat2, root_fd_, relative.c_str(), &how, sizeof how);
  if (fd >= 0 || errno != ENOSYS) return static_cast<int>(fd);
  // No openat2: resolve, then insist the result is under the root.
  char real[PATH_MAX];
  const std::string full = real_root_ + "/" + relative;
  if (!::realpath(full.c_str(), real)) return -1;
  const std::string r(real);
  if (r.compare(0, real_root_.size(), real_root_) != 0 || (r.size() > real_root_.size() && r[real_root_.size()] != '/')) {
    errno = EXDEV;
    return -1;
  }
  return ::open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
}

LookupResult FileTree::open(std::string_view relative_path, std::unique_ptr<ResponseBody>& body) {
  body.reset();
  const int fd = open_beneath(std::string(relative_path));
  if (fd < 0) {
    // EXDEV/ELOOP: the path leads outside the root: as absent as a missing file.
    return errno == ENOENT || errno == ENOTDIR || errno == EXDEV || errno == ELOOP || errno == EACCES
               ? LookupResult::not_found
               : LookupResult::error;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return LookupResult::not_a_file;
  }
  body = std::make_unique<FileBody>(fd, static_cast<std::uint64_t>(st.st_size));
  return LookupResult::found;
}

FileBody::~FileBody() { ::close(fd_); }

Result<std::size_t> FileBody::read_at(std::uint64_t offset, MutByteSpan out) {
  std::size_t got = 0;
  for (int attempts = 0; got < out.size() && attempts < 64; ++attempts) {  // bounded: EINTR / short reads
    const ssize_t n = ::pread(fd_, out.data() + got, out.size() - got, static_cast<off_t>(offset + got));
    if (n == 0) break;  // end of file
    if (n < 0 && errno != EINTR) return Error::local("cannot read the file");
    if (n > 0) got += static_cast<std::size_t>(n);
  }
  return got;
}

}  // namespace tquic::apps
