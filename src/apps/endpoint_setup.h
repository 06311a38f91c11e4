// Endpoint configuration shared by the commands: seed from the kernel
// CSPRNG, wall-clock anchor for tokens, congestion controller, and flow
// control windows sized for bulk file transfer.
#pragma once

#include <string>

#include "apps/options.h"
#include "endpoint/endpoint_config.h"
#include "transport/cc/congestion_controller.h"

namespace tquic::apps {

// Fills `out` (a default-constructed config) for the commands.
bool make_endpoint_config(transport::CongestionControlAlgorithm cc, endpoint::EndpointConfig& out,
                          std::string& error);
// The same with the shared command options (congestion controller, the
// DPLPMTUD ceiling --max-datagram-size).
bool make_endpoint_config(const CommonOptions& common, endpoint::EndpointConfig& out, std::string& error);

}  // namespace tquic::apps
