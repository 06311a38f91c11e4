// Reassembly of STREAM and CRYPTO data (RFC 9000 §2.2, §4.5, §19.6, §19.8).
//
// Frames arrive as (offset, bytes, fin) in any order, duplicated or
// overlapping. Bytes already received are ignored (the RFC forbids changed
// data but does not require a check, and we do not make one). Contiguous data
// is handed to the reader as views: peek() returns the readable bytes up to
// the next chunk boundary, consume(n) releases them.
//
// Memory: bytes live in fixed-size chunks from a ChunkPool shared by the
// connection or shard, taken lazily when data for them arrives and returned
// as soon as the reader has consumed them. The buffer accepts data only within
// [read_offset, read_offset + capacity); flow control (which decides
// FLOW_CONTROL_ERROR) keeps the peer inside that window, so the capacity check
// is a safety net that reports `overflow_error` (CRYPTO_BUFFER_EXCEEDED for
// CRYPTO streams).
//
// Out-of-order data is tracked in a RangeSet of kMaxGaps ranges. A frame that
// would need one more range than that (a peer that keeps carving holes) is
// refused with an ErrorKind::blocked error and no state change. The caller
// MUST then drop the whole packet without acknowledging it, so that the
// peer's loss recovery retransmits the data; acknowledging the packet while
// dropping the frame would lose the data for good. Running out of pool
// chunks is reported the same way.
//
// Final size (§4.5): a FIN or RESET_STREAM that changes a known final size,
// data at or beyond the final size, or a final size below data already
// received is a FINAL_SIZE_ERROR.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "base/result.h"
#include "transport/stream/chunk.h"
#include "transport/stream/range_set.h"

namespace tquic::transport {

class RecvBuffer {
 public:
  static constexpr std::size_t kMaxGaps = 128;  // large windows on lossy paths leave many gaps
  // Capacities are clamped to 1 GiB: the chunk-pointer ring then stays <= 2 MiB.
  static constexpr std::uint64_t kMaxCapacity = std::uint64_t{1} << 30;

  // `capacity`: bytes the buffer may hold beyond the read offset (the
  // flow-control window). Allocates only the chunk-pointer ring, here.
  RecvBuffer(ChunkPool& pool, std::uint64_t capacity,
             TransportErrorCode overflow_error = TransportErrorCode::FLOW_CONTROL_ERROR);
  ~RecvBuffer();
  RecvBuffer(const RecvBuffer&) = delete;
  RecvBuffer& operator=(const RecvBuffer&) = delete;

  // A STREAM (or CRYPTO, fin = false) frame's payload. All-or-nothing: on any
  // error nothing changes.
  Status on_data(std::uint64_t offset, ByteSpan data, bool fin);
  // RESET_STREAM: validates and records `final_size`, then drops all buffered
  // data (the stream will not be read further).
  Status on_reset(std::uint64_t final_size);
  // The application stopped reading (STOP_SENDING): buffered data is dropped
  // and later data is only checked for final-size rules, never stored.
  void discard();

  // --- reader ---
  // Contiguous readable bytes starting at read_offset(), up to the end of the
  // current chunk. Valid until the next non-const call.
  ByteSpan peek() const;
  // All contiguous bytes ready to read (may span several chunks).
  std::uint64_t readable() const { return discarded_ ? 0 : contiguous_end_ - read_offset_; }
  // Marks `n` bytes as read (clamped to readable()) and returns chunks that
  // are fully consumed to the pool. Returns the bytes consumed.
  std::uint64_t consume(std::uint64_t n);

  std::uint64_t read_offset() const { return read_offset_; }
  std::uint64_t contiguous_end() const { return contiguous_end_; }
  std::uint64_t highest_received() const { return highest_received_; }
  const std::optional<std::uint64_t>& final_size() const { return final_size_; }
  // Every byte up to the final size has arrived.
  bool all_received() const { return final_size_ && contiguous_end_ == *final_size_; }
  // Every byte up to the final size has been read by the application.
  bool all_read() const { return final_size_ && read_offset_ == *final_size_; }
  bool discarded() const { return discarded_; }

  std::uint64_t capacity() const { return capacity_; }
  // Grows the window (flow-control auto-tuning). Smaller values are ignored.
  // Reallocates the chunk-pointer ring: a setup-time cost, not per packet.
  void grow_capacity(std::uint64_t capacity);

  std::size_t gap_count() const { return gaps_.size(); }
  std::size_t chunks_held() const { return chunks_held_; }

 private:
  Status check_final_size(std::uint64_t end, bool fin) const;
  Status check_gap_room(std::uint64_t start, std::uint64_t end) const;
  bool acquire_chunks(std::uint64_t start, std::uint64_t end);
  void copy_missing(std::uint64_t start, std::uint64_t end, std::uint64_t offset, ByteSpan data);
  void copy_in(std::uint64_t start, std::uint64_t end, std::uint64_t offset, ByteSpan data);
  void mark_received(std::uint64_t start, std::uint64_t end);
  void note_received(std::uint64_t end, bool fin);
  StreamChunk*& slot(std::uint64_t index) { return slots_[index % slots_.size()]; }
  StreamChunk* slot(std::uint64_t index) const { return slots_[index % slots_.size()]; }
  void release_slot(std::uint64_t index);
  void release_all();

  ChunkPool& pool_;
  TransportErrorCode overflow_error_;
  std::uint64_t capacity_;
  std::uint64_t read_offset_ = 0;
  std::uint64_t contiguous_end_ = 0;
  std::uint64_t highest_received_ = 0;
  std::optional<std::uint64_t> final_size_;
  bool discarded_ = false;
  std::size_t chunks_held_ = 0;
  RangeSet<kMaxGaps> gaps_;             // received ranges above contiguous_end_
  std::vector<StreamChunk*> slots_;     // ring indexed by chunk index
};

}  // namespace tquic::transport
