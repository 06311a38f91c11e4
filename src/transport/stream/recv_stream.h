// The receiving part of one stream: reassembly buffer, stream-level flow
// control and the §3.2 state machine, kept consistent with each other.
//
// Every call that changes flow-control accounting returns a FlowDelta that
// the caller applies to the connection-level RecvFlowController:
//   received -> on_received_bytes() (may fail with FLOW_CONTROL_ERROR),
//   consumed -> on_consumed().
// Data the stack throws away (after RESET_STREAM or when the application
// stops reading) counts as consumed at once, so connection credit is never
// leaked by abandoned streams (RFC 9000 §4.5: the final size is what counts).
#pragma once

#include <cstdint>
#include <optional>

#include "base/bytes.h"
#include "base/result.h"
#include "base/time.h"
#include "transport/flow/flow_controller.h"
#include "transport/stream/chunk.h"
#include "transport/stream/recv_buffer.h"
#include "transport/stream/recv_state.h"

namespace tquic::transport {

struct FlowDelta {
  std::uint64_t received = 0;  // new connection-level credit consumed by the peer
  std::uint64_t consumed = 0;  // bytes released by the application or discarded
};

class RecvStream {
 public:
  // `initial_window`: our initial_max_stream_data_* for this stream type;
  // `max_window`: cap for auto-tuning.
  RecvStream(ChunkPool& pool, std::uint64_t initial_window, std::uint64_t max_window);

  // STREAM frame: flow control (FLOW_CONTROL_ERROR), final size
  // (FINAL_SIZE_ERROR), reassembly. A `blocked` error means "drop the packet
  // unacknowledged" (see RecvBuffer). Nothing changes on error.
  Result<FlowDelta> on_stream_frame(std::uint64_t offset, ByteSpan data, bool fin,
                                    std::uint64_t frame_type = 0x08);
  // RESET_STREAM: same checks on the final size, then Reset Recvd and every
  // buffered byte is dropped.
  Result<FlowDelta> on_reset_stream(std::uint64_t error_code, std::uint64_t final_size);

  // --- application ---
  ByteSpan peek() const { return buffer_.peek(); }
  std::uint64_t readable() const { return buffer_.readable(); }
  // Consumes up to `n` bytes; returns the count (connection-level consumed).
  std::uint64_t consume(std::uint64_t n);
  // Everything up to the FIN has been read: Data Read is entered as soon as
  // the last byte is consumed (at once for an empty stream); this is how the
  // application learns about the FIN.
  bool fin_read() const { return machine_.state() == RecvStreamState::data_read; }
  // The application gives up reading. `send_stop_sending` tells whether a
  // STOP_SENDING frame is worth sending (§3.5); buffered bytes are released.
  struct StopReading {
    bool send_stop_sending = false;
    FlowDelta flow;
  };
  StopReading stop_reading();
  // The application has seen the reset: Reset Read.
  Status on_app_read_reset() { return machine_.on_event(RecvStreamEvent::app_read_reset); }

  // --- MAX_STREAM_DATA ---
  bool should_send_max_stream_data() const;
  // Auto-tunes and returns the limit to advertise; grows the buffer to match.
  std::uint64_t make_max_stream_data(Duration smoothed_rtt, Timestamp now);
  std::uint64_t max_stream_data() const { return flow_.max_data(); }

  RecvStreamState state() const { return machine_.state(); }
  const std::optional<std::uint64_t>& reset_error_code() const {
    return machine_.reset_error_code();
  }
  const RecvBuffer& buffer() const { return buffer_; }
  const RecvFlowController& flow() const { return flow_; }

 private:
  void after_data(bool fin);
  void advance_terminal();

  RecvBuffer buffer_;
  RecvFlowController flow_;
  RecvStreamMachine machine_;
};

}  // namespace tquic::transport
