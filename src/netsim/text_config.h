// Text forms of link parameters, shared by tquic-relay's command line and by
// tests that script links in a readable way. Setup-time code: it may
// allocate; it never touches the hot path.
//
// Every error reason is a predicate that reads well after "<option> '<text>'",
// e.g. "--loss '150%' must be between 0% and 100%".
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "netsim/link_config.h"
#include "netsim/schedule.h"

namespace tquic::sim {

// "20ms", "1.5s", "500us", "250ns", "0". A unit is required except for 0.
Result<Duration> parse_duration(std::string_view text);
// "1%", "0.5%", "0.01" (a bare number is a fraction), in [0, 1].
Result<double> parse_probability(std::string_view text);
// Bits per second: "20mbit", "1.5gbit", "500kbit", "9600bit", "0" (unlimited).
// k/m/g are powers of 1000, as for tc.
Result<std::uint64_t> parse_rate(std::string_view text);
// Bytes: "1500", "1500b", "256kb", "64k", "1mb" (k/m/g are powers of 1024).
Result<std::uint64_t> parse_size(std::string_view text);
// Gilbert-Elliott: "P_GB,P_BG[,LOSS_BAD[,LOSS_GOOD]]", each a probability,
// e.g. "1%,25%" (bursts start 1% of the time, last 4 datagrams on average).
Result<GilbertElliott> parse_burst_loss(std::string_view text);
// ECN rewrite at a link's entrance: "none", "bleach" (clear the field) or
// "mangle" (ECT(0) becomes ECT(1)).
Result<EcnRewrite> parse_ecn_rewrite(std::string_view text);
// A datagram count such as the ECN marking threshold: "10" (0 = off).
Result<std::uint64_t> parse_count(std::string_view text);
// Exact drop list: "3,7,10-12" (0-based offer indices, ranges inclusive).
Result<std::vector<std::uint64_t>> parse_index_list(std::string_view text);

// Schedule script: entries separated by ';', each
//   at TIME [up|down] ACTION
// with ACTION one of
//   blackhole DURATION | blackhole on | blackhole off |
//   rate RATE | delay DURATION | loss PROBABILITY | mtu SIZE
// e.g. "at 2s blackhole 500ms; at 5s up rate 1mbit; at 8s loss 0%".
// Entries without a direction go to both schedules. TIME is relative to the
// start (virtual time 0, or the relay's start).
Status parse_schedule(std::string_view text, Schedule& up, Schedule& down);

}  // namespace tquic::sim
