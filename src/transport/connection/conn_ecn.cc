#include "transport/connection/conn_ecn.h"

namespace tquic::transport {
namespace {

void note_failure(ConnectionState& s, EcnValidationState before, const PathState& path) {
  if (before != EcnValidationState::failed && path.ecn.state() == EcnValidationState::failed)
    ++s.stats.ecn_validation_failures;
}

}  // namespace

EcnMark ecn_mark_for_train(ConnectionState& s, PathState& path, Timestamp now) {
  const EcnValidationState before = path.ecn.state();
  const Duration pto = recovery_path(s).recovery->pto_period(PacketNumberSpace::application_data);
  const bool mark = path.ecn.should_mark(now, pto);
  note_failure(s, before, path);
  return mark ? EcnMark::ect0 : EcnMark::not_ect;
}

bool ecn_train_may_grow(const PathState& path, EcnMark mark) {
  if (mark == EcnMark::not_ect || path.ecn.state() == EcnValidationState::capable) return true;
  return path.ecn.state() == EcnValidationState::testing && path.ecn.testing_budget() > 0;
}

void ecn_on_datagram_sent(PathState& path, EcnMark mark) { path.ecn.on_datagram_sent(mark != EcnMark::not_ect); }

void ecn_on_packet_sent(ConnectionState& s, PathState& path, PacketNumberSpace space, bool marked) {
  path.ecn.on_packet_sent(s.space(space).ecn, marked);
  if (marked) ++s.stats.ecn_ect0_sent;
}

// RFC 9000 §13.4.2.1. Without multipath the ECN counts are per packet
// number space, whichever path carried the packets; the active path's
// validator judges them.
std::uint64_t ecn_on_ack_frame(ConnectionState& s, const wire::AckFrame& f, PacketNumberSpace space,
                               std::uint64_t newly_acked_ect0) {
  PathState& path = s.path();
  const EcnValidationState before = path.ecn.state();
  EcnAckInput in{f.largest_acknowledged, f.ecn_counts, newly_acked_ect0};
  const std::uint64_t ce = path.ecn.on_ack(s.space(space).ecn, in);
  note_failure(s, before, path);
  s.stats.ecn_ce_reported += ce;
  s.stats.ecn_congestion_events += ce > 0;
  return ce;
}

void ecn_on_marked_lost(ConnectionState& s, std::uint64_t count) {
  if (count == 0) return;
  PathState& path = s.path();
  const EcnValidationState before = path.ecn.state();
  path.ecn.on_marked_packets_lost(count);
  note_failure(s, before, path);
}

void ecn_fill_stats(const ConnectionState& s, ConnectionStats& stats) {
  for (const auto& sp : s.spaces) {
    const EcnCounts& c = sp->acks.ecn_counts();
    stats.ecn_ect0_received += c.ect0;
    stats.ecn_ect1_received += c.ect1;
    stats.ecn_ce_received += c.ce;
  }
  stats.ecn_state = s.path().ecn.state();
  stats.ecn_failure = s.path().ecn.failure();
}

}  // namespace tquic::transport
