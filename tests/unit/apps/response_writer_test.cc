// ResponseWriter: bodies stream chunk by chunk into a stream that takes
// only part of what it is offered; nothing is lost or repeated, FIN comes
// with the last byte, and no more than one chunk is ever read ahead.
#include <gtest/gtest.h>

#include "apps/generated_content.h"
#include "io/posix_file_source.h"
#include "apps/response_writer.h"
#include "apps_test_util.h"

namespace tquic::apps {
namespace {

// Takes at most `budget` bytes per pump round, like a stream whose send
// buffer is nearly full.
struct Recorder final : StreamOutput {
  std::vector<std::uint8_t> got;
  std::size_t budget = 1000;
  std::size_t room = 0;
  bool fin = false;
  int fin_calls = 0;
  Result<std::size_t> write(ByteSpan data, bool f) override {
    if (fin) return Error::local("write after FIN");
    const std::size_t n = std::min(room, data.size());
    got.insert(got.end(), data.begin(), data.begin() + static_cast<long>(n));
    room -= n;
    if (f && n == data.size()) fin = true, ++fin_calls;
    return n;
  }
};

// Generated files that count reads, their sizes and open handles.
struct CountingFiles final : FileSource {
  GeneratedFiles inner;
  std::size_t reads = 0;
  std::size_t largest = 0;
  explicit CountingFiles(std::uint64_t size) : inner(size) {}
  OpenedFile open(std::string_view p) override { return inner.open(p); }
  Result<std::size_t> read(std::uint64_t h, std::uint64_t off, MutByteSpan out) override {
    ++reads;
    largest = std::max(largest, out.size());
    return inner.read(h, off, out);
  }
  void close(std::uint64_t h) override { inner.close(h); }
};

std::vector<std::uint8_t> expected(std::uint64_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::uint64_t i = 0; i < n; ++i) v[i] = generated_byte(i);
  return v;
}

TEST(ResponseWriter, StreamsUnderBackpressureWithoutLossOrRepeat) {
  for (std::uint64_t size : {0ull, 1ull, 65535ull, 65536ull, 65537ull, 300'001ull}) {
    CountingFiles files(size);
    CountingFiles* b = &files;
    auto w = std::make_unique<ResponseWriter>(files, files.open("x"));
    Recorder out;
    int pumps = 0;
    for (; pumps < 10000 && !w->finished(); ++pumps) {
      out.room = 7777;  // what acknowledgements freed since the last pump
      auto p = w->pump(out);
      ASSERT_TRUE(p);
      EXPECT_EQ(*p == ResponseWriter::Progress::finished, w->finished());
    }
    EXPECT_TRUE(w->finished()) << size;
    EXPECT_TRUE(out.fin);
    EXPECT_EQ(out.fin_calls, 1);
    EXPECT_EQ(out.got, expected(size)) << size;
    EXPECT_EQ(w->bytes_sent(), size);
    EXPECT_LE(b->largest, ResponseWriter::kChunkSize);
    EXPECT_EQ(b->reads, (size + ResponseWriter::kChunkSize - 1) / ResponseWriter::kChunkSize) << "each byte read once";
    w.reset();
    EXPECT_EQ(files.inner.open_files(), 0u) << "the handle is given back";
  }
}

TEST(ResponseWriter, ReadsAheadAtMostOneChunk) {
  CountingFiles files(10'000'000);
  CountingFiles* b = &files;
  ResponseWriter w(files, files.open("x"));
  Recorder out;
  out.room = 100;
  ASSERT_TRUE(w.pump(out));
  EXPECT_EQ(b->reads, 1u);
  EXPECT_EQ(w.bytes_read(), ResponseWriter::kChunkSize);
  out.room = 0;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(w.pump(out));
  EXPECT_EQ(b->reads, 1u) << "a blocked stream causes no reads";
}

TEST(ResponseWriter, FileThatShrinksIsAnError) {
  testing::TempDir d;
  const std::string path = d.file("f", std::string(200'000, 'z'));
  std::string err;
  io::PosixFileSource files;
  ASSERT_TRUE(io::PosixFileSource::open_root(d.path, files, err)) << err;
  const OpenedFile f = files.open("f");
  ASSERT_EQ(f.status, FileStatus::ok);
  ASSERT_EQ(::truncate(path.c_str(), 1000), 0);
  ResponseWriter w(files, f);
  Recorder out;
  out.room = 1u << 30;
  auto p = w.pump(out);
  ASSERT_FALSE(p);
  EXPECT_NE(std::string(p.error().reason).find("changed while being sent"), std::string::npos);
}

}  // namespace
}  // namespace tquic::apps
