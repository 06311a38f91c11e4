#include "transport/stream/recv_buffer.h"

#include <algorithm>
#include <cstring>

#include "transport/stream/stream_id.h"

namespace tquic::transport {
namespace {

std::size_t ring_slots_for(std::uint64_t capacity) {
  return static_cast<std::size_t>((capacity + kStreamChunkSize - 1) / kStreamChunkSize) + 1;
}

}  // namespace

RecvBuffer::RecvBuffer(ChunkPool& pool, std::uint64_t capacity, TransportErrorCode overflow_error)
    : pool_(pool),
      overflow_error_(overflow_error),
      capacity_(std::min(capacity, kMaxCapacity)),
      slots_(ring_slots_for(capacity_), nullptr) {}

RecvBuffer::~RecvBuffer() { release_all(); }

Status RecvBuffer::on_data(std::uint64_t offset, ByteSpan data, bool fin) {
  if (offset > kMaxStreamOffset || data.size() > kMaxStreamOffset - offset) {
    return Error::transport(TransportErrorCode::FRAME_ENCODING_ERROR,
                            "stream data beyond 2^62-1");
  }
  const std::uint64_t end = offset + data.size();
  TQUIC_TRY(check_final_size(end, fin));
  if (discarded_) {
    note_received(end, fin);
    return ok_status();
  }
  if (end > read_offset_ && end - read_offset_ > capacity_) {
    return Error::transport(overflow_error_, "data beyond the receive buffer's capacity");
  }
  const std::uint64_t start = std::max(offset, contiguous_end_);
  if (start < end) {
    TQUIC_TRY(check_gap_room(start, end));
    if (!acquire_chunks(start, end)) return Error::blocked("stream chunk pool exhausted");
    copy_missing(start, end, offset, data);
    mark_received(start, end);
  }
  note_received(end, fin);
  return ok_status();
}

Status RecvBuffer::on_reset(std::uint64_t final_size) {
  if (final_size > kMaxStreamOffset) {
    return Error::transport(TransportErrorCode::FINAL_SIZE_ERROR, "final size beyond 2^62-1");
  }
  TQUIC_TRY(check_final_size(final_size, true));
  note_received(final_size, true);
  discard();
  return ok_status();
}

void RecvBuffer::discard() {
  release_all();
  gaps_.clear();
  discarded_ = true;
}

ByteSpan RecvBuffer::peek() const {
  const std::uint64_t n = readable();
  if (n == 0) return {};
  const std::size_t within = chunk_offset(read_offset_);
  const std::size_t len =
      static_cast<std::size_t>(std::min<std::uint64_t>(n, kStreamChunkSize - within));
  return ByteSpan(slot(chunk_index(read_offset_))->bytes + within, len);
}

std::uint64_t RecvBuffer::consume(std::uint64_t n) {
  n = std::min(n, readable());
  const std::uint64_t old = read_offset_;
  read_offset_ += n;
  for (std::uint64_t k = chunk_index(old); k < chunk_index(read_offset_); ++k) release_slot(k);
  if (all_read()) release_slot(chunk_index(read_offset_));
  return n;
}

void RecvBuffer::grow_capacity(std::uint64_t capacity) {
  capacity = std::min(capacity, kMaxCapacity);
  if (capacity <= capacity_) return;
  const std::size_t old_slots = slots_.size();
  const std::size_t new_slots = ring_slots_for(capacity);
  capacity_ = capacity;
  if (new_slots == old_slots) return;
  std::vector<StreamChunk*> ring(new_slots, nullptr);
  // Live chunk indices all lie in [base, base + old_slots).
  const std::uint64_t base = chunk_index(read_offset_);
  for (std::uint64_t k = base; k < base + old_slots; ++k) ring[k % new_slots] = slots_[k % old_slots];
  slots_.swap(ring);
}

Status RecvBuffer::check_final_size(std::uint64_t end, bool fin) const {
  if (final_size_) {
    if (end > *final_size_) {
      return Error::transport(TransportErrorCode::FINAL_SIZE_ERROR, "data beyond the final size");
    }
    if (fin && end != *final_size_) {
      return Error::transport(TransportErrorCode::FINAL_SIZE_ERROR, "final size changed");
    }
  } else if (fin && end < highest_received_) {
    return Error::transport(TransportErrorCode::FINAL_SIZE_ERROR,
                            "final size below data already received");
  }
  return ok_status();
}

Status RecvBuffer::check_gap_room(std::uint64_t start, std::uint64_t end) const {
  // Extending the contiguous prefix never adds a range; anything else may.
  if (start == contiguous_end_) return ok_status();
  if (gaps_.size_after_insert(start, end) > kMaxGaps) {
    return Error::blocked("too many out-of-order ranges: drop the packet unacknowledged");
  }
  return ok_status();
}

bool RecvBuffer::acquire_chunks(std::uint64_t start, std::uint64_t end) {
  for (std::uint64_t k = chunk_index(start); k <= chunk_index(end - 1); ++k) {
    StreamChunk*& s = slot(k);
    if (s) continue;
    s = pool_.acquire();
    if (!s) return false;  // chunks taken so far stay in the window, released later
    ++chunks_held_;
  }
  return true;
}

// Copies the parts of [start, end) not already received (not in gaps_).
void RecvBuffer::copy_missing(std::uint64_t start, std::uint64_t end, std::uint64_t offset,
                              ByteSpan data) {
  std::uint64_t cursor = start;
  for (const ByteRange& g : gaps_) {
    if (g.end <= cursor) continue;
    if (g.start >= end) break;
    if (g.start > cursor) copy_in(cursor, g.start, offset, data);
    cursor = std::max(cursor, g.end);
    if (cursor >= end) return;
  }
  if (cursor < end) copy_in(cursor, end, offset, data);
}

void RecvBuffer::copy_in(std::uint64_t start, std::uint64_t end, std::uint64_t offset,
                         ByteSpan data) {
  const std::uint8_t* src = data.data() + (start - offset);
  while (start < end) {
    const std::size_t within = chunk_offset(start);
    const std::size_t n =
        static_cast<std::size_t>(std::min<std::uint64_t>(end - start, kStreamChunkSize - within));
    std::memcpy(slot(chunk_index(start))->bytes + within, src, n);
    start += n;
    src += n;
  }
}

void RecvBuffer::mark_received(std::uint64_t start, std::uint64_t end) {
  if (start != contiguous_end_) {
    gaps_.insert(start, end);  // room checked by check_gap_room()
    return;
  }
  contiguous_end_ = end;
  while (!gaps_.empty() && gaps_.front().start <= contiguous_end_) {
    contiguous_end_ = std::max(contiguous_end_, gaps_.front().end);
    gaps_.erase_below(contiguous_end_);
  }
}

void RecvBuffer::note_received(std::uint64_t end, bool fin) {
  highest_received_ = std::max(highest_received_, end);
  if (fin) final_size_ = end;
}

void RecvBuffer::release_slot(std::uint64_t index) {
  StreamChunk*& s = slot(index);
  if (!s) return;
  pool_.release(s);
  s = nullptr;
  --chunks_held_;
}

void RecvBuffer::release_all() {
  for (StreamChunk*& s : slots_) {
    if (!s) continue;
    pool_.release(s);
    s = nullptr;
  }
  chunks_held_ = 0;
}

}  // namespace tquic::transport
