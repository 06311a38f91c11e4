// tquic-udp-blaster (the loopback UDP GSO -> GRO ceiling bench/compare
// measures): a short run reports what it moved and the numbers agree with
// each other; bad input exits 2 with one line. Never a speed assertion.
#include <nlohmann/json.hpp>

#include "e2e_fixture.h"

namespace tquic::e2e {
namespace {

using nlohmann::json;

const std::string& blaster_binary() {
  static const std::string p = TQUIC_BINARY_DIR "/tools/tquic-udp-blaster";
  return p;
}

RunResult run_blaster(const std::vector<std::string>& args) {
  std::vector<std::string> a{blaster_binary()};
  a.insert(a.end(), args.begin(), args.end());
  Process p(a);
  RunResult r;
  r.status = p.wait(30s);
  r.out = p.out();
  r.err = p.err();
  return r;
}

TEST(UdpBlaster, MovesThePayloadInGsoTrainsAndReportsIt) {
  // Unpinned: the test machine may have one CPU.
  const RunResult r = run_blaster({"--bytes", "8m", "--segment", "1350", "--train", "10", "--sender-cpu",
                                   "-1", "--receiver-cpu", "-1", "--json"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["bytes_sent"].get<std::uint64_t>(), 8u << 20);
  const auto received = j["bytes_received"].get<std::uint64_t>();
  EXPECT_GT(received, 0u);
  EXPECT_LE(received, 8u << 20) << "never more than was sent";
  EXPECT_EQ(j["segment"].get<int>(), 1350);
  EXPECT_EQ(j["sends"].get<std::uint64_t>(), ((8u << 20) + 13499) / 13500) << "one send per train";
  EXPECT_GE(j["segments_per_receive"].get<double>(), 1.0);
  EXPECT_LE(j["segments_per_receive"].get<double>(), 10.0) << "GRO never merges beyond one train";
  EXPECT_GT(j["gbit_per_second"].get<double>(), 0.0);
  EXPECT_GT(j["seconds"].get<double>(), 0.0);
}

TEST(UdpBlaster, TextOutputNamesTheSetup) {
  const RunResult r = run_blaster({"--bytes", "1m", "--sender-cpu", "-1", "--receiver-cpu", "-1"});
  ASSERT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Gbit/s of UDP payload; 1350-byte segments, GSO trains of 44"), std::string::npos)
      << r.out;
}

TEST(UdpBlaster, BadInputIsOneLineAndExit2) {
  RunResult r = run_blaster({"--train", "65"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "udp-blaster: --train '65' must be at most 64 (the kernel's UDP_MAX_SEGMENTS)\n");
  r = run_blaster({"--segment", "9000", "--train", "8"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--segment x --train must fit one 64 KiB datagram"), std::string::npos) << r.err;
  r = run_blaster({"--bytes"});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "udp-blaster: --bytes needs a value (see --help)\n");
}

}  // namespace
}  // namespace tquic::e2e
