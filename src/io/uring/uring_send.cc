// Send half of the io_uring engine: copy (or reserve) into slots, SENDMSG
// with UDP_SEGMENT, SENDMSG_ZC for large trains, completion bookkeeping.
#include <netinet/in.h>
#include <netinet/udp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "io/address_text.h"
#include "io/cmsg.h"
#include "io/uring/uring_engine.h"
#include "io/uring/uring_ring.h"

#if TQUIC_HAVE_LIBURING
namespace tquic::io {
using namespace uring_detail;
namespace {

std::size_t segments_of(const TxDatagram& d) {
  if (d.segment_size == 0 || d.data.size() <= d.segment_size) return 1;
  return (d.data.size() + d.segment_size - 1) / d.segment_size;
}

}  // namespace

void UringEngine::build_message(std::uint32_t slot) {
  const TxSlot& s = tx_[slot];
  tx_iov_[slot] = iovec{tx_.slab() + s.offset + s.issue_offset(), s.issue_length()};
  msghdr& h = tx_msgs_[slot];
  h = msghdr{};
  h.msg_name = &tx_addrs_[slot];
  h.msg_namelen = to_sockaddr(s.remote, tx_addrs_[slot]);
  h.msg_iov = &tx_iov_[slot];
  h.msg_iovlen = 1;
  h.msg_control = tx_control_.data() + std::size_t{slot} * kTxControl;
  TxDatagram meta;
  meta.remote = s.remote;
  meta.local = s.local;
  meta.ecn = s.ecn;
  write_tx_control(h, meta, !s.split && s.segments() > 1 ? s.segment_size : 0, socket_.local_address());
}

// Zero-copy only for large GSO trains (HOTPATH.md rule 12): below ~1 KB per
// request it loses, and a single datagram never reaches the threshold.
bool UringEngine::issue(std::uint32_t slot) {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_->ring);
  if (sqe == nullptr) return false;
  TxSlot& s = tx_[slot];
  build_message(slot);
  s.zero_copy = zc_enabled_ && !s.split && s.segments() > 1 && s.length >= config_.zc_threshold;
  s.fixed = s.zero_copy && fixed_enabled_;
  if (s.fixed) {
    uring_compat::prep_sendmsg_zc_fixed(sqe, socket_.fd(), &tx_msgs_[slot], 0, 0);
    ++ustats_.tx_zc_fixed;
  } else if (s.zero_copy) {
    io_uring_prep_sendmsg_zc(sqe, socket_.fd(), &tx_msgs_[slot], 0);
  } else {
    io_uring_prep_sendmsg(sqe, socket_.fd(), &tx_msgs_[slot], 0);
  }
  s.report = s.zero_copy && zc_report_;
  if (s.report) sqe->ioprio |= IORING_SEND_ZC_REPORT_USAGE;
  if (s.zero_copy) ++ustats_.tx_zc_sends;
  sqe->user_data = make_tag(Tag::send, slot);
  s.state = TxSlotState::in_flight;
  ++s.attempts;
  --tx_queued_;
  return true;
}

void UringEngine::issue_queued() {
  // Each queued slot is issued at most once per call; bounded by the slots in use.
  for (std::size_t i = 0; i < tx_.in_use() && tx_queued_ > 0; ++i) {
    const std::uint32_t s = tx_.in_use_at(i);
    if (tx_[s].state == TxSlotState::queued && !issue(s)) return;
  }
}

// Queues a slot for another issue; false (counted) once it has used up its
// attempts: a persistent error ends in an error, never in a spin.
bool UringEngine::requeue(std::uint32_t slot) {
  TxSlot& s = tx_[slot];
  if (s.attempts >= kMaxAttempts) {
    ++ustats_.tx_errors;
    return false;
  }
  s.state = TxSlotState::queued;
  ++tx_queued_;
  return true;
}

// The kernel rejected a zero-copy form: drop the newest feature first, so a
// 6.1 kernel ends with plain SENDMSG_ZC: registered buffers (6.15), then
// usage reporting (6.2), then zero-copy itself. At most three steps ever.
void UringEngine::step_down_zero_copy(const TxSlot& s) {
  if (s.fixed && fixed_enabled_) {
    ++ustats_.tx_fixed_fallbacks;
    fixed_enabled_ = false;
  } else if (!s.fixed && s.report && zc_report_) {
    ++ustats_.tx_zc_report_fallbacks;
    zc_report_ = false;
  } else if (!s.fixed && !s.report && zc_enabled_) {
    ++ustats_.tx_zc_fallbacks;
    zc_enabled_ = false;
  }
}

// Zero-copy only where it pays (HOTPATH.md rule 12): when the kernel keeps
// copying anyway (loopback, a device without scatter-gather) it is pure
// overhead, so after `zc_copied_limit` copies in a row it is switched off.
void UringEngine::on_zc_notification(const TxSlot& s, std::int32_t res) {
  ++ustats_.tx_zc_notifs;
  if (!s.report) return;
  if ((static_cast<std::uint32_t>(res) & IORING_NOTIF_USAGE_ZC_COPIED) == 0) {
    zc_copied_streak_ = 0;
    return;
  }
  ++ustats_.tx_zc_copied;
  if (++zc_copied_streak_ >= config_.zc_copied_limit && config_.zc_copied_limit > 0 && zc_enabled_) {
    zc_enabled_ = false;
    ++ustats_.tx_zc_gave_up;
  }
}

void UringEngine::complete(std::uint32_t slot) {
  TxSlot& s = tx_[slot];
  s.state = TxSlotState::awaiting_notif;
  if (s.notifs_pending == 0) tx_.finish(slot);
}

void UringEngine::on_send_cqe(std::uint32_t slot, std::int32_t res, std::uint32_t flags) {
  if (slot >= tx_.capacity()) return;
  TxSlot& s = tx_[slot];
  if (flags & IORING_CQE_F_NOTIF) {  // the kernel let go of a zero-copy send's pages
    on_zc_notification(s, res);
    if (s.notifs_pending > 0) --s.notifs_pending;
    if (s.notifs_pending == 0 && s.state == TxSlotState::awaiting_notif) tx_.finish(slot);
    return;
  }
  if (s.state != TxSlotState::in_flight) return;
  if (flags & IORING_CQE_F_MORE) ++s.notifs_pending;  // a notification follows
  if (!account_send(slot, judge_send_result(res, s), res)) complete(slot);
}

// Counts one send completion. True when the slot goes out again (next
// segment, retry, fallback); false when it is finished, sent or not.
bool UringEngine::account_send(std::uint32_t slot, SendVerdict verdict, std::int32_t res) {
  TxSlot& s = tx_[slot];
  switch (verdict) {
    case SendVerdict::sent:
      ++stats_.tx_messages;
      stats_.tx_bytes += static_cast<std::uint64_t>(res);
      stats_.tx_segments += s.split ? 1 : s.segments();
      if (!s.split || s.next_segment + 1u >= s.segments()) return false;
      ++s.next_segment;
      return requeue(slot);
    case SendVerdict::retry:
      ++ustats_.tx_retries;
      return requeue(slot);
    case SendVerdict::resplit:  // e.g. a device without checksum offload
      if (socket_.gso_supported()) ++stats_.gso_fallbacks;
      socket_.disable_gso();
      s.split = true;
      s.next_segment = 0;
      return requeue(slot);
    case SendVerdict::zc_unsupported:
      step_down_zero_copy(s);
      return requeue(slot);
    case SendVerdict::dropped_emsgsize: ++stats_.tx_dropped_emsgsize; return false;
    case SendVerdict::dropped_unreachable: ++stats_.tx_dropped_unreachable; return false;
    case SendVerdict::failed:
      ++ustats_.tx_errors;
      send_failed_ = true;
      return false;
  }
  return false;
}

// Copies one datagram, one segment of it, or (GSO) the whole train into a
// slot and issues it. False when out of slots, slab room or SQ entries.
bool UringEngine::stage(const TxDatagram& d, std::size_t segment, bool gso) {
  std::size_t off = 0;
  std::size_t len = d.data.size();
  if (!gso && segments_of(d) > 1) {
    off = segment * d.segment_size;
    len = std::min<std::size_t>(d.segment_size, d.data.size() - off);
  }
  const std::int32_t got = tx_.acquire(len);
  if (got == TxSlots::kNone) {
    ++ustats_.tx_slots_full;
    return false;
  }
  const auto slot = static_cast<std::uint32_t>(got);
  TxSlot& s = tx_[slot];
  s.segment_size = gso ? d.segment_size : 0;
  s.remote = d.remote;
  s.local = d.local;
  s.ecn = d.ecn;
  if (len > 0) std::memcpy(tx_.slab() + s.offset, d.data.data() + off, len);  // the only copy
  ++tx_queued_;
  if (!issue(slot)) {
    --tx_queued_;
    tx_.cancel_newest(slot);
    ++ustats_.tx_sq_full;
    return false;
  }
  ustats_.tx_copied_bytes += len;
  return true;
}

Result<MutByteSpan> UringEngine::reserve_tx(std::size_t max_bytes) {
  TQUIC_TRY(enable());
  if (reserved_slot_ >= 0) return Error::local("a send reservation is already open");
  if (max_bytes > max_datagram_) return Error::local("reservation larger than a UDP datagram");
  reap();  // frees finished slots, no syscall
  const std::int32_t got = tx_.acquire(max_bytes);
  if (got == TxSlots::kNone) {
    ++ustats_.tx_slots_full;
    ++stats_.tx_blocked;
    return Error::blocked("no send slot free");
  }
  reserved_slot_ = got;
  tx_[static_cast<std::uint32_t>(got)].state = TxSlotState::reserved;
  return tx_.payload(static_cast<std::uint32_t>(got));
}

Status UringEngine::commit_tx(std::size_t bytes, const TxDatagram& meta) {
  if (reserved_slot_ < 0) return Error::local("no send reservation open");
  const auto slot = static_cast<std::uint32_t>(reserved_slot_);
  if (!tx_.shrink_newest(slot, bytes)) return Error::local("commit larger than the reservation");
  reserved_slot_ = -1;
  TxSlot& s = tx_[slot];
  s.segment_size = meta.segment_size;
  s.remote = meta.remote;
  s.local = meta.local;
  s.ecn = meta.ecn;
  s.split = !socket_.gso_supported() && s.segments() > 1;
  s.state = TxSlotState::queued;
  ++tx_queued_;
  issue(slot);  // SQ full: stays queued for the next call
  return ok_status();
}

void UringEngine::abort_tx() {
  if (reserved_slot_ < 0) return;
  tx_.cancel_newest(static_cast<std::uint32_t>(reserved_slot_));
  reserved_slot_ = -1;
}

Status UringEngine::take_send_failure() {
  if (!send_failed_) return ok_status();
  send_failed_ = false;
  return Error::local("io_uring sendmsg failed");
}

Status UringEngine::flush() {
  TQUIC_TRY(enable());
  issue_queued();
  TQUIC_TRY(enter(false));
  reap();
  return take_send_failure();  // as send() reports it
}

Result<SendProgress> UringEngine::send(std::span<const TxDatagram> batch) {
  TQUIC_TRY(enable());
  if (reserved_slot_ >= 0) return Error::local("send() while a reservation is open: commit or abort it");
  reap();  // frees slots finished since the last call, no syscall
  if (send_failed_) {
    send_failed_ = false;
    return Error::local("io_uring sendmsg failed");
  }
  issue_queued();
  const bool gso = socket_.gso_supported();
  SendProgress p;
  std::size_t idx = 0;
  std::size_t seg = 0;
  // Each turn stages one slot or skips one datagram: bounded by the segments in `batch`.
  while (idx < batch.size()) {
    const TxDatagram& d = batch[idx];
    if (d.data.size() > max_datagram_) {  // can never be sent: count and skip, like EMSGSIZE
      ++stats_.tx_dropped_emsgsize;
      ++idx;
      continue;
    }
    const std::size_t segs = segments_of(d);
    const bool train = gso && segs > 1;
    if (!stage(d, seg, train)) {
      p.blocked = true;
      ++stats_.tx_blocked;
      break;
    }
    if (train || seg + 1 == segs) {
      ++idx;
      seg = 0;
    } else {
      ++seg;
    }
  }
  TQUIC_TRY(enter(false));
  reap();
  p.datagrams = idx;
  p.segments_into_next = seg;
  return p;
}

}  // namespace tquic::io
#endif
