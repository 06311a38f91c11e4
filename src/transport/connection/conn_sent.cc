#include "transport/connection/conn_sent.h"

#include "transport/connection/conn_cids.h"

namespace tquic::transport {
namespace {

void stream_lost(ConnectionState& s, const SentFrameRecord& r) {
  Stream* st = find_stream(s, r.a);
  if (!st || !st->send) return;
  st->send->on_lost(r.b, r.c, r.fin);
  schedule_stream(s, *st);
}

void stream_acked(ConnectionState& s, const SentFrameRecord& r) {
  Stream* st = find_stream(s, r.a);
  if (!st || !st->send) return;
  st->send->on_acked(r.b, r.c, r.fin);
  if (st->write_blocked && st->send->writable() > 0) {
    st->write_blocked = false;
    s.events.push({ConnectionEventType::stream_writable, st->id});
  }
  maybe_collect_stream(s, *st);
}

void control_lost(ConnectionState& s, const SentFrameRecord& r) {
  Stream* st = nullptr;
  switch (r.kind) {
    case SentFrameKind::max_data: s.pending.max_data = true; break;
    case SentFrameKind::max_streams_bidi: s.pending.max_streams_bidi = true; break;
    case SentFrameKind::max_streams_uni: s.pending.max_streams_uni = true; break;
    case SentFrameKind::handshake_done: s.pending.handshake_done = true; break;
    case SentFrameKind::new_token: s.pending.new_token = true; break;
    case SentFrameKind::new_connection_id: requeue_new_connection_id(s, r.a); break;
    case SentFrameKind::retire_connection_id: requeue_retire_connection_id(s, r.a); break;
    case SentFrameKind::max_stream_data:
      if ((st = find_stream(s, r.a)) && st->recv) {
        st->max_stream_data_pending = true;
        note_stream_control(s, *st);
      }
      break;
    case SentFrameKind::reset_stream:
      if ((st = find_stream(s, r.a)) && st->send) {
        st->send->on_reset_lost();
        note_stream_control(s, *st);
      }
      break;
    case SentFrameKind::stop_sending:
      if ((st = find_stream(s, r.a)) && st->recv) {
        st->stop_sending_pending = true;
        note_stream_control(s, *st);
      }
      break;
    case SentFrameKind::pmtu_probe:
      for (auto& p : s.paths)
        if (p && p->id == r.a) on_pmtu_probe_lost(s, *p, r.b);
      break;
    default: break;  // blocked frames are re-derived; PATH_* have timers
  }
}

void requeue(ConnectionState& s, const SentFrameRecord& r) {
  if (r.kind == SentFrameKind::stream) return stream_lost(s, r);
  if (r.kind == SentFrameKind::crypto) {
    PacketSpace& sp = s.space(static_cast<PacketNumberSpace>(r.level));
    if (!sp.discarded) sp.crypto.tx.on_lost(r.b, r.c, false);
    return;
  }
  control_lost(s, r);
}

}  // namespace

void on_packet_acked_frames(ConnectionState& s, std::uint32_t ref, PacketNumberSpace space) {
  for (std::uint32_t i = ref; i != kNoFramesRef; i = s.sent_frames.at(i).next) {
    const SentFrameRecord& r = s.sent_frames.at(i);
    switch (r.kind) {
      case SentFrameKind::stream: stream_acked(s, r); break;
      case SentFrameKind::crypto: {
        PacketSpace& sp = s.space(static_cast<PacketNumberSpace>(r.level));
        if (!sp.discarded) sp.crypto.tx.on_acked(r.b, r.c, false);
        break;
      }
      case SentFrameKind::ack: s.space(space).acks.on_ack_frame_acknowledged(r.a); break;
      case SentFrameKind::pmtu_probe:
        for (auto& p : s.paths)
          if (p && p->id == r.a) on_pmtu_probe_acked(s, *p, r.b);
        break;
      case SentFrameKind::retire_connection_id: on_retire_connection_id_acked(s, r.a); break;
      case SentFrameKind::reset_stream:
        if (Stream* st = find_stream(s, r.a); st && st->send) {
          st->send->on_reset_acked();
          maybe_collect_stream(s, *st);
        }
        break;
      default: break;
    }
  }
  s.sent_frames.release(ref);
}

void on_packet_lost_frames(ConnectionState& s, std::uint32_t ref) {
  for (std::uint32_t i = ref; i != kNoFramesRef; i = s.sent_frames.at(i).next) requeue(s, s.sent_frames.at(i));
  s.sent_frames.release(ref);
}

void requeue_unacked_for_probe(ConnectionState& s, PathState& path, PacketNumberSpace space) {
  int packets = 0;
  path.recovery->sent_packets(space).for_each_outstanding([&](const SentPacket& p) {
    if (packets >= 2 || !p.ack_eliciting) return;
    ++packets;
    for (std::uint32_t i = p.frames_ref; i != kNoFramesRef; i = s.sent_frames.at(i).next) {
      const SentFrameRecord& r = s.sent_frames.at(i);
      if (r.kind == SentFrameKind::stream || r.kind == SentFrameKind::crypto) requeue(s, r);
    }
  });
}

}  // namespace tquic::transport

namespace tquic::transport {
namespace {

struct RequeueSink {
  ConnectionState& s;
  void on_packet_acked(PacketNumberSpace, const SentPacket& p) { on_packet_lost_frames(s, p.frames_ref); }
  void on_packet_lost(PacketNumberSpace, const SentPacket& p) { on_packet_lost_frames(s, p.frames_ref); }
  void on_packet_discarded(PacketNumberSpace, const SentPacket& p) { on_packet_lost_frames(s, p.frames_ref); }
};

}  // namespace

// RFC 9002 §6.3: after a Retry the Initial packets in flight are neither
// acknowledged nor lost; their CRYPTO data goes out again under new keys.
void requeue_initial_after_retry(ConnectionState& s, Timestamp now) {
  RequeueSink sink{s};
  s.paths[0]->recovery->discard_space(PacketNumberSpace::initial, now, sink);
}

}  // namespace tquic::transport
