// One connection as the endpoint keeps it: the Connection, the CID source
// that registers every CID it issues in the routing table, the CIDs routed
// to it, and its place in the slot array (index + generation = handle).
// Internal to the endpoint.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "transport/connection/connection.h"
#include "wire/connection_id.h"

namespace tquic::endpoint {

class Endpoint;

// Room for a full set of local CIDs (8), as many just retired whose
// retirement the endpoint has not seen yet, and the client's first DCID.
inline constexpr std::size_t kRoutedCidsPerSlot = 18;

// The CidSource each connection gets: CIDs come from the endpoint's keyed
// QUIC-LB generator and are registered for this slot before the connection
// sees them, so a duplicate is caught (and another drawn) at once.
class SlotCidSource final : public transport::CidSource {
 public:
  bool next_cid(wire::ConnectionId& cid, wire::StatelessResetToken& token) override;

  Endpoint* endpoint = nullptr;
  std::uint32_t index = 0;
};

struct RoutedCid {
  wire::ConnectionId cid;
  std::uint64_t sequence = 0;
  bool sequence_known = false;  // learnt from local_cid_issued (or seq 0 at setup)
  bool is_client_dcid = false;  // the client's first DCID (server side)
};

enum class SlotState : std::uint8_t {
  free,
  live,      // routed, timed, written
  removed,   // closed: unrouted, waiting for the app to see `removed`
  releasing  // `removed` was handed out: freed at the next endpoint call
};

struct ConnectionSlot {
  std::unique_ptr<transport::Connection> conn;
  SlotCidSource cid_source;
  std::array<RoutedCid, kRoutedCidsPerSlot> routed{};
  std::size_t routed_count = 0;
  bool zero_length_cid = false;  // routed by local address (ZeroLengthRoutes), not by CID
  std::uint32_t generation = 0;
  SlotState state = SlotState::free;
  bool dirty = false;  // in the write queue
};

}  // namespace tquic::endpoint
