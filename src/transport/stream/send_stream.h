// The sending part of one stream: send buffer, stream-level send flow
// control and the §3.1 state machine, kept consistent with each other.
//
// The connection supplies its own credit (SendFlowController::available() of
// the connection) to next_range() and charges the value on_sent() returns to
// its connection-level controller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"
#include "transport/flow/flow_controller.h"
#include "transport/stream/chunk.h"
#include "transport/stream/send_buffer.h"
#include "transport/stream/send_state.h"

namespace tquic::transport {

class SendStream {
 public:
  // `max_buffered`: backpressure limit for unacknowledged bytes;
  // `peer_max_stream_data`: the peer's initial_max_stream_data_* for it.
  SendStream(ChunkPool& pool, std::uint64_t max_buffered, std::uint64_t peer_max_stream_data);

  // --- application ---
  // Returns how many bytes were taken (backpressure); local error after
  // finish() or a reset.
  Result<std::size_t> write(ByteSpan data);
  Status finish();
  // Abandons the stream: RESET_STREAM with `error_code` becomes pending and
  // buffered bytes are released at once.
  void reset(std::uint64_t error_code);
  std::uint64_t writable() const { return machine_.writable() ? buffer_.writable() : 0; }

  // --- peer frames ---
  // MAX_STREAM_DATA. Returns true if the limit grew.
  bool on_max_stream_data(std::uint64_t max_stream_data) { return flow_.on_max_data(max_stream_data); }
  // STOP_SENDING: a reset with the peer's code becomes pending (§3.5).
  void on_stop_sending(std::uint64_t error_code);

  // --- STREAM frames ---
  std::optional<SendRange> next_range(std::uint64_t max_length,
                                      std::uint64_t connection_credit) const;
  SendSpans bytes(std::uint64_t offset, std::uint64_t length) const {
    return buffer_.bytes(offset, length);
  }
  // Returns the new bytes sent (charge to the connection-level controller).
  Result<std::uint64_t> on_sent(std::uint64_t offset, std::uint64_t length, bool fin);
  void on_acked(std::uint64_t offset, std::uint64_t length, bool fin);
  void on_lost(std::uint64_t offset, std::uint64_t length, bool fin);

  // --- RESET_STREAM ---
  bool reset_pending() const { return machine_.reset_requested() && reset_unsent_; }
  std::uint64_t reset_error_code() const { return machine_.reset_error_code().value_or(0); }
  // The RESET_STREAM final size: every byte ever sent (§4.5).
  std::uint64_t final_size() const { return buffer_.max_sent_offset(); }
  Status on_reset_sent();
  void on_reset_acked();
  void on_reset_lost();

  // --- STREAM_DATA_BLOCKED ---
  // The limit to report when new data waits for stream credit, once per limit.
  std::optional<std::uint64_t> stream_data_blocked_pending() const;
  Status on_stream_data_blocked_sent(std::uint64_t limit);

  SendStreamState state() const { return machine_.state(); }
  bool is_terminal() const { return machine_.is_terminal(); }
  const SendBuffer& buffer() const { return buffer_; }
  const SendFlowController& flow() const { return flow_; }

 private:
  void begin_reset();

  SendBuffer buffer_;
  SendFlowController flow_;
  SendStreamMachine machine_;
  bool reset_unsent_ = true;  // RESET_STREAM not sent yet, or lost
};

}  // namespace tquic::transport
