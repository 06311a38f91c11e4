// Received ACK frames and loss timers (RFC 9002 §6, §7; Appendix A/B).
#include "transport/connection/conn_ack.h"

#include <algorithm>

#include "transport/connection/conn_cids.h"
#include "transport/connection/conn_ecn.h"
#include "transport/connection/conn_paths.h"
#include "transport/connection/conn_qlog.h"
#include "transport/connection/conn_sent.h"

namespace tquic::transport {
namespace {

std::vector<DeliveryRateSnapshot>& ring_for(PathState& p, PacketNumberSpace space) {
  return p.snapshots[index_of(space)];
}

// Keeps the snapshot ring at least as large as the sent-packet window.
void fit_ring(PathState& p, PacketNumberSpace space) {
  auto& ring = ring_for(p, space);
  const SentPacketMap& sent = p.recovery->sent_packets(space);
  const std::size_t want = std::max<std::size_t>(64, sent.capacity());
  if (ring.size() >= want) return;
  std::size_t size = ring.empty() ? 64 : ring.size();
  while (size < want) size *= 2;
  std::vector<DeliveryRateSnapshot> bigger(size);
  if (!ring.empty())
    for (std::uint64_t pn = sent.window_begin(); pn < sent.next_packet_number(); ++pn)
      bigger[pn & (size - 1)] = ring[pn & (ring.size() - 1)];
  ring.swap(bigger);
}

const DeliveryRateSnapshot& snapshot_of(PathState& p, PacketNumberSpace space, std::uint64_t pn) {
  auto& ring = ring_for(p, space);
  return ring[pn & (ring.size() - 1)];
}

// Collects per-packet results for the congestion controller and releases
// or requeues what each packet carried.
struct AckSink {
  ConnectionState& s;
  PathState& path;
  Timestamp now;
  std::uint64_t ect0_acked = 0;  // ECN validation (RFC 9000 §13.4.2.1)
  std::uint64_t ect0_lost = 0;
  void on_packet_acked(PacketNumberSpace space, const SentPacket& p) {
    if (s.qlog) qlog_packet_acked(s, p);
    ect0_acked += p.ecn_ect0;
    if (p.in_flight)
      s.cc_acked.push_back({p.packet_number, p.sent_bytes, p.time_sent, snapshot_of(path, space, p.packet_number)});
    on_packet_acked_frames(s, p.frames_ref, space);
  }
  void on_packet_lost(PacketNumberSpace space, const SentPacket& p) {
    if (s.qlog) qlog_packet_lost(s, path, space, p, now);  // before its frame records are released
    if (!p.pmtu_probe) ++s.stats.packets_lost;  // a lost probe says nothing about the path's loss
    ect0_lost += p.ecn_ect0;
    if (p.in_flight && !p.pmtu_probe)
      s.cc_lost.push_back({p.packet_number, p.sent_bytes, p.time_sent, snapshot_of(path, space, p.packet_number)});
    on_packet_lost_frames(s, p.frames_ref);
  }
  void on_packet_discarded(PacketNumberSpace, const SentPacket& p) { s.sent_frames.release(p.frames_ref); }
};

// RFC 9002 Appendix B.6 order: losses, then ECN-CE (B.7), then acknowledgments.
void feed_congestion_controller(ConnectionState& s, PathState& path, const LossSummary& loss,
                                bool new_rtt_sample, Timestamp now, const EcnCeEvent* ce = nullptr) {
  const std::uint64_t inflight = path.recovery->bytes_in_flight();
  if (!s.cc_lost.empty())
    path.cc->on_congestion_event(LossEvent{now, s.cc_lost, loss.persistent_congestion, inflight});
  if (ce) path.cc->on_ecn_ce(*ce);
  if (!s.cc_acked.empty()) {
    const RttEstimator& rtt = path.recovery->rtt();
    RttSnapshot snap{rtt.latest_rtt(), rtt.smoothed_rtt(), rtt.min_rtt(), new_rtt_sample};
    path.cc->on_ack(AckEvent{now, s.cc_acked, snap, inflight});
  }
  path.pacer.set_rate(now, path.cc->pacing_rate());
  s.cc_acked.clear();
  s.cc_lost.clear();
}

// RFC 9002 Appendix B.7: the recovery period a CE increase starts is keyed
// to the send time of the largest acknowledged packet, so one round of
// marks reduces the window once. If that packet is not newly acknowledged
// (it was declared lost before), `now` covers everything sent so far.
Timestamp ce_reference_time(const AckOutcome& o, const wire::AckFrame& f, Timestamp now) {
  if (o.packets_acked > 0 && o.largest_newly_acked == f.largest_acknowledged) return o.largest_newly_acked_time_sent;
  return now;
}

Duration decode_ack_delay(const ConnectionState& s, const wire::AckFrame& f, PacketNumberSpace space) {
  if (space != PacketNumberSpace::application_data) return Duration::zero();
  const std::uint64_t exp = s.peer_params_received ? s.peer_params.ack_delay_exponent : 3;
  const std::uint64_t us = exp >= 62 || f.ack_delay > (std::uint64_t{1} << (62 - exp)) ? (std::uint64_t{1} << 40)
                                                                                   : f.ack_delay << exp;
  return std::chrono::microseconds(static_cast<std::int64_t>(std::min<std::uint64_t>(us, std::uint64_t{1} << 40)));
}

// RFC 8899 §4.3 / RFC 9000 §14.4: repeated PTOs (or persistent congestion)
// while sending datagrams above the 1200-byte floor may mean the path MTU
// shrank. Fall back to the floor, so probes get through, and search again.
void maybe_fall_back_to_base_mtu(ConnectionState& s, std::uint32_t pto_count, bool persistent, Timestamp now) {
  PathState& path = s.path();
  if (path.max_datagram_size <= 1200 || (pto_count < 2 && !persistent)) return;
  path.pmtu_search_high = path.max_datagram_size;
  path.max_datagram_size = 1200;
  path.pmtu_probe_size = 0;
  path.pmtu_failures = 0;
  path.pmtu_next_probe = now + 1s;
  recovery_path(s).cc->set_max_datagram_size(1200);
}

}  // namespace

Status record_sent_packet(ConnectionState& s, PathState& path, const SentPacket& p) {
  TQUIC_TRY(path.recovery->on_packet_sent(p));
  fit_ring(path, p.space);
  auto& ring = ring_for(path, p.space);
  const std::uint64_t before = path.recovery->bytes_in_flight() - (p.in_flight ? p.sent_bytes : 0);
  ring[p.packet_number & (ring.size() - 1)] =
      path.cc->on_packet_sent(SentPacketEvent{p.time_sent, p.packet_number, p.sent_bytes, before, p.in_flight});
  (void)s;
  return ok_status();
}

Status on_ack_frame(ConnectionState& s, const wire::AckFrame& f, const FrameContext& ctx) {
  PathState& path = *s.paths[0];  // single-path: every space's packets went out on path 0
  auto& ranges = s.ack_ranges_scratch;
  ranges.clear();
  for (const wire::AckRange& r : f.ranges()) ranges.push_back(r);
  AckFrameInfo info{ranges, decode_ack_delay(s, f, ctx.space), wire::to_wire(f.type()), 0};
  AckSink sink{s, path, ctx.now};
  auto outcome = path.recovery->on_ack_received(ctx.space, info, ctx.now, sink);
  if (!outcome) {
    s.cc_acked.clear();
    s.cc_lost.clear();
    if (s.qlog) s.qlog->acked.clear();
    return outcome.error();
  }
  if (s.qlog) qlog_packets_acked(s, ctx.space, ctx.now);
  if (ctx.space == PacketNumberSpace::application_data && outcome->packets_acked > 0 && s.one_rtt.installed())
    s.one_rtt.on_packet_acked(outcome->largest_newly_acked);
  const EcnCeEvent ce{ctx.now, ce_reference_time(*outcome, f, ctx.now),
                      ecn_on_ack_frame(s, f, ctx.space, sink.ect0_acked), path.recovery->bytes_in_flight()};
  ecn_on_marked_lost(s, sink.ect0_lost);  // after the acknowledged marked packets were counted
  feed_congestion_controller(s, path, outcome->loss, outcome->rtt_updated, ctx.now, ce.ce_count_increase ? &ce : nullptr);
  if (outcome->loss.persistent_congestion && ctx.space == PacketNumberSpace::application_data)
    maybe_fall_back_to_base_mtu(s, 0, true, ctx.now);
  if (s.qlog) qlog_metrics(s, ctx.now);
  return ok_status();
}

void on_loss_timeouts(ConnectionState& s, Timestamp now) {
  for (auto& p : s.paths) {
    if (!p || p->recovery->loss_detection_timer() > now) continue;
    AckSink sink{s, *p, now};
    const TimeoutOutcome t = p->recovery->on_loss_detection_timeout(now, sink);
    ecn_on_marked_lost(s, sink.ect0_lost);
    feed_congestion_controller(s, *p, t.loss, false, now);
    if (t.action == TimeoutAction::pto_probe || t.action == TimeoutAction::anti_deadlock_probe) {
      ++s.stats.pto_count;
      PacketNumberSpace space = t.space;
      if (t.action == TimeoutAction::anti_deadlock_probe)
        space = s.space(PacketNumberSpace::handshake).tx.ready() ? PacketNumberSpace::handshake
                                                                 : PacketNumberSpace::initial;
      s.space(space).probes_pending = 2;  // RFC 9002 §6.2.4: up to two probes
      requeue_unacked_for_probe(s, *p, space);
      if (space == PacketNumberSpace::application_data)
        maybe_fall_back_to_base_mtu(s, p->recovery->pto_count(), false, now);
    }
  }
}

}  // namespace tquic::transport
