// The application's outgoing bytes on one stream (RFC 9000 §2.2, §3.1, §13.3).
//
// append() copies the application's bytes exactly once, into pooled chunks;
// everything after that is views. The packet builder asks next_range() for
// what to send — ranges declared lost first, then new data — reads the bytes
// as at most two spans (a range never crosses more than one chunk boundary)
// and seals straight from them; it reports on_sent(), and recovery later
// reports on_acked() or on_lost() for each range, on whatever path it went.
// Retransmissions come from the same chunks, so resending on another path
// copies nothing, and a lost range may be split across several packets.
//
// Memory: chunks are taken lazily on append and returned as soon as every
// byte in them has been acknowledged. append() refuses bytes beyond
// `max_buffered` unacknowledged bytes and reports how much it took
// (backpressure, HOTPATH.md rule 10).
//
// Bounded bookkeeping: acknowledged ranges above the acknowledged prefix and
// lost ranges each live in a fixed RangeSet. When the lost set is full, a new
// lost range is merged with its neighbour (resending a few extra bytes is
// safe: ranges handed out are always clipped against what is acknowledged).
// When the acknowledged set is full, an acknowledgment that would need a new
// range is recorded as lost instead, so the bytes are sent and acknowledged
// again later rather than forgotten.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "transport/stream/chunk.h"
#include "transport/stream/range_set.h"

namespace tquic::transport {

// What to put in the next STREAM frame. length may be 0 for a FIN-only frame.
struct SendRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
  bool fin = false;
  bool retransmission = false;  // bytes (or FIN) sent before and declared lost
};

// A range's bytes: `first` then `second` (empty unless the range crosses a
// chunk boundary).
struct SendSpans {
  ByteSpan first;
  ByteSpan second;
  std::size_t size() const { return first.size() + second.size(); }
};

class SendBuffer {
 public:
  static constexpr std::size_t kMaxAckedRanges = 32;
  static constexpr std::size_t kMaxLostRanges = 32;
  // Limits are clamped to 1 GiB: the chunk-pointer ring then stays <= 2 MiB.
  static constexpr std::uint64_t kMaxBufferedLimit = std::uint64_t{1} << 30;

  // `max_buffered`: how many unacknowledged bytes the application may queue.
  SendBuffer(ChunkPool& pool, std::uint64_t max_buffered);
  ~SendBuffer();
  SendBuffer(const SendBuffer&) = delete;
  SendBuffer& operator=(const SendBuffer&) = delete;

  // --- application ---
  // Copies up to writable() bytes; returns how many were taken (fewer than
  // data.size() under backpressure or when the pool is exhausted, 0 after
  // finish() or discard()).
  std::size_t append(ByteSpan data);
  // The application has written everything: the final size is write_offset().
  void finish() { finished_ = true; }
  std::uint64_t writable() const;

  // --- packet builder ---
  // Lost bytes (or a lost FIN) first, then new bytes below `new_data_limit`
  // (the absolute offset stream and connection flow control allow), then a
  // FIN-only frame. At most `max_length` bytes and at most two chunks.
  // nullopt when there is nothing to send (or only flow-blocked new data).
  std::optional<SendRange> next_range(std::uint64_t max_length,
                                      std::uint64_t new_data_limit) const;
  // The bytes of [offset, offset + length) for a range next_range() returned
  // (or a prefix of one). Empty spans for bytes no longer held.
  SendSpans bytes(std::uint64_t offset, std::uint64_t length) const;
  // A STREAM frame carrying [offset, offset + length) (and FIN) was sent.
  // Returns how many bytes lie beyond the previous highest sent offset: the
  // new flow-control credit consumed. Local error on misuse (range beyond the
  // written data, FIN not at the final size).
  Result<std::uint64_t> on_sent(std::uint64_t offset, std::uint64_t length, bool fin);
  void on_acked(std::uint64_t offset, std::uint64_t length, bool fin);
  void on_lost(std::uint64_t offset, std::uint64_t length, bool fin);
  // The stream was reset: drop every byte, send nothing more.
  void discard();

  // Something (lost data, new data ignoring flow control, or a FIN) awaits.
  bool has_pending() const;
  bool has_lost() const;
  std::uint64_t write_offset() const { return write_offset_; }
  std::uint64_t max_sent_offset() const { return send_offset_; }
  std::uint64_t acked_prefix() const { return acked_prefix_; }
  bool finished() const { return finished_; }
  bool fin_sent() const { return fin_sent_; }
  bool fin_acked() const { return fin_acked_; }
  // The final size and every byte below it are acknowledged.
  bool all_acked() const { return finished_ && fin_acked_ && acked_prefix_ == write_offset_; }
  bool discarded() const { return discarded_; }
  std::size_t chunks_held() const { return chunks_held_; }

 private:
  std::optional<SendRange> next_lost_range(std::uint64_t max_length) const;
  std::optional<SendRange> next_new_range(std::uint64_t max_length,
                                          std::uint64_t new_data_limit) const;
  ByteRange first_unacked(ByteRange r) const;
  bool is_acked(std::uint64_t start, std::uint64_t end) const;
  std::uint64_t sent_end(std::uint64_t offset, std::uint64_t length) const;
  std::uint64_t cap_length(std::uint64_t offset, std::uint64_t length) const;
  bool fin_at(std::uint64_t end) const { return finished_ && end == write_offset_; }
  void record_ack(std::uint64_t start, std::uint64_t end);
  void release_acked_chunks(std::uint64_t start, std::uint64_t end);
  StreamChunk*& slot(std::uint64_t index) { return slots_[index % slots_.size()]; }
  StreamChunk* slot(std::uint64_t index) const { return slots_[index % slots_.size()]; }
  void release_slot(std::uint64_t index);
  void release_all();

  ChunkPool& pool_;
  std::uint64_t max_buffered_;
  std::uint64_t write_offset_ = 0;  // bytes appended
  std::uint64_t send_offset_ = 0;   // highest offset ever sent
  std::uint64_t acked_prefix_ = 0;  // every byte below is acknowledged
  bool finished_ = false;
  bool fin_sent_ = false;
  bool fin_acked_ = false;
  bool fin_lost_ = false;
  bool discarded_ = false;
  std::size_t chunks_held_ = 0;
  RangeSet<kMaxAckedRanges> acked_;  // acknowledged ranges above acked_prefix_
  RangeSet<kMaxLostRanges> lost_;    // sent, declared lost, not yet resent
  std::vector<StreamChunk*> slots_;  // ring indexed by chunk index
};

}  // namespace tquic::transport
