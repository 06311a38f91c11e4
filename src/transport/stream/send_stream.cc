#include "transport/stream/send_stream.h"

#include <algorithm>

namespace tquic::transport {

SendStream::SendStream(ChunkPool& pool, std::uint64_t max_buffered,
                       std::uint64_t peer_max_stream_data)
    : buffer_(pool, max_buffered), flow_(peer_max_stream_data) {}

Result<std::size_t> SendStream::write(ByteSpan data) {
  TQUIC_TRY(machine_.on_app_write());
  return buffer_.append(data);
}

Status SendStream::finish() {
  TQUIC_TRY(machine_.on_app_finish());
  buffer_.finish();
  return ok_status();
}

void SendStream::reset(std::uint64_t error_code) {
  machine_.on_app_reset(error_code);
  begin_reset();
}

void SendStream::on_stop_sending(std::uint64_t error_code) {
  machine_.on_stop_sending(error_code);
  begin_reset();
}

// Once a reset is requested no byte will be sent again: free them now.
void SendStream::begin_reset() {
  if (machine_.reset_requested() && !buffer_.discarded()) buffer_.discard();
}

std::optional<SendRange> SendStream::next_range(std::uint64_t max_length,
                                                std::uint64_t connection_credit) const {
  if (machine_.reset_requested() || machine_.is_terminal()) return std::nullopt;
  const std::uint64_t sent = buffer_.max_sent_offset();
  const std::uint64_t conn_limit =
      connection_credit > UINT64_MAX - sent ? UINT64_MAX : sent + connection_credit;
  return buffer_.next_range(max_length, std::min(flow_.max_data(), conn_limit));
}

Result<std::uint64_t> SendStream::on_sent(std::uint64_t offset, std::uint64_t length,
                                          bool fin) {
  const auto event = fin ? SendStreamEvent::fin_sent : SendStreamEvent::stream_sent;
  if (!send_stream_transition(machine_.state(), event) || machine_.reset_requested()) {
    return Error::local("STREAM frame not allowed in this send state");
  }
  // Check the credit first so that a refused frame changes nothing.
  const std::uint64_t sent = buffer_.max_sent_offset();
  if (offset <= buffer_.write_offset() && length <= buffer_.write_offset() - offset &&
      offset + length > sent && offset + length - sent > flow_.available()) {
    return Error::local("STREAM frame beyond the peer's MAX_STREAM_DATA");
  }
  std::uint64_t fresh = 0;
  TQUIC_TRY_ASSIGN(fresh, buffer_.on_sent(offset, length, fin));
  (void)flow_.on_sent(fresh);  // cannot fail: checked above
  (void)machine_.on_event(event);  // cannot fail: checked above
  return fresh;
}

void SendStream::on_acked(std::uint64_t offset, std::uint64_t length, bool fin) {
  buffer_.on_acked(offset, length, fin);
  if (buffer_.all_acked() && machine_.state() == SendStreamState::data_sent) {
    (void)machine_.on_event(SendStreamEvent::all_data_acked);
  }
}

void SendStream::on_lost(std::uint64_t offset, std::uint64_t length, bool fin) {
  buffer_.on_lost(offset, length, fin);
}

Status SendStream::on_reset_sent() {
  if (!reset_pending()) return Error::local("no RESET_STREAM pending");
  TQUIC_TRY(machine_.on_event(SendStreamEvent::reset_stream_sent));
  reset_unsent_ = false;
  return ok_status();
}

void SendStream::on_reset_acked() {
  if (machine_.state() == SendStreamState::reset_sent) {
    (void)machine_.on_event(SendStreamEvent::reset_stream_acked);
  }
}

void SendStream::on_reset_lost() {
  if (machine_.state() == SendStreamState::reset_sent) reset_unsent_ = true;
}

std::optional<std::uint64_t> SendStream::stream_data_blocked_pending() const {
  if (machine_.reset_requested() || machine_.is_terminal()) return std::nullopt;
  if (buffer_.max_sent_offset() >= buffer_.write_offset()) return std::nullopt;  // nothing waits
  return flow_.blocked_pending();
}

Status SendStream::on_stream_data_blocked_sent(std::uint64_t limit) {
  TQUIC_TRY(machine_.on_event(SendStreamEvent::stream_data_blocked_sent));
  flow_.on_blocked_sent(limit);
  return ok_status();
}

}  // namespace tquic::transport
