// What each sent packet carried that may need to be sent again (RFC 9000
// §13.3): one record per retransmittable frame, chained per packet. The
// SentPacket keeps only the index of its first record (`frames_ref`), so the
// sent-packet map stays small. Records come from a free list that grows
// only when more packets are in flight than ever before: steady state does
// not allocate (HOTPATH rule 1).
#pragma once

#include <cstdint>
#include <vector>

#include "transport/recovery/sent_packet.h"

namespace tquic::transport {

enum class SentFrameKind : std::uint8_t {
  stream,             // a = stream id, b = offset, c = length, fin
  crypto,             // level, b = offset, c = length
  ack,                // a = largest acknowledged, level
  max_data,
  max_stream_data,    // a = stream id
  max_streams_bidi,
  max_streams_uni,
  data_blocked,
  stream_data_blocked,  // a = stream id
  streams_blocked_bidi,
  streams_blocked_uni,
  reset_stream,       // a = stream id
  stop_sending,       // a = stream id
  new_connection_id,  // a = sequence
  retire_connection_id,  // a = sequence
  handshake_done,
  new_token,
  path_challenge,     // a = path index (not retransmitted: a new challenge is sent)
  pmtu_probe,         // a = path index, b = probe size
};

struct SentFrameRecord {
  SentFrameKind kind = SentFrameKind::stream;
  bool fin = false;
  std::uint8_t level = 0;
  std::uint32_t next = kNoFramesRef;
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  std::uint64_t c = 0;
};

class SentFrameStore {
 public:
  explicit SentFrameStore(std::size_t initial = 1024);

  // Appends a record to the chain whose head is `head` (kNoFramesRef: new
  // chain). Returns the (possibly new) head. Chains are built per packet.
  std::uint32_t add(std::uint32_t head, const SentFrameRecord& r);
  const SentFrameRecord& at(std::uint32_t i) const { return records_[i]; }
  // Returns a whole chain to the free list.
  void release(std::uint32_t head);

  std::size_t in_use() const { return in_use_; }
  std::size_t capacity() const { return records_.size(); }

 private:
  void grow();

  std::vector<SentFrameRecord> records_;
  std::uint32_t free_ = kNoFramesRef;
  std::size_t in_use_ = 0;
};

}  // namespace tquic::transport
