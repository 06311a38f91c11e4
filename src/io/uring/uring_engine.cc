#include "io/uring/uring_engine.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "io/uring/uring_ring.h"

namespace tquic::io {

#if TQUIC_HAVE_LIBURING
using namespace uring_detail;

namespace {

Status validate(const UringConfig& c) {
  if (c.rx_buffers == 0 || c.rx_buffers > 32768 || (c.rx_buffers & (c.rx_buffers - 1)) != 0)
    return Error::local("rx_buffers must be a power of two up to 32768");
  if (c.rx_buffer_size < 1200 || c.rx_buffer_size > kMaxUdpPayload)
    return Error::local("rx_buffer_size must be between 1200 and 65535");
  if (c.tx_slots == 0 || c.tx_slots > kMaxTxSlots) return Error::local("tx_slots must be between 1 and 16384");
  if (c.tx_slab_bytes < kMaxUdpPayload || c.tx_slab_bytes > (1u << 30))
    return Error::local("tx_slab_bytes must be 64 KiB to 1 GiB");
  return ok_status();
}

std::size_t next_pow2(std::size_t v) {
  std::size_t p = 1;
  while (p < v) p <<= 1;
  return p;
}

// Best flags first; SINGLE_ISSUER needs 6.0, DEFER_TASKRUN 6.1. The ring
// starts disabled so it binds to the thread that first uses it.
int init_ring(io_uring& ring, const UringConfig& c, UringStats& s, bool& defer) {
  const unsigned sq = static_cast<unsigned>(next_pow2(c.tx_slots + 8));
  const unsigned cq = static_cast<unsigned>(std::max<std::size_t>(next_pow2(2 * c.tx_slots + c.rx_buffers + 16), sq));
  const unsigned base = IORING_SETUP_CQSIZE | IORING_SETUP_R_DISABLED | IORING_SETUP_SUBMIT_ALL;
  const unsigned tries[] = {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN,
                            IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN,
                            IORING_SETUP_COOP_TASKRUN, 0u};
  int r = -EINVAL;
  for (unsigned extra : tries) {
    if (!c.single_issuer && (extra & IORING_SETUP_SINGLE_ISSUER)) continue;
    io_uring_params p;
    std::memset(&p, 0, sizeof p);
    p.flags = base | extra;
    p.cq_entries = cq;
    r = io_uring_queue_init_params(sq, &ring, &p);
    if (r == 0) {
      defer = (extra & IORING_SETUP_DEFER_TASKRUN) != 0;
      return 0;
    }
    if (r != -EINVAL) return r;
    ++s.setup_flag_fallbacks;
  }
  return r;
}

bool sendmsg_zc_supported(io_uring& ring) {
  io_uring_probe* probe = io_uring_get_probe_ring(&ring);
  if (probe == nullptr) return false;
  const bool ok = io_uring_opcode_supported(probe, IORING_OP_SENDMSG_ZC);
  io_uring_free_probe(probe);
  return ok;
}

}  // namespace

Result<std::unique_ptr<UringEngine>> UringEngine::create(UdpSocket& socket, const UringConfig& config) {
  if (socket.fd() < 0) return Error::local("io_uring engine needs an open socket");
  TQUIC_TRY(validate(config));
  std::unique_ptr<UringEngine> e(new UringEngine(socket, config));
  TQUIC_TRY(e->setup());
  return e;
}

UringEngine::UringEngine(UdpSocket& socket, const UringConfig& config)
    : socket_(socket),
      config_(config),
      layout_{kNameSpace, kControlSpace},
      rx_pending_(config.rx_buffers),
      rx_out_(config.rx_buffers),
      tx_(config.tx_slots, config.tx_slab_bytes),
      tx_msgs_(tx_.capacity()),
      tx_iov_(tx_.capacity()),
      tx_addrs_(tx_.capacity()),
      tx_control_(tx_.capacity() * kTxControl) {
  max_datagram_ = std::min(kMaxUdpPayload, tx_.slab_size());
}

UringEngine::~UringEngine() {
  if (ring_ && ring_->open && enabled_) drain_for_teardown();
  ring_.reset();  // close the ring before the memory it points at goes away
}

Status UringEngine::setup() {
  ring_ = std::make_unique<Ring>();
  const int r = init_ring(ring_->ring, config_, ustats_, defer_taskrun_);
  if (r == -EPERM || r == -EACCES)
    return Error::local("io_uring unavailable: io_uring_setup is blocked (seccomp filter or kernel.io_uring_disabled)");
  if (r == -ENOSYS) return Error::local("io_uring unavailable: the kernel has no io_uring");
  if (r != 0) return Error::local("io_uring unavailable: io_uring_setup failed");
  ring_->open = true;
  ring_->recv_template.msg_namelen = kNameSpace;
  ring_->recv_template.msg_controllen = kControlSpace;
  TQUIC_TRY(ring_->buffers.setup(&ring_->ring, config_.rx_buffers, layout_.header_bytes() + config_.rx_buffer_size,
                                 config_.buffer_group));
  zc_enabled_ = config_.zero_copy && sendmsg_zc_supported(ring_->ring);
  if (zc_enabled_ && config_.register_tx_slab) {
    const iovec slab{tx_.slab(), tx_.slab_size()};
    fixed_enabled_ = io_uring_register_buffers(&ring_->ring, &slab, 1) == 0;
    if (!fixed_enabled_) ++ustats_.register_failures;  // e.g. RLIMIT_MEMLOCK: zero-copy without it
  }
  if (config_.napi_busy_poll_us > 0) {
    uring_compat::NapiArg arg;
    arg.busy_poll_to = config_.napi_busy_poll_us;
    arg.prefer_busy_poll = config_.napi_prefer_busy_poll ? 1 : 0;
    napi_active_ = uring_compat::register_napi(&ring_->ring, arg) == 0;
    ring_->napi = napi_active_;
    if (!napi_active_) ++ustats_.register_failures;  // kernel before 6.9: run without busy polling
  }
  return ok_status();
}

Status UringEngine::enable() {
  if (enabled_) return ok_status();
  if (uring_compat::enable_rings(&ring_->ring) < 0) return Error::local("cannot enable the io_uring");
  enabled_ = true;
  arm_receive();
  return ok_status();
}

int UringEngine::ring_fd() const { return ring_ ? ring_->ring.ring_fd : -1; }

std::size_t UringEngine::rx_buffers_held() const { return ring_ ? ring_->buffers.held() : 0; }

Status UringEngine::enter(bool for_receive) {
  const int r = io_uring_submit_and_get_events(&ring_->ring);
  ++(for_receive ? stats_.rx_syscalls : stats_.tx_syscalls);
  if (r >= 0 || r == -EINTR || r == -EAGAIN || r == -EBUSY) return ok_status();
  if (r == -EEXIST) return Error::local("io_uring engine used from a second thread");
  return Error::local("io_uring_enter failed");
}

void UringEngine::reap() {
  io_uring* ring = &ring_->ring;
  const unsigned limit = ring->cq.ring_entries;  // bounded even if the kernel keeps posting
  unsigned seen = 0;
  unsigned head;
  io_uring_cqe* cqe;
  io_uring_for_each_cqe(ring, head, cqe) {
    if (seen == limit) break;
    const Tag tag = tag_of(cqe->user_data);
    if (tag == Tag::receive) {
      if (cqe->res >= 0 && rx_pending_count_ == rx_pending_.size()) break;  // parse these first
      on_receive_cqe(cqe->res, cqe->flags);
    } else if (tag == Tag::send) {
      on_send_cqe(index_of(cqe->user_data), cqe->res, cqe->flags);
    }
    ++seen;
  }
  io_uring_cq_advance(ring, seen);
}

Status UringEngine::wait(Duration timeout) {
  TQUIC_TRY(enable());
  if (rx_pending_count_ > 0 || !armed_ || io_uring_cq_ready(&ring_->ring) > 0) return ok_status();
  issue_queued();
  const std::int64_t ns = std::max<std::int64_t>(0, timeout.count());
  __kernel_timespec ts{};
  ts.tv_sec = ns / 1'000'000'000;
  ts.tv_nsec = ns % 1'000'000'000;
  io_uring_cqe* cqe = nullptr;
  const int r = io_uring_submit_and_wait_timeout(&ring_->ring, &cqe, 1, &ts, nullptr);
  ++ustats_.wait_syscalls;
  if (r >= 0 || r == -ETIME || r == -EINTR || r == -EAGAIN || r == -EBUSY) return ok_status();
  if (r == -EEXIST) return Error::local("io_uring engine used from a second thread");
  return Error::local("io_uring wait failed");
}

// Cancels the multishot receive and waits, bounded, until the kernel is
// done with every send slot (zero-copy pages included), so the memory can go.
void UringEngine::drain_for_teardown() {
  io_uring* ring = &ring_->ring;
  if (io_uring_sqe* sqe = io_uring_get_sqe(ring)) {
    io_uring_prep_cancel64(sqe, 0, IORING_ASYNC_CANCEL_ANY);
    sqe->user_data = make_tag(Tag::cancel, 0);
  }
  abort_tx();
  for (std::size_t i = 0; i < tx_.in_use();) {  // never issued: nothing to wait for
    const std::uint32_t s = tx_.in_use_at(i);
    const std::size_t before = tx_.in_use();
    if (tx_[s].state == TxSlotState::queued) {
      --tx_queued_;
      complete(s);
    }
    if (tx_.in_use() == before) ++i;
  }
  for (int turn = 0; turn < 100 && (armed_ || tx_.in_use() > 0); ++turn) {
    __kernel_timespec ts{};
    ts.tv_nsec = 10'000'000;
    io_uring_cqe* cqe = nullptr;
    const int r = io_uring_submit_and_wait_timeout(ring, &cqe, 1, &ts, nullptr);
    if (r < 0 && r != -ETIME && r != -EINTR) break;  // e.g. EEXIST: not the owning thread
    rx_pending_count_ = 0;  // buffers are unmapped right after; nothing to hand out
    reap();
  }
}

#else  // built without liburing: the engine reports itself unavailable

struct UringEngine::Ring {};

Result<std::unique_ptr<UringEngine>> UringEngine::create(UdpSocket&, const UringConfig&) {
  return Error::local("io_uring engine unavailable: built without liburing");
}
UringEngine::~UringEngine() = default;
int UringEngine::ring_fd() const { return -1; }
std::size_t UringEngine::rx_buffers_held() const { return 0; }
Result<std::span<const RxDatagram>> UringEngine::receive() { return Error::local("no io_uring"); }
Result<SendProgress> UringEngine::send(std::span<const TxDatagram>) { return Error::local("no io_uring"); }
Status UringEngine::wait(Duration) { return Error::local("no io_uring"); }
Result<MutByteSpan> UringEngine::reserve_tx(std::size_t) { return Error::local("no io_uring"); }
Status UringEngine::commit_tx(std::size_t, const TxDatagram&) { return Error::local("no io_uring"); }
void UringEngine::abort_tx() {}
Status UringEngine::flush() { return Error::local("no io_uring"); }
Status UringEngine::take_send_failure() { return Error::local("no io_uring"); }

#endif

}  // namespace tquic::io
