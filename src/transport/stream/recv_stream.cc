#include "transport/stream/recv_stream.h"

#include "transport/stream/stream_id.h"

namespace tquic::transport {

RecvStream::RecvStream(ChunkPool& pool, std::uint64_t initial_window, std::uint64_t max_window)
    : buffer_(pool, initial_window), flow_(initial_window, max_window) {}

Result<FlowDelta> RecvStream::on_stream_frame(std::uint64_t offset, ByteSpan data, bool fin,
                                              std::uint64_t frame_type) {
  if (offset > kMaxStreamOffset || data.size() > kMaxStreamOffset - offset) {
    return Error::transport(TransportErrorCode::FRAME_ENCODING_ERROR,
                            "stream data beyond 2^62-1", frame_type);
  }
  const std::uint64_t end = offset + data.size();
  // Check flow control before touching the buffer so an error leaves no trace.
  if (end > flow_.max_data()) {
    return Error::transport(TransportErrorCode::FLOW_CONTROL_ERROR,
                            "stream data beyond MAX_STREAM_DATA", frame_type);
  }
  if (machine_.state() == RecvStreamState::reset_recvd ||
      machine_.state() == RecvStreamState::reset_read) {
    TQUIC_TRY(buffer_.on_data(offset, data, fin));  // final-size checks only
    return FlowDelta{};
  }
  const bool discarded = buffer_.discarded();
  TQUIC_TRY(buffer_.on_data(offset, data, fin));
  FlowDelta delta;
  TQUIC_TRY_ASSIGN(delta.received, flow_.on_received_offset(end, frame_type));
  if (discarded) {  // the application stopped reading: consumed on arrival
    delta.consumed = delta.received;
    flow_.on_consumed(delta.consumed);
  }
  after_data(fin);
  return delta;
}

void RecvStream::after_data(bool fin) {
  (void)machine_.on_event(fin ? RecvStreamEvent::fin_received : RecvStreamEvent::stream_received);
  if (buffer_.final_size()) flow_.stop_updates();
  advance_terminal();
}

// Moves through Data Recvd to Data Read when nothing is left to deliver: the
// last byte was consumed (or the stream is empty), or the application stopped
// reading and the final size is known (later data would only be dropped).
void RecvStream::advance_terminal() {
  const bool settled = buffer_.discarded() && buffer_.final_size();
  if ((buffer_.all_received() || settled) && machine_.state() == RecvStreamState::size_known) {
    (void)machine_.on_event(RecvStreamEvent::all_data_received);
  }
  if ((buffer_.all_read() || settled) && machine_.state() == RecvStreamState::data_recvd) {
    (void)machine_.on_event(RecvStreamEvent::app_read_all);
  }
}

Result<FlowDelta> RecvStream::on_reset_stream(std::uint64_t error_code,
                                              std::uint64_t final_size) {
  if (final_size > flow_.max_data()) {
    return Error::transport(TransportErrorCode::FLOW_CONTROL_ERROR,
                            "RESET_STREAM final size beyond MAX_STREAM_DATA", 0x04);
  }
  const RecvStreamState before = machine_.state();
  if (before == RecvStreamState::data_recvd || before == RecvStreamState::data_read) {
    // Suppressed reset (§3.2): the final size must still agree.
    if (final_size != *buffer_.final_size()) {
      return Error::transport(TransportErrorCode::FINAL_SIZE_ERROR, "final size changed", 0x04);
    }
    return FlowDelta{};
  }
  TQUIC_TRY(buffer_.on_reset(final_size));
  FlowDelta delta;
  TQUIC_TRY_ASSIGN(delta.received, flow_.on_received_offset(final_size, 0x04));
  // Nothing more will be read: every byte up to the final size is released.
  delta.consumed = final_size - flow_.consumed();
  flow_.on_consumed(delta.consumed);
  flow_.stop_updates();
  machine_.on_reset_stream(error_code);
  return delta;
}

std::uint64_t RecvStream::consume(std::uint64_t n) {
  const std::uint64_t done = buffer_.consume(n);
  flow_.on_consumed(done);
  advance_terminal();
  return done;
}

RecvStream::StopReading RecvStream::stop_reading() {
  StopReading out;
  out.send_stop_sending = machine_.wants_stop_sending() && !buffer_.discarded();
  if (buffer_.discarded()) return out;
  // Everything received so far is released, read or not.
  out.flow.consumed = flow_.highest_received() - flow_.consumed();
  flow_.on_consumed(out.flow.consumed);
  buffer_.discard();
  advance_terminal();
  return out;
}

bool RecvStream::should_send_max_stream_data() const {
  return machine_.wants_max_stream_data() && flow_.should_update();
}

std::uint64_t RecvStream::make_max_stream_data(Duration smoothed_rtt, Timestamp now) {
  const std::uint64_t limit = flow_.make_update(smoothed_rtt, now);
  buffer_.grow_capacity(flow_.window());
  return limit;
}

}  // namespace tquic::transport
