// tquic-udp-blaster: the plain UDP GSO -> GRO ceiling on loopback, for
// bench/compare (docs/PERFORMANCE.md). No QUIC, no crypto: payload Gbit/s.
#include <cstdio>
#include <string>

#include "blaster.h"
#include "options.h"

namespace {

using tquic::blaster::BlasterOptions;
using tquic::blaster::BlasterReport;

double loss_percent(const BlasterReport& r) {
  if (r.bytes_sent == 0) return 0;
  const double missing = static_cast<double>(r.bytes_sent - r.bytes_received);
  return 100.0 * missing / static_cast<double>(r.bytes_sent);
}

double per_receive(const BlasterReport& r) {
  return r.receives ? static_cast<double>(r.segments_received) / static_cast<double>(r.receives) : 0;
}

void print_json(const BlasterOptions& o, const BlasterReport& r) {
  std::printf(
      "{\"gbit_per_second\":%.3f,\"seconds\":%.6f,\"bytes_sent\":%llu,\"bytes_received\":%llu,"
      "\"loss_percent\":%.4f,\"segment\":%zu,\"train\":%zu,\"sends\":%llu,\"receives\":%llu,"
      "\"segments_per_receive\":%.2f,\"sender_cpu\":%d,\"receiver_cpu\":%d,"
      "\"sender_cpu_seconds\":%.4f,\"receiver_cpu_seconds\":%.4f}\n",
      r.gbit_per_second(), r.seconds, static_cast<unsigned long long>(r.bytes_sent),
      static_cast<unsigned long long>(r.bytes_received), loss_percent(r), o.segment, o.train,
      static_cast<unsigned long long>(r.sends), static_cast<unsigned long long>(r.receives), per_receive(r),
      o.sender_cpu, o.receiver_cpu, r.sender_cpu_seconds, r.receiver_cpu_seconds);
}

void print_text(const BlasterOptions& o, const BlasterReport& r) {
  std::printf("udp-blaster: %.1f MiB in %.3f s = %.2f Gbit/s of UDP payload; %zu-byte segments, "
              "GSO trains of %zu, %.1f segments per GRO receive; loss %.3f%%\n",
              static_cast<double>(r.bytes_received) / (1 << 20), r.seconds, r.gbit_per_second(), o.segment,
              o.train, per_receive(r), loss_percent(r));
  std::printf("udp-blaster: sender CPU %d: %.3f s, receiver CPU %d: %.3f s\n", o.sender_cpu,
              r.sender_cpu_seconds, o.receiver_cpu, r.receiver_cpu_seconds);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace tquic::blaster;
  BlasterOptions options;
  std::string message;
  switch (parse_blaster_options(argc, argv, options, message)) {
    case ParseOutcome::help:
      std::fputs(blaster_usage(), stdout);
      return 0;
    case ParseOutcome::error:
      std::fprintf(stderr, "udp-blaster: %s\n", message.c_str());
      return 2;
    case ParseOutcome::run:
      break;
  }
  BlasterReport report;
  if (!run_blaster(options, report, message)) {
    std::fprintf(stderr, "udp-blaster: %s\n", message.c_str());
    return 1;
  }
  if (options.json) print_json(options, report);
  else print_text(options, report);
  return report.bytes_received > 0 ? 0 : 1;
}
