#include "io/posix_file_source.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

namespace tquic::io {
namespace {

constexpr int kOpenFlags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;

FileStatus status_from_errno(int e) {
  switch (e) {
    case ENOENT:
    case ENOTDIR:
    case EXDEV:   // RESOLVE_BENEATH: the path would leave the root
    case ELOOP:   // a symbolic link where none is allowed
    case ENAMETOOLONG: return FileStatus::not_found;
    case EACCES:
    case EPERM: return FileStatus::forbidden;
    default: return FileStatus::io_error;
  }
}

int open_beneath(int root_fd, const char* path) {
#ifdef SYS_openat2
  open_how how{};
  how.flags = kOpenFlags;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const long fd = syscall(SYS_openat2, root_fd, path, &how, sizeof(how));
  if (fd >= 0 || errno != ENOSYS) return static_cast<int>(fd);
#endif
  return openat(root_fd, path, kOpenFlags | O_NOFOLLOW);
}

}  // namespace

PosixFileSource::~PosixFileSource() {
  if (root_fd_ >= 0) ::close(root_fd_);
}

bool PosixFileSource::open_root(const std::string& root, PosixFileSource& out, std::string& error) {
  const int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open document root '" + root + "': " + std::strerror(errno) +
            " (give an existing, readable directory)";
    return false;
  }
  if (out.root_fd_ >= 0) ::close(out.root_fd_);
  out.root_fd_ = fd;
  return true;
}

OpenedFile PosixFileSource::open(std::string_view relative_path) {
  OpenedFile out;
  if (root_fd_ < 0) return out;  // io_error: no root
  if (relative_path.empty() || relative_path.front() == '/' ||
      relative_path.find('\0') != std::string_view::npos) {
    out.status = FileStatus::not_found;
    return out;
  }
  const std::string path(relative_path);
  const int fd = open_beneath(root_fd_, path.c_str());
  if (fd < 0) {
    out.status = status_from_errno(errno);
    return out;
  }
  struct stat st {};
  const bool stat_ok = fstat(fd, &st) == 0;
  if (!stat_ok || !S_ISREG(st.st_mode)) {
    out.status = stat_ok ? FileStatus::not_regular : FileStatus::io_error;
    ::close(fd);
    return out;
  }
  ++open_files_;
  out.status = FileStatus::ok;
  out.handle = static_cast<std::uint64_t>(fd);
  out.size = static_cast<std::uint64_t>(st.st_size);
  return out;
}

Result<std::size_t> PosixFileSource::read(std::uint64_t handle, std::uint64_t offset, MutByteSpan out) {
  if (offset > static_cast<std::uint64_t>(INT64_MAX)) return Error::local("file offset out of range");
  for (;;) {
    const ssize_t n = pread(static_cast<int>(handle), out.data(), out.size(), static_cast<off_t>(offset));
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return Error::local("pread failed");
  }
}

void PosixFileSource::close(std::uint64_t handle) {
  if (::close(static_cast<int>(handle)) == 0 && open_files_ > 0) --open_files_;
}

}  // namespace tquic::io
