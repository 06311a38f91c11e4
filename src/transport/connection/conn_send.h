// The send path: what goes into each packet (conn_frames_out.cc) and how
// packets become datagrams and GSO trains (conn_send.cc).
#pragma once

#include "transport/connection/conn_state.h"

namespace tquic::transport {

// One packet being filled. Frame writers append into `w` (the payload
// region) and chain a SentFrameRecord for everything that may need to be
// sent again.
struct PacketBuild {
  ConnectionState& s;
  PathState& path;
  wire::EncryptionLevel level;
  PacketNumberSpace space;
  ByteWriter& w;
  Timestamp now;
  bool cwnd_allows = true;   // congestion-controlled frames may be added
  std::uint32_t frames = kNoFramesRef;
  bool ack_eliciting = false;
  bool padded = false;
  bool retransmission = false;
  bool ack_written = false;
  bool pto_probe = false;    // carries a PTO probe (RFC 9002 §6.2.4)

  void record(const SentFrameRecord& r) { frames = s.sent_frames.add(frames, r); }
};

// conn_frames_out.cc — each returns whether it wrote something.
bool write_ack_frame(PacketBuild& b);
bool write_close_frame(PacketBuild& b);
bool write_crypto_frames(PacketBuild& b);
void write_app_control_frames(PacketBuild& b);
void write_datagram_frames(PacketBuild& b);
void write_stream_frames(PacketBuild& b);
void write_ping_frame(PacketBuild& b);
// PATH_RESPONSE / PATH_CHALLENGE pending on b.path (probing frames, RFC 9000 §9.1).
bool write_path_frames(PacketBuild& b);
bool write_padding(PacketBuild& b, std::size_t bytes);

// What is waiting at each level (for choosing packets and deadlines).
bool ack_due(const ConnectionState& s, PacketNumberSpace space, Timestamp now);
bool has_crypto_to_send(const ConnectionState& s, PacketNumberSpace space);
bool has_app_data_to_send(const ConnectionState& s, const PathState& path);

}  // namespace tquic::transport
