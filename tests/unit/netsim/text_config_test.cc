#include "netsim/text_config.h"

#include <gtest/gtest.h>

#include <string>

#include "unit/netsim/netsim_test_util.h"

namespace tquic::sim {
namespace {

using testing::at_ms;

template <class T>
std::string reason(const Result<T>& r) {
  return r ? "ok" : r.error().reason;
}
std::string reason(const Status& s) { return s ? "ok" : s.error().reason; }

TEST(TextConfig, Durations) {
  EXPECT_EQ(*parse_duration("20ms"), 20ms);
  EXPECT_EQ(*parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(*parse_duration("500us"), 500us);
  EXPECT_EQ(*parse_duration("250ns"), 250ns);
  EXPECT_EQ(*parse_duration("0.1ms"), 100us);
  EXPECT_EQ(*parse_duration("2min"), 120s);
  EXPECT_EQ(*parse_duration(" 3MS "), 3ms);
  EXPECT_EQ(*parse_duration("0"), 0ns);
  EXPECT_EQ(reason(parse_duration("20")), "needs a unit, e.g. 20ms, 1.5s or 500us");
  EXPECT_EQ(reason(parse_duration("-5ms")), "must be a duration such as 20ms, 1.5s or 500us");
  EXPECT_EQ(reason(parse_duration("5 parsecs")), "must be a duration such as 20ms, 1.5s or 500us");
  EXPECT_EQ(reason(parse_duration("")), "must be a duration such as 20ms, 1.5s or 500us");
  EXPECT_EQ(reason(parse_duration("25h")), "must be a duration such as 20ms, 1.5s or 500us");
  EXPECT_EQ(reason(parse_duration("2000min")), "must be at most 24h");
  EXPECT_FALSE(parse_duration("1.2.3s").ok());
}

TEST(TextConfig, Probabilities) {
  EXPECT_DOUBLE_EQ(*parse_probability("1%"), 0.01);
  EXPECT_DOUBLE_EQ(*parse_probability("0.5%"), 0.005);
  EXPECT_DOUBLE_EQ(*parse_probability("0.25"), 0.25);
  EXPECT_DOUBLE_EQ(*parse_probability("100%"), 1.0);
  EXPECT_DOUBLE_EQ(*parse_probability("0"), 0.0);
  EXPECT_EQ(reason(parse_probability("150%")), "must be between 0% and 100%");
  EXPECT_EQ(reason(parse_probability("2")), "must be between 0% and 100%");
  EXPECT_EQ(reason(parse_probability("lots")),
            "must be a percentage such as 1% or 0.5% (or a fraction such as 0.01)");
  EXPECT_FALSE(parse_probability("5%%").ok());
}

TEST(TextConfig, Rates) {
  EXPECT_EQ(*parse_rate("20mbit"), 20'000'000u);
  EXPECT_EQ(*parse_rate("1.5gbit"), 1'500'000'000u);
  EXPECT_EQ(*parse_rate("500kbit"), 500'000u);
  EXPECT_EQ(*parse_rate("9600bit"), 9600u);
  EXPECT_EQ(*parse_rate("20Mbit"), 20'000'000u);
  EXPECT_EQ(*parse_rate("0"), 0u);
  EXPECT_EQ(reason(parse_rate("20")), "needs a unit, e.g. 20mbit, 500kbit or 1gbit (bits per second)");
  EXPECT_EQ(reason(parse_rate("20mbps")), "must be a rate such as 20mbit, 500kbit or 1gbit");
  EXPECT_EQ(reason(parse_rate("2000000gbit")), "must be at most 1000000gbit");
  EXPECT_FALSE(parse_rate("0.1bit").ok());
}

TEST(TextConfig, Sizes) {
  EXPECT_EQ(*parse_size("1500"), 1500u);
  EXPECT_EQ(*parse_size("1500b"), 1500u);
  EXPECT_EQ(*parse_size("256kb"), 256u * 1024);
  EXPECT_EQ(*parse_size("64k"), 64u * 1024);
  EXPECT_EQ(*parse_size("1mb"), 1024u * 1024);
  EXPECT_EQ(*parse_size("1.5KiB"), 1536u);
  EXPECT_EQ(reason(parse_size("2gb")), "must be at most 1gb");
  EXPECT_EQ(reason(parse_size("12 bananas")), "must be a size such as 1500, 256kb or 1mb");
}

TEST(TextConfig, BurstLoss) {
  const auto g = parse_burst_loss("1%,25%");
  ASSERT_TRUE(g.ok());
  EXPECT_DOUBLE_EQ(g->p_good_to_bad, 0.01);
  EXPECT_DOUBLE_EQ(g->p_bad_to_good, 0.25);
  EXPECT_DOUBLE_EQ(g->loss_in_bad, 1.0);
  EXPECT_DOUBLE_EQ(g->loss_in_good, 0.0);
  const auto full = parse_burst_loss("1%, 25%, 80%, 0.1%");
  ASSERT_TRUE(full.ok());
  EXPECT_DOUBLE_EQ(full->loss_in_bad, 0.8);
  EXPECT_DOUBLE_EQ(full->loss_in_good, 0.001);
  EXPECT_EQ(reason(parse_burst_loss("1%")), "must be P_GB,P_BG[,LOSS_BAD[,LOSS_GOOD]] such as 1%,25%");
  EXPECT_EQ(reason(parse_burst_loss("1%,0%")), "needs P_BG above 0% (else a burst never ends)");
  EXPECT_EQ(reason(parse_burst_loss("1%,200%")), "must be between 0% and 100%");
}

TEST(TextConfig, IndexLists) {
  EXPECT_EQ(*parse_index_list("3,7,10-12"), (std::vector<std::uint64_t>{3, 7, 10, 11, 12}));
  EXPECT_EQ(*parse_index_list("5,1,5"), (std::vector<std::uint64_t>{1, 5}));
  EXPECT_EQ(reason(parse_index_list("3,x")), "must be indices such as 3,7,10-12");
  EXPECT_EQ(reason(parse_index_list("9-3")), "must be indices such as 3,7,10-12");
  EXPECT_EQ(reason(parse_index_list("")), "must be indices such as 3,7,10-12");
  EXPECT_EQ(reason(parse_index_list("0-100000000")), "must list at most 10000000 indices");
}

TEST(TextConfig, ScheduleScriptsBothDirections) {
  Schedule up;
  Schedule down;
  ASSERT_TRUE(parse_schedule("at 2s blackhole 500ms; at 5s up rate 1mbit;at 8s down loss 5%; at 9s mtu 1280",
                             up, down)
                  .ok());
  LinkConfig u;
  LinkConfig d;
  up.apply_due(at_ms(2000), u);
  down.apply_due(at_ms(2000), d);
  EXPECT_TRUE(u.blackhole);
  EXPECT_TRUE(d.blackhole);
  up.apply_due(at_ms(10000), u);
  down.apply_due(at_ms(10000), d);
  EXPECT_FALSE(u.blackhole);
  EXPECT_EQ(u.rate_bps, 1'000'000u);
  EXPECT_EQ(d.rate_bps, 0u);
  EXPECT_DOUBLE_EQ(d.loss, 0.05);
  EXPECT_DOUBLE_EQ(u.loss, 0.0);
  EXPECT_EQ(u.mtu, 1280u);
  EXPECT_EQ(d.mtu, 1280u);
}

TEST(TextConfig, ScheduleErrorsAddNothing) {
  Schedule up;
  Schedule down;
  EXPECT_EQ(reason(parse_schedule("at 1s blackhole 1s; at 2s explode", up, down)),
            "has an unknown action (use blackhole, rate, delay, loss or mtu)");
  EXPECT_EQ(up.pending(), 0u);
  EXPECT_EQ(down.pending(), 0u);
  EXPECT_EQ(reason(parse_schedule("blackhole 1s", up, down)),
            "needs entries like 'at 2s blackhole 500ms' separated by ';'");
  EXPECT_EQ(reason(parse_schedule("at soon blackhole 1s", up, down)),
            "has a bad time after 'at' (use e.g. 'at 2s' or 'at 1500ms')");
  EXPECT_EQ(reason(parse_schedule("at 1s rate fast", up, down)),
            "has an action without a valid value (e.g. 'blackhole 500ms', 'rate 1mbit', 'loss 5%')");
  EXPECT_EQ(reason(parse_schedule("at 1s blackhole 1s at 2s blackhole 1s", up, down)),
            "has extra words after an action (separate entries with ';')");
  EXPECT_TRUE(parse_schedule("at 1s blackhole on; at 2s blackhole off;", up, down).ok());
  EXPECT_EQ(up.pending(), 2u);
}

TEST(TextConfig, EcnRewriteAndCounts) {
  EXPECT_EQ(*parse_ecn_rewrite("none"), EcnRewrite::none);
  EXPECT_EQ(*parse_ecn_rewrite("bleach"), EcnRewrite::bleach);
  EXPECT_EQ(*parse_ecn_rewrite("mangle"), EcnRewrite::mangle);
  for (const char* bad : {"", "Bleach", "ect1", "bleach "}) EXPECT_FALSE(parse_ecn_rewrite(bad)) << bad;
  EXPECT_EQ(*parse_count("0"), 0u);
  EXPECT_EQ(*parse_count("10"), 10u);
  for (const char* bad : {"", "-1", "10p", "1e3", "16777217"}) EXPECT_FALSE(parse_count(bad)) << bad;
}

}  // namespace
}  // namespace tquic::sim
