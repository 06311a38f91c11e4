#include "io/posix_file_source.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace tquic::io {
namespace {

// A fresh directory tree under /tmp, removed afterwards:
//   <dir>/root/{a.txt, empty, sub/b.bin, link-out -> ../secret, link-in -> a.txt}
//   <dir>/secret
class TempTree {
 public:
  TempTree() {
    char tmpl[] = "/tmp/tquic-files-XXXXXX";
    const char* d = mkdtemp(tmpl);
    EXPECT_NE(d, nullptr);
    dir_ = d ? d : "";
    root_ = dir_ + "/root";
    EXPECT_EQ(mkdir(root_.c_str(), 0755), 0);
    EXPECT_EQ(mkdir((root_ + "/sub").c_str(), 0755), 0);
    write(root_ + "/a.txt", "hello, file");
    write(root_ + "/empty", "");
    write(root_ + "/sub/b.bin", std::string(100'000, 'b'));
    write(dir_ + "/secret", "outside the root");
    EXPECT_EQ(symlink("../secret", (root_ + "/link-out").c_str()), 0);
  }
  ~TempTree() { (void)!std::system(("rm -rf '" + dir_ + "'").c_str()); }
  const std::string& root() const { return root_; }

 private:
  static void write(const std::string& path, const std::string& bytes) {
    std::ofstream f(path, std::ios::binary);
    f << bytes;
  }
  std::string dir_;
  std::string root_;
};

std::string read_all(PosixFileSource& fs, const OpenedFile& f, std::size_t chunk) {
  std::string out;
  std::vector<std::uint8_t> buf(chunk);
  for (;;) {
    auto n = fs.read(f.handle, out.size(), buf);
    EXPECT_TRUE(n);
    if (!n || *n == 0) return out;
    out.append(buf.begin(), buf.begin() + static_cast<long>(*n));
  }
}

TEST(PosixFileSource, OpensReadsAndClosesRegularFiles) {
  TempTree t;
  PosixFileSource fs;
  std::string err;
  ASSERT_TRUE(PosixFileSource::open_root(t.root(), fs, err)) << err;
  OpenedFile a = fs.open("a.txt");
  ASSERT_EQ(a.status, FileStatus::ok);
  EXPECT_EQ(a.size, 11u);
  EXPECT_EQ(read_all(fs, a, 4), "hello, file");
  OpenedFile b = fs.open("sub/b.bin");
  ASSERT_EQ(b.status, FileStatus::ok);
  EXPECT_EQ(b.size, 100'000u);
  EXPECT_EQ(read_all(fs, b, 16384), std::string(100'000, 'b'));
  OpenedFile e = fs.open("empty");
  ASSERT_EQ(e.status, FileStatus::ok);
  EXPECT_EQ(e.size, 0u);
  EXPECT_EQ(fs.open_files(), 3u);
  fs.close(a.handle);
  fs.close(b.handle);
  fs.close(e.handle);
  EXPECT_EQ(fs.open_files(), 0u);
}

TEST(PosixFileSource, ReportsMissingDirectoriesAndEscapes) {
  TempTree t;
  PosixFileSource fs;
  std::string err;
  ASSERT_TRUE(PosixFileSource::open_root(t.root(), fs, err)) << err;
  EXPECT_EQ(fs.open("nope.txt").status, FileStatus::not_found);
  EXPECT_EQ(fs.open("a.txt/x").status, FileStatus::not_found);
  EXPECT_EQ(fs.open("sub").status, FileStatus::not_regular);
  EXPECT_EQ(fs.open("../secret").status, FileStatus::not_found);
  EXPECT_EQ(fs.open("link-out").status, FileStatus::not_found);  // symlink leaving the root
  EXPECT_EQ(fs.open("/etc/passwd").status, FileStatus::not_found);
  EXPECT_EQ(fs.open("").status, FileStatus::not_found);
  EXPECT_EQ(fs.open_files(), 0u);
}

TEST(PosixFileSource, BadRootIsOneLine) {
  PosixFileSource fs;
  std::string err;
  EXPECT_FALSE(PosixFileSource::open_root("/nonexistent/tquic-root", fs, err));
  EXPECT_NE(err.find("/nonexistent/tquic-root"), std::string::npos);
  EXPECT_EQ(err.find('\n'), std::string::npos);
  EXPECT_EQ(fs.open("a.txt").status, FileStatus::io_error);
}

}  // namespace
}  // namespace tquic::io
