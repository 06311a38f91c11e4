#include "transport/recovery/loss_detection.h"

#include <algorithm>

#include "transport/recovery/time_math.h"

namespace tquic::transport {

namespace {

constexpr PacketNumberSpace kSpaces[] = {PacketNumberSpace::initial, PacketNumberSpace::handshake,
                                         PacketNumberSpace::application_data};

// Backoff exponent cap: 2^62 times any duration saturates anyway.
constexpr std::uint32_t kMaxBackoffExponent = 62;

// Calls f(pn) for every packet number of `ranges` inside [begin, end),
// ranges in the given (descending) order, each range from high to low.
template <class F>
void for_each_in_window_descending(std::span<const wire::AckRange> ranges, std::uint64_t begin,
                                   std::uint64_t end, F&& f) {
  if (begin >= end) return;
  for (const wire::AckRange& r : ranges) {
    if (r.largest < begin) break;
    if (r.smallest >= end) continue;
    const std::uint64_t lo = std::max(r.smallest, begin);
    for (std::uint64_t pn = std::min(r.largest, end - 1) + 1; pn-- > lo;) f(pn);
  }
}

// Same, ascending: ranges from last to first, each range from low to high.
template <class F>
void for_each_in_window_ascending(std::span<const wire::AckRange> ranges, std::uint64_t begin,
                                  std::uint64_t end, F&& f) {
  if (begin >= end) return;
  for (auto it = ranges.rbegin(); it != ranges.rend(); ++it) {
    if (it->smallest >= end) break;
    if (it->largest < begin) continue;
    const std::uint64_t hi = std::min(it->largest, end - 1);
    for (std::uint64_t pn = std::max(it->smallest, begin); pn <= hi; ++pn) f(pn);
  }
}

}  // namespace

// Tracks runs of lost ack-eliciting packets with no acknowledged packet in
// between (RFC 9002 §7.6.2), in packet-number order within one space.
class LossDetection::PersistentCongestionScan {
 public:
  PersistentCongestionScan(bool enabled, const RttEstimator& rtt, Duration duration)
      : enabled_(enabled && rtt.has_sample()), first_rtt_sample_(rtt.first_rtt_sample()),
        duration_(duration) {}

  void on_acknowledged() { in_run_ = false; }

  void on_lost(const SentPacket& p) {
    // Only ack-eliciting packets sent after the first RTT sample count.
    if (!enabled_ || !p.ack_eliciting || p.pmtu_probe || p.time_sent <= first_rtt_sample_) return;
    if (!in_run_) {
      in_run_ = true;
      run_start_ = p.time_sent;
    } else if (elapsed_since(run_start_, p.time_sent) > duration_) {
      established_ = true;
    }
  }

  bool established() const { return established_; }

 private:
  bool enabled_;
  Timestamp first_rtt_sample_;
  Duration duration_;
  Timestamp run_start_{};
  bool in_run_ = false;
  bool established_ = false;
};

LossDetection::LossDetection(const LossDetectionConfig& config)
    : rtt_(config.initial_rtt),
      peer_max_ack_delay_(std::max(config.peer_max_ack_delay, Duration::zero())),
      packet_threshold_(std::max<std::uint64_t>(config.packet_threshold, 1)),
      is_server_(config.is_server),
      handshake_confirmed_(config.handshake_confirmed) {
  for (Space& s : spaces_) s.sent = SentPacketMap(config.initial_sent_capacity, config.max_sent_window);
}

// ---------------------------------------------------------------- facts ----

void LossDetection::on_handshake_confirmed(Timestamp now) {
  handshake_confirmed_ = true;
  set_loss_detection_timer(now);
}

void LossDetection::set_peer_max_ack_delay(Duration max_ack_delay, Timestamp now) {
  peer_max_ack_delay_ = std::max(max_ack_delay, Duration::zero());
  set_loss_detection_timer(now);
}

void LossDetection::set_anti_amplification_blocked(bool blocked, Timestamp now) {
  anti_amplification_blocked_ = blocked;
  set_loss_detection_timer(now);
}

void LossDetection::set_packet_threshold(std::uint64_t threshold) {
  packet_threshold_ = std::max<std::uint64_t>(threshold, 1);
}

// Appendix A.8 PeerCompletedAddressValidation: servers assume the client
// validated them; a client knows once a Handshake ACK arrived or the
// handshake is confirmed.
bool LossDetection::peer_completed_address_validation() const {
  return is_server_ || handshake_ack_received_ || handshake_confirmed_;
}

std::uint64_t LossDetection::bytes_in_flight() const {
  std::uint64_t total = 0;
  for (const Space& s : spaces_) total += s.bytes_in_flight;
  return total;
}

Duration LossDetection::pto_period(PacketNumberSpace space) const {
  const Duration base = rtt_.pto_base();
  if (space != PacketNumberSpace::application_data) return base;
  return saturating_add(base, peer_max_ack_delay_);
}

Duration LossDetection::persistent_congestion_duration() const {
  return saturating_mul(saturating_add(rtt_.pto_base(), peer_max_ack_delay_),
                        kPersistentCongestionThreshold);
}

// ---------------------------------------------------------------- sending --

// Appendix A.5 OnPacketSent.
Status LossDetection::on_packet_sent(const SentPacket& packet) {
  if (index_of(packet.space) >= kPacketNumberSpaceCount) return Error::local("bad packet number space");
  Space& s = at(packet.space);
  TQUIC_TRY(s.sent.insert(packet));
  if (!packet.in_flight) return ok_status();
  s.bytes_in_flight += packet.sent_bytes;
  if (packet.ack_eliciting) {
    s.time_of_last_ack_eliciting_packet = packet.time_sent;
    ++s.ack_eliciting_in_flight;
  }
  set_loss_detection_timer(packet.time_sent);
  return ok_status();
}

void LossDetection::remove_from_flight(Space& s, const SentPacket& p) {
  if (!p.in_flight) return;
  s.bytes_in_flight -= std::min<std::uint64_t>(s.bytes_in_flight, p.sent_bytes);
  if (p.ack_eliciting && s.ack_eliciting_in_flight > 0) --s.ack_eliciting_in_flight;
}

// ---------------------------------------------------------------- ACKs -----

// Ranges must be well formed and acknowledge only packets that were sent:
// "An endpoint SHOULD treat receipt of an acknowledgment for a packet it did
// not send as a connection error of type PROTOCOL_VIOLATION" (RFC 9000 §13.1).
Status LossDetection::validate_ack(const Space& s, const AckFrameInfo& ack) const {
  if (ack.ranges.empty()) {
    return Error::transport(TransportErrorCode::FRAME_ENCODING_ERROR, "ACK without ranges", ack.frame_type);
  }
  for (std::size_t i = 0; i < ack.ranges.size(); ++i) {
    const wire::AckRange& r = ack.ranges[i];
    const bool bad_order = i > 0 && r.largest >= ack.ranges[i - 1].smallest;
    if (r.smallest > r.largest || bad_order) {
      return Error::transport(TransportErrorCode::FRAME_ENCODING_ERROR, "ACK ranges not descending",
                              ack.frame_type);
    }
  }
  if (ack.ranges.front().largest >= s.sent.next_packet_number()) {
    return Error::transport(TransportErrorCode::PROTOCOL_VIOLATION, "ACK of a packet never sent",
                            ack.frame_type);
  }
  if (!s.sent.has_skipped_in_window()) return ok_status();
  bool skipped = false;
  for_each_in_window_descending(ack.ranges, s.sent.window_begin(), s.sent.next_packet_number(),
                                [&](std::uint64_t pn) {
                                  skipped |= s.sent.at(pn).state == SentPacketState::never_sent;
                                });
  if (skipped) {
    return Error::transport(TransportErrorCode::PROTOCOL_VIOLATION, "ACK of a skipped packet number",
                            ack.frame_type);
  }
  return ok_status();
}

// DetectAndRemoveAckedPackets, first half: marks outstanding packets in the
// ranges newly_acked and fills the aggregates. Returns whether any newly
// acknowledged packet was ack-eliciting.
bool LossDetection::mark_newly_acked(Space& s, const AckFrameInfo& ack, AckOutcome& out) {
  bool includes_ack_eliciting = false;
  for_each_in_window_descending(ack.ranges, s.sent.window_begin(), s.sent.next_packet_number(),
                                [&](std::uint64_t pn) {
                                  SentPacket& p = s.sent.at(pn);
                                  if (p.state != SentPacketState::outstanding) return;
                                  if (out.packets_acked++ == 0) {
                                    out.largest_newly_acked = pn;
                                    out.largest_newly_acked_time_sent = p.time_sent;
                                  }
                                  if (p.in_flight) out.bytes_acked += p.sent_bytes;
                                  includes_ack_eliciting |= p.ack_eliciting;
                                  remove_from_flight(s, p);
                                  s.sent.set_state(pn, SentPacketState::newly_acked);
                                });
  return includes_ack_eliciting;
}

// Appendix A.7 UpdateRtt. The Initial space's ACK Delay is ignored (§5.3).
void LossDetection::update_rtt(PacketNumberSpace space, const AckFrameInfo& ack, Timestamp now,
                               Timestamp largest_time_sent) {
  RttSample sample;
  sample.latest_rtt = elapsed_since(largest_time_sent, now);
  sample.ack_delay = space == PacketNumberSpace::initial ? Duration::zero() : ack.ack_delay;
  sample.max_ack_delay = peer_max_ack_delay_;
  sample.handshake_confirmed = handshake_confirmed_;
  sample.now = now;
  sample.ack_path_id = ack.ack_path_id;
  rtt_.on_sample(sample);
}

// DetectAndRemoveAckedPackets, second half: reports the newly acknowledged
// packets in ascending packet-number order.
void LossDetection::report_newly_acked(PacketNumberSpace space, Space& s, const AckFrameInfo& ack,
                                       RecoverySinkRef sink) {
  for_each_in_window_ascending(ack.ranges, s.sent.window_begin(), s.sent.next_packet_number(),
                               [&](std::uint64_t pn) {
                                 SentPacket& p = s.sent.at(pn);
                                 if (p.state != SentPacketState::newly_acked) return;
                                 s.sent.set_state(pn, SentPacketState::acked);
                                 sink.acked(space, p);
                               });
}

// Appendix A.7 OnAckReceived.
Result<AckOutcome> LossDetection::process_ack(PacketNumberSpace space, const AckFrameInfo& ack,
                                              Timestamp now, RecoverySinkRef sink) {
  if (index_of(space) >= kPacketNumberSpaceCount) return Error::local("bad packet number space");
  Space& s = at(space);
  TQUIC_TRY(validate_ack(s, ack));

  const std::uint64_t largest = ack.ranges.front().largest;
  s.largest_acked = s.has_largest_acked ? std::max(s.largest_acked, largest) : largest;
  s.has_largest_acked = true;
  if (space == PacketNumberSpace::handshake) handshake_ack_received_ = true;

  AckOutcome out;
  const bool includes_ack_eliciting = mark_newly_acked(s, ack, out);
  if (out.packets_acked == 0) return out;

  if (out.largest_newly_acked == largest && includes_ack_eliciting) {
    update_rtt(space, ack, now, out.largest_newly_acked_time_sent);
    out.rtt_updated = true;
  }
  out.loss = detect_and_remove_lost_packets(space, now, /*on_ack=*/true, sink);
  report_newly_acked(space, s, ack, sink);
  s.sent.advance();

  if (peer_completed_address_validation()) pto_count_ = 0;
  set_loss_detection_timer(now);
  return out;
}

// ---------------------------------------------------------------- loss -----

// max(kTimeThreshold * max(smoothed_rtt, latest_rtt), kGranularity), §6.1.2.
Duration LossDetection::loss_delay() const {
  const Duration rtt = std::max(rtt_.smoothed_rtt(), rtt_.latest_rtt());
  const Duration scaled = saturating_add(rtt, rtt / kTimeThresholdDenominator);
  static_assert(kTimeThresholdNumerator == kTimeThresholdDenominator + 1);
  return std::max(scaled, kGranularity);
}

void LossDetection::declare_lost(PacketNumberSpace space, Space& s, SentPacket& p, LossSummary& sum,
                                 RecoverySinkRef sink) {
  ++sum.packets_lost;
  if (p.in_flight) {
    sum.bytes_lost += p.sent_bytes;
    if (!p.pmtu_probe) {
      sum.sent_time_of_last_loss =
          sum.congestion_event ? std::max(sum.sent_time_of_last_loss, p.time_sent) : p.time_sent;
      sum.congestion_event = true;
    }
  }
  remove_from_flight(s, p);
  s.sent.set_state(p.packet_number, SentPacketState::lost);
  sink.lost(space, p);
}

// Appendix A.10 DetectAndRemoveLostPackets, plus persistent congestion
// (§7.6) over this space when called on receipt of an ACK.
LossSummary LossDetection::detect_and_remove_lost_packets(PacketNumberSpace space, Timestamp now,
                                                          bool on_ack, RecoverySinkRef sink) {
  Space& s = at(space);
  LossSummary sum;
  s.loss_time = kTimeInfinite;
  if (!s.has_largest_acked) return sum;

  const Duration delay = loss_delay();
  const Timestamp lost_send_time = saturating_sub(now, delay);
  PersistentCongestionScan pc(on_ack, rtt_, persistent_congestion_duration());
  const std::uint64_t end = std::min(s.largest_acked + 1, s.sent.next_packet_number());
  for (std::uint64_t pn = s.sent.window_begin(); pn < end; ++pn) {
    SentPacket& p = s.sent.at(pn);
    if (p.state == SentPacketState::acked || p.state == SentPacketState::newly_acked) {
      pc.on_acknowledged();
      continue;
    }
    if (p.state != SentPacketState::outstanding) continue;
    if (p.time_sent <= lost_send_time || s.largest_acked - pn >= packet_threshold_) {
      declare_lost(space, s, p, sum, sink);
      pc.on_lost(p);
    } else {
      s.loss_time = std::min(s.loss_time, saturating_add(p.time_sent, delay));
    }
  }
  if (pc.established()) {
    sum.persistent_congestion = true;
    rtt_.on_persistent_congestion();
  }
  return sum;
}

// ---------------------------------------------------------------- timer ----

bool LossDetection::any_ack_eliciting_in_flight() const {
  for (const Space& s : spaces_) {
    if (s.ack_eliciting_in_flight > 0) return true;
  }
  return false;
}

// Appendix A.8 GetLossTimeAndSpace.
LossDetection::TimeAndSpace LossDetection::get_loss_time_and_space() const {
  TimeAndSpace best;
  for (PacketNumberSpace space : kSpaces) {
    const Timestamp t = at(space).loss_time;
    if (t < best.time) best = {t, space};
  }
  return best;
}

// Appendix A.8 GetPtoTimeAndSpace.
LossDetection::TimeAndSpace LossDetection::get_pto_time_and_space(Timestamp now) const {
  const std::uint32_t exponent = std::min(pto_count_, kMaxBackoffExponent);
  Duration duration = saturating_shift(rtt_.pto_base(), exponent);
  // Anti-deadlock PTO starts from the current time.
  if (!any_ack_eliciting_in_flight()) return {saturating_add(now, duration), PacketNumberSpace::initial};
  TimeAndSpace best;
  for (PacketNumberSpace space : kSpaces) {
    const Space& s = at(space);
    if (s.ack_eliciting_in_flight == 0) continue;
    if (space == PacketNumberSpace::application_data) {
      // No PTO for Application Data until the handshake is confirmed (§6.2.1).
      if (!handshake_confirmed_) return best;
      duration = saturating_add(duration, saturating_shift(peer_max_ack_delay_, exponent));
    }
    const Timestamp t = saturating_add(s.time_of_last_ack_eliciting_packet, duration);
    if (t < best.time) best = {t, space};
  }
  return best;
}

// Appendix A.8 SetLossDetectionTimer.
void LossDetection::set_loss_detection_timer(Timestamp now) {
  const TimeAndSpace loss = get_loss_time_and_space();
  if (loss.time != kTimeInfinite) {
    loss_detection_timer_ = loss.time;  // time threshold loss detection
    return;
  }
  if (anti_amplification_blocked_ ||
      (!any_ack_eliciting_in_flight() && peer_completed_address_validation())) {
    loss_detection_timer_ = kTimeInfinite;
    return;
  }
  loss_detection_timer_ = get_pto_time_and_space(now).time;
}

// Appendix A.9 OnLossDetectionTimeout.
TimeoutOutcome LossDetection::process_timeout(Timestamp now, RecoverySinkRef sink) {
  TimeoutOutcome out;
  if (loss_detection_timer_ == kTimeInfinite || now < loss_detection_timer_) return out;

  const TimeAndSpace loss = get_loss_time_and_space();
  if (loss.time != kTimeInfinite) {
    out.action = TimeoutAction::loss_detected;
    out.space = loss.space;
    out.loss = detect_and_remove_lost_packets(loss.space, now, /*on_ack=*/false, sink);
    at(loss.space).sent.advance();
    set_loss_detection_timer(now);
    return out;
  }
  if (!any_ack_eliciting_in_flight()) {
    out.action = TimeoutAction::anti_deadlock_probe;
  } else {
    out.action = TimeoutAction::pto_probe;
    out.space = get_pto_time_and_space(now).space;
  }
  ++pto_count_;
  set_loss_detection_timer(now);
  return out;
}

// Appendix A.11 OnPacketNumberSpaceDiscarded (and the 0-RTT variant).
void LossDetection::discard(PacketNumberSpace space, bool zero_rtt_only, Timestamp now,
                            RecoverySinkRef sink) {
  if (index_of(space) >= kPacketNumberSpaceCount) return;
  Space& s = at(space);
  for (std::uint64_t pn = s.sent.window_begin(); pn < s.sent.next_packet_number(); ++pn) {
    SentPacket& p = s.sent.at(pn);
    if (p.state != SentPacketState::outstanding || (zero_rtt_only && !p.zero_rtt)) continue;
    remove_from_flight(s, p);
    s.sent.set_state(pn, SentPacketState::lost);
    sink.discarded(space, p);
  }
  if (zero_rtt_only) {
    s.sent.advance();
  } else {
    s.sent.clear();
    s.bytes_in_flight = 0;
    s.ack_eliciting_in_flight = 0;
    s.time_of_last_ack_eliciting_packet = Timestamp{};
    s.loss_time = kTimeInfinite;
    pto_count_ = 0;
  }
  set_loss_detection_timer(now);
}

}  // namespace tquic::transport
