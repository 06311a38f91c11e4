// ResponseWriter: bodies stream chunk by chunk into a stream that takes
// only part of what it is offered; nothing is lost or repeated, FIN comes
// with the last byte, and no more than one chunk is ever read ahead.
#include <gtest/gtest.h>

#include "apps/file_tree.h"
#include "apps/generated_content.h"
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

// Counts reads and their sizes.
struct CountingBody final : ResponseBody {
  std::uint64_t n;
  std::size_t reads = 0;
  std::size_t largest = 0;
  explicit CountingBody(std::uint64_t size) : n(size) {}
  std::uint64_t size() const override { return n; }
  Result<std::size_t> read_at(std::uint64_t off, MutByteSpan out) override {
    ++reads;
    largest = std::max(largest, out.size());
    const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(out.size(), n - off));
    for (std::size_t i = 0; i < k; ++i) out[i] = generated_byte(off + i);
    return k;
  }
};

std::vector<std::uint8_t> expected(std::uint64_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::uint64_t i = 0; i < n; ++i) v[i] = generated_byte(i);
  return v;
}

TEST(ResponseWriter, StreamsUnderBackpressureWithoutLossOrRepeat) {
  for (std::uint64_t size : {0ull, 1ull, 65535ull, 65536ull, 65537ull, 300'001ull}) {
    auto body = std::make_unique<CountingBody>(size);
    CountingBody* b = body.get();
    ResponseWriter w(std::move(body));
    Recorder out;
    int pumps = 0;
    for (; pumps < 10000 && !w.finished(); ++pumps) {
      out.room = 7777;  // what acknowledgements freed since the last pump
      auto p = w.pump(out);
      ASSERT_TRUE(p);
      EXPECT_EQ(*p == ResponseWriter::Progress::finished, w.finished());
    }
    EXPECT_TRUE(w.finished()) << size;
    EXPECT_TRUE(out.fin);
    EXPECT_EQ(out.fin_calls, 1);
    EXPECT_EQ(out.got, expected(size)) << size;
    EXPECT_EQ(w.bytes_sent(), size);
    EXPECT_LE(b->largest, ResponseWriter::kChunkSize);
    EXPECT_EQ(b->reads, (size + ResponseWriter::kChunkSize - 1) / ResponseWriter::kChunkSize) << "each byte read once";
  }
}

TEST(ResponseWriter, ReadsAheadAtMostOneChunk) {
  auto body = std::make_unique<CountingBody>(10'000'000);
  CountingBody* b = body.get();
  ResponseWriter w(std::move(body));
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
  auto tree = FileTree::open_root(d.path, err);
  ASSERT_TRUE(tree) << err;
  std::unique_ptr<ResponseBody> body;
  ASSERT_EQ(tree->open("f", body), LookupResult::found);
  ::truncate(path.c_str(), 1000);
  ResponseWriter w(std::move(body));
  Recorder out;
  out.room = 1u << 30;
  auto p = w.pump(out);
  ASSERT_FALSE(p);
  EXPECT_NE(std::string(p.error().reason).find("changed while being sent"), std::string::npos);
}

}  // namespace
}  // namespace tquic::apps
