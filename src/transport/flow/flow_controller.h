// Data flow control (RFC 9000 §4.1, §4.2), one instance per stream direction
// and one per connection direction.
//
// Receive side: tracks the limit we advertised (MAX_DATA /
// MAX_STREAM_DATA), the credit the peer consumed (highest offset per stream,
// their sum for the connection; a violation is FLOW_CONTROL_ERROR) and what
// the application consumed. Once half of the window has been consumed since
// the last advertisement it is time to send a new limit,
// consumed + window. Auto-tuning (as in Chromium/quiche): if the previous
// update was less than two smoothed RTTs ago the window was the bottleneck,
// so it doubles, up to a cap.
//
// Send side: the peer's limit, the credit we used, and blocked detection so
// that DATA_BLOCKED / STREAM_DATA_BLOCKED is emitted once per limit value.
//
// Both take time and RTT as arguments: the core never reads a clock.
#pragma once

#include <cstdint>
#include <optional>

#include "base/result.h"
#include "base/time.h"

namespace tquic::transport {

class RecvFlowController {
 public:
  // `initial_window`: the limit advertised in transport parameters;
  // `max_window`: auto-tuning never grows the window beyond it.
  RecvFlowController(std::uint64_t initial_window, std::uint64_t max_window);

  // Stream level: a frame reached `end_offset` (STREAM offset + length, or a
  // RESET_STREAM final size). Returns the credit newly consumed, to charge to
  // the connection's controller with on_received_bytes().
  Result<std::uint64_t> on_received_offset(std::uint64_t end_offset,
                                           std::uint64_t frame_type = 0);
  // Connection level: `bytes` more credit consumed across all streams.
  Status on_received_bytes(std::uint64_t bytes, std::uint64_t frame_type = 0);
  // The application read (or the stack discarded) `bytes`; clamped to what
  // was received.
  void on_consumed(std::uint64_t bytes);
  // No further limits are needed (final size known, stream reset).
  void stop_updates() { updates_stopped_ = true; }

  // Half of the window has been consumed since the last advertisement.
  bool should_update() const;
  // Auto-tunes the window and returns the new limit to put in MAX_DATA /
  // MAX_STREAM_DATA. Call when the frame is sent.
  std::uint64_t make_update(Duration smoothed_rtt, Timestamp now);
  // Raises the window to at least `window` (capped by the maximum), e.g. to
  // keep the connection window ahead of a stream window that grew.
  void ensure_window(std::uint64_t window);

  std::uint64_t max_data() const { return max_data_; }
  std::uint64_t highest_received() const { return highest_received_; }
  std::uint64_t consumed() const { return consumed_; }
  std::uint64_t window() const { return window_; }
  std::uint64_t max_window() const { return max_window_; }

 private:
  std::uint64_t window_;
  std::uint64_t max_window_;
  std::uint64_t max_data_;
  std::uint64_t highest_received_ = 0;
  std::uint64_t consumed_ = 0;
  std::optional<Timestamp> last_update_;
  bool updates_stopped_ = false;
};

class SendFlowController {
 public:
  explicit SendFlowController(std::uint64_t max_data = 0) : max_data_(max_data) {}

  // MAX_DATA / MAX_STREAM_DATA (or the transport parameter). Returns true if
  // the limit grew; smaller values are ignored (§4.1).
  bool on_max_data(std::uint64_t max_data);
  // `bytes` of new data were sent. Local error if that exceeds the credit.
  Status on_sent(std::uint64_t bytes);

  std::uint64_t max_data() const { return max_data_; }
  std::uint64_t sent() const { return sent_; }
  std::uint64_t available() const { return max_data_ - sent_; }
  bool is_blocked() const { return sent_ >= max_data_; }
  // The limit to report in DATA_BLOCKED / STREAM_DATA_BLOCKED: set while we
  // are blocked and have not yet reported this limit. Ask only when there is
  // data waiting for credit.
  std::optional<std::uint64_t> blocked_pending() const;
  void on_blocked_sent(std::uint64_t limit) { blocked_reported_ = limit; }

 private:
  std::uint64_t max_data_;
  std::uint64_t sent_ = 0;
  std::optional<std::uint64_t> blocked_reported_;
};

}  // namespace tquic::transport
