#include "netsim/link_stats.h"

namespace tquic::sim {

const char* drop_reason_name(DropReason reason) {
  switch (reason) {
    case DropReason::none: return "none";
    case DropReason::blackhole: return "blackhole";
    case DropReason::mtu: return "mtu";
    case DropReason::mask: return "mask";
    case DropReason::loss: return "loss";
    case DropReason::burst_loss: return "burst_loss";
    case DropReason::queue_full: return "queue_full";
    case DropReason::no_buffer: return "no_buffer";
    case DropReason::aqm: return "aqm";
  }
  return "unknown";
}

}  // namespace tquic::sim
