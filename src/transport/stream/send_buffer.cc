#include "transport/stream/send_buffer.h"

#include <algorithm>
#include <cstring>

namespace tquic::transport {
namespace {

std::size_t ring_slots_for(std::uint64_t max_buffered) {
  return static_cast<std::size_t>((max_buffered + kStreamChunkSize - 1) / kStreamChunkSize) + 2;
}

}  // namespace

SendBuffer::SendBuffer(ChunkPool& pool, std::uint64_t max_buffered)
    : pool_(pool),
      max_buffered_(std::min(max_buffered, kMaxBufferedLimit)),
      slots_(ring_slots_for(max_buffered_), nullptr) {}

SendBuffer::~SendBuffer() { release_all(); }

std::uint64_t SendBuffer::writable() const {
  if (finished_ || discarded_) return 0;
  const std::uint64_t buffered = write_offset_ - acked_prefix_;
  return buffered >= max_buffered_ ? 0 : max_buffered_ - buffered;
}

std::size_t SendBuffer::append(ByteSpan data) {
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), writable()));
  std::size_t copied = 0;
  while (copied < n) {
    StreamChunk*& s = slot(chunk_index(write_offset_));
    if (!s) {
      s = pool_.acquire();
      if (!s) break;  // pool exhausted: backpressure like a full buffer
      ++chunks_held_;
    }
    const std::size_t within = chunk_offset(write_offset_);
    const std::size_t m = std::min(n - copied, kStreamChunkSize - within);
    std::memcpy(s->bytes + within, data.data() + copied, m);
    write_offset_ += m;
    copied += m;
  }
  return copied;
}

std::optional<SendRange> SendBuffer::next_range(std::uint64_t max_length,
                                                std::uint64_t new_data_limit) const {
  if (discarded_) return std::nullopt;
  if (max_length > 0) {
    if (auto lost = next_lost_range(max_length)) return lost;
  }
  if (fin_lost_ && !fin_acked_) return SendRange{write_offset_, 0, true, true};
  return next_new_range(max_length, new_data_limit);
}

std::optional<SendRange> SendBuffer::next_lost_range(std::uint64_t max_length) const {
  for (const ByteRange& r : lost_) {
    const ByteRange u = first_unacked(r);
    if (u.empty()) continue;  // stale: acknowledged since it was declared lost
    const std::uint64_t len = cap_length(u.start, std::min(u.length(), max_length));
    const std::uint64_t end = u.start + len;
    return SendRange{u.start, len, fin_at(end) && !fin_acked_, true};
  }
  return std::nullopt;
}

std::optional<SendRange> SendBuffer::next_new_range(std::uint64_t max_length,
                                                    std::uint64_t new_data_limit) const {
  if (send_offset_ < write_offset_) {
    if (new_data_limit <= send_offset_) return std::nullopt;  // flow-control blocked
    std::uint64_t len = std::min(write_offset_ - send_offset_, new_data_limit - send_offset_);
    len = cap_length(send_offset_, std::min(len, max_length));
    if (len == 0) return std::nullopt;
    return SendRange{send_offset_, len, fin_at(send_offset_ + len), false};
  }
  if (finished_ && !fin_sent_) return SendRange{write_offset_, 0, true, false};
  return std::nullopt;
}

// The first part of `r` that is not acknowledged (empty if none).
ByteRange SendBuffer::first_unacked(ByteRange r) const {
  std::uint64_t start = std::max(r.start, acked_prefix_);
  for (const ByteRange& a : acked_) {
    if (a.end <= start) continue;
    if (a.start > start) return ByteRange{start, std::min(r.end, a.start)};
    start = a.end;
  }
  return ByteRange{start, r.end};
}

// End of [offset, offset + length) clipped to what was ever sent, without
// overflowing on absurd inputs.
std::uint64_t SendBuffer::sent_end(std::uint64_t offset, std::uint64_t length) const {
  if (offset >= send_offset_) return offset;
  return length > send_offset_ - offset ? send_offset_ : offset + length;
}

bool SendBuffer::is_acked(std::uint64_t start, std::uint64_t end) const {
  if (end <= acked_prefix_) return true;
  return acked_.covers(std::max(start, acked_prefix_), end);
}

// Caps a range so that its bytes span at most two chunks.
std::uint64_t SendBuffer::cap_length(std::uint64_t offset, std::uint64_t length) const {
  const std::uint64_t room = (chunk_index(offset) + 2) * kStreamChunkSize - offset;
  return std::min(length, room);
}

SendSpans SendBuffer::bytes(std::uint64_t offset, std::uint64_t length) const {
  SendSpans out;
  if (discarded_ || offset < acked_prefix_ || offset > write_offset_ ||
      length > write_offset_ - offset || length == 0) {
    return out;
  }
  const std::uint64_t k = chunk_index(offset);
  const StreamChunk* first = slot(k);
  if (!first) return out;
  const std::size_t within = chunk_offset(offset);
  const std::size_t n1 =
      static_cast<std::size_t>(std::min<std::uint64_t>(length, kStreamChunkSize - within));
  out.first = ByteSpan(first->bytes + within, n1);
  if (length > n1) {
    const StreamChunk* second = slot(k + 1);
    if (!second) return SendSpans{};
    const std::size_t n2 =
        static_cast<std::size_t>(std::min<std::uint64_t>(length - n1, kStreamChunkSize));
    out.second = ByteSpan(second->bytes, n2);
  }
  return out;
}

Result<std::uint64_t> SendBuffer::on_sent(std::uint64_t offset, std::uint64_t length, bool fin) {
  if (discarded_) return Error::local("send on a discarded stream buffer");
  if (offset > write_offset_ || length > write_offset_ - offset) {
    return Error::local("sent range beyond the written data");
  }
  if (offset > send_offset_) return Error::local("sent range leaves a hole in new data");
  const std::uint64_t end = offset + length;
  if (fin && !fin_at(end)) return Error::local("FIN sent away from the final size");
  lost_.erase(offset, end);  // if the set is full the part stays; clipped on hand-out
  const std::uint64_t fresh = end > send_offset_ ? end - send_offset_ : 0;
  send_offset_ = std::max(send_offset_, end);
  if (fin) {
    fin_sent_ = true;
    fin_lost_ = false;
  }
  return fresh;
}

void SendBuffer::on_acked(std::uint64_t offset, std::uint64_t length, bool fin) {
  if (discarded_) return;
  if (fin && fin_sent_) {
    fin_acked_ = true;
    fin_lost_ = false;
  }
  const std::uint64_t end = sent_end(offset, length);
  if (offset >= end) return;
  lost_.erase(offset, end);
  record_ack(offset, end);
}

void SendBuffer::record_ack(std::uint64_t start, std::uint64_t end) {
  start = std::max(start, acked_prefix_);
  if (start >= end) return;
  if (start == acked_prefix_) {
    const std::uint64_t old_prefix = acked_prefix_;
    acked_prefix_ = end;
    while (!acked_.empty() && acked_.front().start <= acked_prefix_) {
      acked_prefix_ = std::max(acked_prefix_, acked_.front().end);
      acked_.erase_below(acked_prefix_);
    }
    release_acked_chunks(old_prefix, acked_prefix_);
    return;
  }
  if (!acked_.insert(start, end)) {
    // No room to remember this acknowledgment: resend the bytes instead of
    // forgetting them (they will be acknowledged again).
    lost_.insert_coalescing(start, end);
    return;
  }
  release_acked_chunks(start, end);
}

// Returns every chunk touched by [start, end) whose bytes are all acknowledged.
void SendBuffer::release_acked_chunks(std::uint64_t start, std::uint64_t end) {
  for (std::uint64_t k = chunk_index(start); k <= chunk_index(end - 1); ++k) {
    if (!slot(k)) continue;
    const std::uint64_t chunk_start = k * kStreamChunkSize;
    const std::uint64_t chunk_end = std::min(chunk_start + kStreamChunkSize, write_offset_);
    if (is_acked(chunk_start, chunk_end)) release_slot(k);
  }
}

void SendBuffer::on_lost(std::uint64_t offset, std::uint64_t length, bool fin) {
  if (discarded_) return;
  if (fin && fin_sent_ && !fin_acked_) fin_lost_ = true;
  const std::uint64_t start = std::max(offset, acked_prefix_);
  const std::uint64_t end = sent_end(offset, length);
  if (start >= end || is_acked(start, end)) return;
  lost_.insert_coalescing(start, end);
}

void SendBuffer::discard() {
  release_all();
  lost_.clear();
  acked_.clear();
  fin_lost_ = false;
  discarded_ = true;
}

bool SendBuffer::has_lost() const {
  if (discarded_) return false;
  if (fin_lost_ && !fin_acked_) return true;
  for (const ByteRange& r : lost_) {
    if (!first_unacked(r).empty()) return true;
  }
  return false;
}

bool SendBuffer::has_pending() const {
  if (discarded_) return false;
  return has_lost() || send_offset_ < write_offset_ || (finished_ && !fin_sent_);
}

void SendBuffer::release_slot(std::uint64_t index) {
  StreamChunk*& s = slot(index);
  if (!s) return;
  pool_.release(s);
  s = nullptr;
  --chunks_held_;
}

void SendBuffer::release_all() {
  for (StreamChunk*& s : slots_) {
    if (!s) continue;
    pool_.release(s);
    s = nullptr;
  }
  chunks_held_ = 0;
}

}  // namespace tquic::transport
