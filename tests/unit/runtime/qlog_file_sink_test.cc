// The runtime's qlog files: naming, buffering, failure handling, and a
// whole connection pair logging into one directory.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/qlog_file_sink.h"
#include "unit/transport/conn_test_harness.h"

namespace tquic::runtime {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "tquic-qlog-XXXXXX").string();
    EXPECT_NE(::mkdtemp(tmpl.data()), nullptr);
    path = tmpl;
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::uint8_t kOdcid[] = {0x0a, 0xbc, 0xde, 0xf0};

transport::QlogTraceInfo info(wire::Role role) { return {role, ByteSpan(kOdcid, sizeof kOdcid)}; }

TEST(QlogDirectory, RefusesAMissingDirectoryWithOneLine) {
  std::string err;
  EXPECT_EQ(QlogDirectory::create("/nonexistent/tquic-qlog", err), nullptr);
  EXPECT_NE(err.find("/nonexistent/tquic-qlog"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), std::string::npos);
  EXPECT_EQ(QlogDirectory::create("", err), nullptr);
  EXPECT_EQ(QlogDirectory::create("/dev/null", err), nullptr) << "not a directory";
}

TEST(QlogDirectory, NamesFilesByOdcidAndVantagePoint) {
  TempDir tmp;
  std::string err;
  auto dir = QlogDirectory::create(tmp.path.string() + "/", err);
  ASSERT_TRUE(dir) << err;
  EXPECT_EQ(dir->path_for(info(wire::Role::client)), (tmp.path / "0abcdef0_client.sqlog").string());
  EXPECT_EQ(dir->path_for(info(wire::Role::server)), (tmp.path / "0abcdef0_server.sqlog").string());
  auto sink = dir->open(info(wire::Role::server));
  ASSERT_TRUE(sink);
  EXPECT_TRUE(fs::exists(tmp.path / "0abcdef0_server.sqlog"));
  EXPECT_EQ(dir->files_opened(), 1u);
}

TEST(QlogFileSink, BuffersUntilFullFlushOrDestruction) {
  TempDir tmp;
  const fs::path file = tmp.path / "t.sqlog";
  std::string err;
  auto sink = QlogFileSink::create(file.string(), err, 64);
  ASSERT_TRUE(sink) << err;
  const std::string a = "\x1e{\"a\":1}\n", b(100, 'x'), c = "\x1e{\"c\":3}\n";
  sink->write(a);
  EXPECT_EQ(fs::file_size(file), 0u) << "small records stay in the buffer";
  sink->write(b);  // larger than the buffer: flushes `a`, then goes out directly
  EXPECT_EQ(read_file(file), a + b);
  sink->write(c);
  EXPECT_EQ(read_file(file), a + b);
  EXPECT_TRUE(sink->flush());
  EXPECT_EQ(read_file(file), a + b + c);
  sink->write(a);
  sink.reset();
  EXPECT_EQ(read_file(file), a + b + c + a);
}

TEST(QlogFileSink, AWriteErrorStopsLoggingWithoutFailingTheConnection) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  std::string err;
  auto sink = QlogFileSink::create("/dev/full", err, 16);
  ASSERT_TRUE(sink) << err;
  sink->write(std::string(32, 'x'));  // ENOSPC
  EXPECT_TRUE(sink->failed());
  sink->write("more");
  EXPECT_FALSE(sink->flush());
  EXPECT_EQ(sink->records_dropped(), 2u);
}

TEST(QlogDirectory, AConnectionPairWritesTwoValidJsonSeqFiles) {
  TempDir tmp;
  std::string err;
  auto dir = QlogDirectory::create(tmp.path.string(), err);
  ASSERT_TRUE(dir) << err;
  transport::ConnectionConfig cfg;
  cfg.qlog = dir.get();
  {
    transport::testing::Pipe p(cfg);
    ASSERT_TRUE(p.handshake());
    p.client->close(0, "done", p.now);
    ASSERT_TRUE(p.run_until([&] { return p.client->is_closed() && p.server->is_closed(); }));
  }  // connections destroyed: files flushed and closed
  EXPECT_EQ(dir->files_opened(), 2u);
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(tmp.path)) {
    ++files;
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(name.ends_with("_client.sqlog") || name.ends_with("_server.sqlog")) << name;
    const std::string text = read_file(entry.path());
    ASSERT_FALSE(text.empty());
    std::size_t records = 0;
    for (std::size_t start = 0; start < text.size();) {
      ASSERT_EQ(text[start], '\x1e');
      const std::size_t end = text.find('\n', start);
      ASSERT_NE(end, std::string::npos);
      const auto j = nlohmann::json::parse(text.substr(start + 1, end - start - 1), nullptr, false);
      ASSERT_FALSE(j.is_discarded());
      if (records++ == 0) {
        EXPECT_EQ(j["file_schema"], "urn:ietf:params:qlog:file:sequential");
      }
      start = end + 1;
    }
    EXPECT_GT(records, 20u);
  }
  EXPECT_EQ(files, 2u);
}

}  // namespace
}  // namespace tquic::runtime
