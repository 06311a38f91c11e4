// Events the connection feeds into a path's congestion controller. Plain
// structs over spans: the caller owns every buffer; nothing is copied or
// allocated. All byte counts exclude IP/UDP overhead (RFC 9002 section B.2).
#pragma once

#include <cstdint>
#include <span>

#include "base/time.h"
#include "transport/recovery/delivery_rate.h"

namespace tquic::transport {

struct SentPacketEvent {
  Timestamp now;
  std::uint64_t packet_number = 0;
  std::uint64_t bytes = 0;
  std::uint64_t bytes_in_flight_before = 0;
  // RFC 9002 "in_flight": ack-eliciting or PADDING. ACK-only packets are not
  // congestion controlled and are ignored by the controller.
  bool in_flight = true;
};

// One newly acknowledged or newly lost in-flight packet, with the snapshot
// that on_packet_sent() returned for it.
struct CcPacket {
  std::uint64_t packet_number = 0;
  std::uint64_t bytes = 0;
  Timestamp time_sent;
  DeliveryRateSnapshot delivery;
};

// RTT values from the path's RTT estimator (RFC 9002 section 5).
struct RttSnapshot {
  Duration latest_rtt{};
  Duration smoothed_rtt{};
  Duration min_rtt{};
  bool new_sample = false;  // latest_rtt was taken from this ACK
};

struct AckEvent {
  Timestamp now;
  std::span<const CcPacket> acked;  // newly acknowledged in-flight packets
  RttSnapshot rtt;
  std::uint64_t bytes_in_flight = 0;  // after removing the acked packets
};

// RFC 9002 section B.8 OnPacketsLost: all packets declared lost at once.
struct LossEvent {
  Timestamp now;
  std::span<const CcPacket> lost;      // newly lost in-flight packets
  bool persistent_congestion = false;  // RFC 9002 section 7.6
  std::uint64_t bytes_in_flight = 0;   // after removing the lost packets
};

// RFC 9002 section B.7 ProcessECN: the peer's ECN-CE count increased.
struct EcnCeEvent {
  Timestamp now;
  Timestamp largest_acked_time_sent;
  std::uint64_t ce_count_increase = 0;
  std::uint64_t bytes_in_flight = 0;
};

}  // namespace tquic::transport
