// Receive half of the io_uring engine: multishot recvmsg over the provided
// buffer ring, batched give-back, bounded re-arming.
#include <cerrno>

#include "io/uring/uring_engine.h"
#include "io/uring/uring_ring.h"

#if TQUIC_HAVE_LIBURING
namespace tquic::io {
using namespace uring_detail;

void UringEngine::arm_receive() {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_->ring);
  if (sqe == nullptr) return;  // SQ full: the next call arms
  io_uring_prep_recvmsg_multishot(sqe, socket_.fd(), &ring_->recv_template, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = config_.buffer_group;
  sqe->user_data = make_tag(Tag::receive, 0);
  armed_ = true;
  ++ustats_.rx_arms;
}

void UringEngine::on_receive_cqe(std::int32_t res, std::uint32_t flags) {
  if ((flags & IORING_CQE_F_MORE) == 0) armed_ = false;  // re-armed by the next receive()
  if (res < 0) {
    if (res == -ENOBUFS) {
      ++ustats_.rx_ring_dry;  // the caller holds every buffer: backpressure, data waits in the socket
    } else {
      ++ustats_.rx_errors;
      ++rx_failures_;
    }
    return;
  }
  if ((flags & IORING_CQE_F_BUFFER) == 0) {
    ++ustats_.rx_errors;
    return;
  }
  rx_pending_[rx_pending_count_++] = RxCompletion{res, flags};
}

std::size_t UringEngine::parse_received() {
  BufferRing& buffers = ring_->buffers;
  std::size_t n = 0;
  for (std::size_t i = 0; i < rx_pending_count_; ++i) {
    const RxCompletion c = rx_pending_[i];
    const auto bid = static_cast<std::uint16_t>(c.flags >> IORING_CQE_BUFFER_SHIFT);
    if (!buffers.take(bid)) {
      ++ustats_.rx_errors;
      continue;
    }
    ++ustats_.rx_buffers_taken;
    RxDatagram& d = rx_out_[n];
    switch (parse_recvmsg_buffer(buffers.filled(bid, static_cast<std::size_t>(c.res)), layout_,
                                 socket_.local_address(), d)) {
      case RecvmsgVerdict::truncated: ++stats_.rx_truncated; break;
      case RecvmsgVerdict::malformed: ++ustats_.rx_malformed; break;
      case RecvmsgVerdict::ok:
        ++stats_.rx_buffers;
        stats_.rx_segments += d.segment_count();
        stats_.rx_bytes += d.data.size();
        rx_failures_ = 0;
        ++n;
        break;
    }
  }
  rx_pending_count_ = 0;
  return n;
}

Result<std::span<const RxDatagram>> UringEngine::receive() {
  TQUIC_TRY(enable());
  const std::size_t back = ring_->buffers.recycle_held();  // the previous call's views end here
  if (back > 0) {
    ustats_.rx_buffers_recycled += back;
    ++ustats_.rx_recycle_batches;
  }
  if (!armed_) arm_receive();
  issue_queued();
  TQUIC_TRY(enter(true));
  reap();
  const std::size_t n = parse_received();
  rx_more_ = io_uring_cq_ready(&ring_->ring) > 0;
  if (rx_failures_ >= kMaxRxFailures) {
    rx_failures_ = 0;
    return Error::local("io_uring multishot recvmsg keeps failing");
  }
  return std::span<const RxDatagram>(rx_out_.data(), n);
}

}  // namespace tquic::io
#endif
