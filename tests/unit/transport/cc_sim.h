// Test support for the congestion controllers: a hand driver for unit-level
// event sequences, and a tiny deterministic single-bottleneck link model in
// virtual time (rate R, base RTT D, drop-tail buffer B, optional ECN-CE
// marking above a queue threshold, seeded Bernoulli loss after the
// bottleneck) that drives a controller and a pacer like a
// connection would: always backlogged, ACK per packet, packet-threshold (3)
// and time-threshold (9/8 RTT) loss detection as in RFC 9002 section 6.1.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <random>
#include <vector>

#include "transport/cc/congestion_controller.h"
#include "transport/cc/pacer.h"

namespace tquic::transport::test {

inline Timestamp at(Duration d) { return Timestamp(d); }

// Drives a controller by hand: remembers what was sent so ACKs and losses
// can be reported with the right snapshots.
class CcDriver {
 public:
  explicit CcDriver(CongestionController& cc) : cc_(cc) {}

  CcPacket send(Timestamp now, std::uint64_t bytes = 1200) {
    CcPacket p;
    p.packet_number = next_pn_++;
    p.bytes = bytes;
    p.time_sent = now;
    p.delivery = cc_.on_packet_sent({now, p.packet_number, bytes, bytes_in_flight_, true});
    bytes_in_flight_ += bytes;
    return p;
  }
  std::vector<CcPacket> send_many(Timestamp now, std::size_t n, std::uint64_t bytes = 1200) {
    std::vector<CcPacket> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(send(now, bytes));
    return out;
  }
  // Sends until the window is full.
  std::vector<CcPacket> fill_window(Timestamp now, std::uint64_t bytes = 1200) {
    std::vector<CcPacket> out;
    while (cc_.can_send(bytes_in_flight_)) out.push_back(send(now, bytes));
    return out;
  }
  void ack(Timestamp now, const std::vector<CcPacket>& packets, Duration rtt) {
    for (const CcPacket& p : packets) bytes_in_flight_ -= p.bytes;
    RttSnapshot r{rtt, rtt, rtt, true};
    cc_.on_ack({now, packets, r, bytes_in_flight_});
  }
  void ack_one(Timestamp now, const CcPacket& p, Duration rtt) {
    ack(now, std::vector<CcPacket>{p}, rtt);
  }
  void lose(Timestamp now, const std::vector<CcPacket>& packets, bool persistent = false) {
    for (const CcPacket& p : packets) bytes_in_flight_ -= p.bytes;
    cc_.on_congestion_event({now, packets, persistent, bytes_in_flight_});
  }
  std::uint64_t bytes_in_flight() const { return bytes_in_flight_; }

 private:
  CongestionController& cc_;
  std::uint64_t next_pn_ = 0;
  std::uint64_t bytes_in_flight_ = 0;
};

struct LinkParams {
  std::uint64_t rate = 0;             // bottleneck bytes per second; 0 = infinite
  Duration base_rtt = 40ms;           // propagation RTT without queueing
  std::uint64_t buffer = UINT64_MAX;  // drop-tail queue limit in bytes
  double loss_rate = 0.0;             // Bernoulli loss after the bottleneck
  std::uint64_t seed = 1;
  std::uint64_t packet_size = 1200;
  bool paced = true;  // use the pacer (else window-only bursts)
  // Step ECN marking: a packet that finds at least this many bytes queued
  // is marked CE; its ACK reports the mark (on_ecn_ce before on_ack, as
  // RFC 9002 Appendix B.6 orders them). 0 = off.
  std::uint64_t ce_threshold = 0;
};

class LinkSim {
 public:
  using Observer = std::function<void(Timestamp now, std::uint64_t bytes_in_flight)>;
  using DropFilter = std::function<bool(std::uint64_t pn, Timestamp now)>;

  LinkSim(const LinkParams& params, CongestionController& cc)
      : p_(params), cc_(cc), pacer_(params.packet_size), rng_(params.seed) {}

  void set_observer(Observer o) { observer_ = std::move(o); }
  void set_drop_filter(DropFilter f) { drop_filter_ = std::move(f); }

  // Runs until virtual time `until`. Returns false if the sender stalled.
  bool run_until(Timestamp until) {
    while (now_ < until) {
      const Timestamp t_ack = acks_.empty() ? kTimeInfinite : acks_.front().time;
      Timestamp t_send = kTimeInfinite;
      if (cc_.can_send(bytes_in_flight_)) {
        t_send = p_.paced ? pacer_.next_send_time(now_, p_.packet_size) : now_;
      }
      const Timestamp next = std::min(t_ack, t_send);
      if (next == kTimeInfinite) return false;
      if (next >= until) {
        now_ = until;
        break;
      }
      now_ = std::max(now_, next);
      if (t_ack <= t_send) {
        on_ack_arrival();
      } else {
        send_one();
      }
    }
    return true;
  }

  Timestamp now() const { return now_; }
  std::uint64_t delivered_bytes() const { return delivered_; }
  std::uint64_t lost_packets() const { return lost_packets_; }
  std::uint64_t ce_marks() const { return ce_marks_; }
  std::uint64_t bytes_in_flight() const { return bytes_in_flight_; }
  Duration smoothed_rtt() const { return srtt_; }
  Duration min_rtt() const { return min_rtt_; }
  std::uint64_t queue_bytes() const {
    if (p_.rate == 0 || link_free_at_ <= now_) return 0;
    return bytes_in_duration(p_.rate, link_free_at_ - now_);
  }

 private:
  struct Record {
    CcPacket packet;
    bool outstanding = true;
  };
  struct PendingAck {
    Timestamp time;
    std::uint64_t pn;
    bool ce = false;
  };

  void send_one() {
    CcPacket pkt;
    pkt.packet_number = next_pn_++;
    pkt.bytes = p_.packet_size;
    pkt.time_sent = now_;
    pkt.delivery = cc_.on_packet_sent({now_, pkt.packet_number, pkt.bytes, bytes_in_flight_, true});
    if (p_.paced) pacer_.on_sent(now_, pkt.bytes);
    bytes_in_flight_ += pkt.bytes;
    records_.push_back(Record{pkt, true});
    enqueue_at_bottleneck(pkt);
  }

  void enqueue_at_bottleneck(const CcPacket& pkt) {
    if (drop_filter_ && drop_filter_(pkt.packet_number, now_)) return;
    Timestamp depart = now_;
    bool ce = false;
    if (p_.rate != 0) {
      if (queue_bytes() + pkt.bytes > p_.buffer) return;  // tail drop
      ce = p_.ce_threshold != 0 && queue_bytes() >= p_.ce_threshold;
      depart = std::max(now_, link_free_at_) +
               Duration(static_cast<std::int64_t>(pkt.bytes * 1'000'000'000ull / p_.rate));
      link_free_at_ = depart;
    }
    if (p_.loss_rate > 0 && uniform_(rng_) < p_.loss_rate) return;  // lost after the link
    acks_.push_back(PendingAck{depart + p_.base_rtt, pkt.packet_number, ce});
  }

  Record* find(std::uint64_t pn) {
    if (records_.empty() || pn < records_.front().packet.packet_number) return nullptr;
    const std::uint64_t idx = pn - records_.front().packet.packet_number;
    return idx < records_.size() ? &records_[idx] : nullptr;
  }

  void update_rtt(Duration latest) {
    if (!has_rtt_) {
      has_rtt_ = true;
      srtt_ = latest;
      min_rtt_ = latest;
      return;
    }
    min_rtt_ = std::min(min_rtt_, latest);
    srtt_ = (srtt_ * 7 + latest) / 8;
  }

  void on_ack_arrival() {
    const PendingAck a = acks_.front();
    acks_.pop_front();
    Record* r = find(a.pn);
    if (r == nullptr || !r->outstanding) return;
    r->outstanding = false;
    bytes_in_flight_ -= r->packet.bytes;
    delivered_ += r->packet.bytes;
    largest_acked_ = std::max(largest_acked_, a.pn);
    update_rtt(now_ - r->packet.time_sent);
    if (a.ce) {
      ++ce_marks_;
      cc_.on_ecn_ce({now_, r->packet.time_sent, 1, bytes_in_flight_});
    }
    acked_buf_.assign(1, r->packet);
    cc_.on_ack({now_, acked_buf_, RttSnapshot{now_ - r->packet.time_sent, srtt_, min_rtt_, true},
                bytes_in_flight_});
    detect_losses();
    pop_resolved();
    pacer_.set_rate(now_, cc_.pacing_rate());
    if (observer_) observer_(now_, bytes_in_flight_);
  }

  // RFC 9002 section 6.1: packet threshold 3, time threshold 9/8 RTT.
  void detect_losses() {
    lost_buf_.clear();
    const Duration loss_delay = std::max(srtt_, min_rtt_) * 9 / 8;
    for (Record& r : records_) {
      if (r.packet.packet_number >= largest_acked_) break;
      if (!r.outstanding) continue;
      const bool by_count = r.packet.packet_number + 3 <= largest_acked_;
      const bool by_time = r.packet.time_sent + loss_delay <= now_;
      if (!by_count && !by_time) continue;
      r.outstanding = false;
      bytes_in_flight_ -= r.packet.bytes;
      ++lost_packets_;
      lost_buf_.push_back(r.packet);
    }
    if (!lost_buf_.empty()) cc_.on_congestion_event({now_, lost_buf_, false, bytes_in_flight_});
  }

  void pop_resolved() {
    while (!records_.empty() && !records_.front().outstanding) records_.pop_front();
  }

  LinkParams p_;
  CongestionController& cc_;
  Pacer pacer_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
  Observer observer_;
  DropFilter drop_filter_;
  Timestamp now_{};
  Timestamp link_free_at_{};
  std::uint64_t next_pn_ = 0;
  std::uint64_t largest_acked_ = 0;
  std::uint64_t bytes_in_flight_ = 0;
  std::uint64_t delivered_ = 0;
  std::uint64_t lost_packets_ = 0;
  std::uint64_t ce_marks_ = 0;
  std::deque<Record> records_;
  std::deque<PendingAck> acks_;
  std::vector<CcPacket> acked_buf_;
  std::vector<CcPacket> lost_buf_;
  bool has_rtt_ = false;
  Duration srtt_{};
  Duration min_rtt_{};
};

}  // namespace tquic::transport::test
