// `tquic get` against `tquic serve` through `tquic-relay` (delay and loss)
// on real loopback sockets, under each I/O engine: files of 0 B, 1 B and
// 1 MB and many files in parallel on one connection, SHA-256 compared; a
// 100 MB file without impairment.
#include "e2e_fixture.h"

namespace tquic::e2e {
namespace {

class Transfer : public ::testing::TestWithParam<std::string> {};

TEST_P(Transfer, SmallAndMediumFilesThroughDelayAndLoss) {
  E2e e;
  e.add_file("zero", 0);
  e.add_file("one", 1);
  e.add_file("mega", 1'000'000);
  ASSERT_NO_FATAL_FAILURE(e.start({"--engine", GetParam()}, {"--delay", "10ms", "--loss", "1%"}));
  const std::vector<std::string> names{"zero", "one", "mega"};
  const RunResult r = e.get(names, {"--engine", GetParam()});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  e.expect_intact(r, names);
  EXPECT_NE(r.out.find("tquic get: 3 files, 1.00 MB in"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("engine " + GetParam()), std::string::npos) << r.out;
  const std::string served = e.server->stop();
  EXPECT_NE(served.find("3 requests: 3 files sent, 0 refused, 0 failed"), std::string::npos) << served;
}

TEST_P(Transfer, ManyFilesInParallelOnOneConnection) {
  E2e e;
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) {
    names.push_back("f" + std::to_string(i));
    e.add_file(names.back(), 1000 + 7919 * static_cast<std::uint64_t>(i));
  }
  ASSERT_NO_FATAL_FAILURE(e.start({"--engine", GetParam()}, {"--delay", "5ms", "--loss", "0.5%"}));
  const RunResult r = e.get(names, {"--engine", GetParam()});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  e.expect_intact(r, names);
  EXPECT_NE(r.out.find("tquic get: 40 files,"), std::string::npos) << r.out;
  const std::string served = e.server->stop();
  EXPECT_NE(served.find("tquic serve: 1 connection "), std::string::npos) << "one connection for all: " << served;
}

TEST_P(Transfer, HundredMegabytesOverCleanLoopback) {
  E2e e;
  e.add_file("big", 100'000'000);
  ASSERT_NO_FATAL_FAILURE(e.start({"--engine", GetParam()}));
  const RunResult r = e.get({"big"}, {"--engine", GetParam()}, 120s);
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  e.expect_intact(r, {"big"});
  EXPECT_NE(r.out.find("100 MB in"), std::string::npos) << r.out;
}

INSTANTIATE_TEST_SUITE_P(Engines, Transfer, ::testing::ValuesIn(engines()),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace tquic::e2e
