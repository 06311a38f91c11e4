#include "transport/flow/flow_controller.h"

#include <algorithm>

namespace tquic::transport {
namespace {

constexpr std::uint64_t kMaxLimit = (std::uint64_t{1} << 62) - 1;

}  // namespace

RecvFlowController::RecvFlowController(std::uint64_t initial_window, std::uint64_t max_window)
    : window_(initial_window),
      max_window_(std::max(initial_window, max_window)),
      max_data_(initial_window) {}

Result<std::uint64_t> RecvFlowController::on_received_offset(std::uint64_t end_offset,
                                                             std::uint64_t frame_type) {
  if (end_offset > max_data_) {
    return Error::transport(TransportErrorCode::FLOW_CONTROL_ERROR,
                            "stream data beyond MAX_STREAM_DATA", frame_type);
  }
  if (end_offset <= highest_received_) return std::uint64_t{0};
  const std::uint64_t fresh = end_offset - highest_received_;
  highest_received_ = end_offset;
  return fresh;
}

Status RecvFlowController::on_received_bytes(std::uint64_t bytes, std::uint64_t frame_type) {
  if (bytes > max_data_ - highest_received_) {
    return Error::transport(TransportErrorCode::FLOW_CONTROL_ERROR,
                            "connection data beyond MAX_DATA", frame_type);
  }
  highest_received_ += bytes;
  return ok_status();
}

void RecvFlowController::on_consumed(std::uint64_t bytes) {
  consumed_ += std::min(bytes, highest_received_ - consumed_);
}

bool RecvFlowController::should_update() const {
  if (updates_stopped_) return false;
  return max_data_ - consumed_ <= window_ / 2;
}

std::uint64_t RecvFlowController::make_update(Duration smoothed_rtt, Timestamp now) {
  // Auto-tuning: updates closer than two RTTs apart mean the window, not the
  // application, limits the peer.
  if (last_update_ && smoothed_rtt > Duration::zero() && now - *last_update_ < 2 * smoothed_rtt) {
    window_ = window_ > max_window_ / 2 ? max_window_ : window_ * 2;
  }
  last_update_ = now;
  // Limits are varints: never advertise beyond 2^62 - 1.
  const std::uint64_t target = std::min(consumed_ + std::min(window_, kMaxLimit), kMaxLimit);
  max_data_ = std::max(max_data_, target);
  return max_data_;
}

void RecvFlowController::ensure_window(std::uint64_t window) {
  window_ = std::max(window_, std::min(window, max_window_));
}

bool SendFlowController::on_max_data(std::uint64_t max_data) {
  if (max_data <= max_data_) return false;
  max_data_ = max_data;
  return true;
}

Status SendFlowController::on_sent(std::uint64_t bytes) {
  if (bytes > available()) return Error::local("sent beyond the peer's flow-control limit");
  sent_ += bytes;
  return ok_status();
}

std::optional<std::uint64_t> SendFlowController::blocked_pending() const {
  if (!is_blocked()) return std::nullopt;
  if (blocked_reported_ && *blocked_reported_ == max_data_) return std::nullopt;
  return max_data_;
}

}  // namespace tquic::transport
