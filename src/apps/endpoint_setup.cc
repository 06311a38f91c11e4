#include "apps/endpoint_setup.h"

#include "runtime/clock.h"
#include "runtime/os_random.h"

namespace tquic::apps {

bool make_endpoint_config(transport::CongestionControlAlgorithm cc, endpoint::EndpointConfig& out,
                          std::string& error) {
  if (!runtime::os_random_bytes(32, out.seed, error)) return false;
  out.unix_seconds_at_time_zero = runtime::unix_seconds_at_monotonic_zero();
  out.connection.congestion_control = cc;
  // Start with windows that cover a fast loopback or LAN path from the
  // first round trip; auto-tuning grows them up to the max_* caps.
  out.connection.initial_max_data = 16u << 20;
  out.connection.initial_max_stream_data = 8u << 20;
  return true;
}

bool make_endpoint_config(const CommonOptions& common, endpoint::EndpointConfig& out, std::string& error) {
  if (!make_endpoint_config(common.cc, out, error)) return false;
  out.connection.max_datagram_size_ceiling = common.max_datagram_size;
  return true;
}

}  // namespace tquic::apps
