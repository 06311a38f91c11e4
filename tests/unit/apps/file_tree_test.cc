// FileTree keeps every request under the root: symlinks that lead out,
// directories and special files are not served; files inside are.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include "apps/file_tree.h"
#include "apps_test_util.h"

namespace tquic::apps {
namespace {

struct Tree {
  testing::TempDir outside;
  testing::TempDir root;
  std::unique_ptr<FileTree> tree;
  Tree() {
    root.file("index.html", "home");
    root.file("dir/file.txt", "inner");
    outside.file("secret", "do not serve");
    std::filesystem::create_symlink(outside.path + "/secret", root.sub("abs-link"));
    std::filesystem::create_symlink("../" + std::filesystem::path(outside.path).filename().string() + "/secret",
                                    root.sub("rel-link"));
    std::filesystem::create_symlink("dir/file.txt", root.sub("inside-link"));
    std::filesystem::create_symlink(outside.path, root.sub("dir-link"));
    ::mkfifo(root.sub("fifo").c_str(), 0600);
    std::string err;
    tree = FileTree::open_root(root.path, err);
    EXPECT_TRUE(tree) << err;
  }
  LookupResult open(const std::string& rel, std::string* content = nullptr) {
    std::unique_ptr<ResponseBody> body;
    const LookupResult r = tree->open(rel, body);
    if (r == LookupResult::found && content) {
      content->resize(body->size());
      auto n = body->read_at(0, MutByteSpan(reinterpret_cast<std::uint8_t*>(content->data()), content->size()));
      EXPECT_TRUE(n && *n == content->size());
    }
    return r;
  }
};

TEST(FileTree, ServesFilesInsideTheRoot) {
  Tree t;
  std::string c;
  EXPECT_EQ(t.open("index.html", &c), LookupResult::found);
  EXPECT_EQ(c, "home");
  EXPECT_EQ(t.open("dir/file.txt", &c), LookupResult::found);
  EXPECT_EQ(c, "inner");
  EXPECT_EQ(t.open("inside-link", &c), LookupResult::found) << "a symlink within the root is fine";
  EXPECT_EQ(c, "inner");
}

TEST(FileTree, NothingOutsideTheRootIsReachable) {
  Tree t;
  EXPECT_EQ(t.open("abs-link"), LookupResult::not_found);
  EXPECT_EQ(t.open("rel-link"), LookupResult::not_found);
  EXPECT_EQ(t.open("dir-link/secret"), LookupResult::not_found);
  EXPECT_EQ(t.open("missing"), LookupResult::not_found);
  EXPECT_EQ(t.open("dir/file.txt/x"), LookupResult::not_found);
}

TEST(FileTree, OnlyRegularFilesAreServed) {
  Tree t;
  EXPECT_EQ(t.open("dir"), LookupResult::not_a_file);
  EXPECT_EQ(t.open("fifo"), LookupResult::not_a_file) << "opening a FIFO must not block either";
}

TEST(FileTree, MissingRootIsOneLineError) {
  std::string err;
  EXPECT_EQ(FileTree::open_root("/nonexistent/root", err), nullptr);
  EXPECT_NE(err.find("--root: cannot open '/nonexistent/root'"), std::string::npos) << err;
}

}  // namespace
}  // namespace tquic::apps
