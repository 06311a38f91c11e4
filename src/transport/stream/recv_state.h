// State machine of the receiving part of a stream (RFC 9000 §3.2).
//
//   Recv --STREAM+FIN--> Size Known --all data--> Data Recvd --app read all--> Data Read
//   Recv/Size Known --RESET_STREAM--> Reset Recvd --app read reset--> Reset Read
//
// A receiver may get any frame in any state (delayed packets), so peer
// events never fail here; their validity (final size, flow control) is
// checked by RecvBuffer and the flow controller before the event is applied.
// Choices the RFC leaves open: a RESET_STREAM arriving in Data Recvd is
// suppressed (all data is buffered, the application reads it), and data
// completing after Reset Recvd does not move back to Data Recvd.
#pragma once

#include <cstdint>
#include <optional>

#include "base/result.h"

namespace tquic::transport {

enum class RecvStreamState : std::uint8_t {
  recv,
  size_known,
  data_recvd,
  reset_recvd,
  data_read,   // terminal
  reset_read,  // terminal
};

enum class RecvStreamEvent : std::uint8_t {
  stream_received,       // STREAM (no FIN) or STREAM_DATA_BLOCKED
  fin_received,          // STREAM with FIN: final size known
  all_data_received,     // every byte up to the final size arrived
  reset_stream_received,
  app_read_all,          // the application read everything, FIN included
  app_read_reset,        // the application was told about the reset
};

const char* recv_stream_state_name(RecvStreamState s);

// The state after `event`, or nullopt if the event cannot happen in `state`
// (only local events can be impossible, e.g. reading all data before it
// arrived).
std::optional<RecvStreamState> recv_stream_transition(RecvStreamState state,
                                                      RecvStreamEvent event);

class RecvStreamMachine {
 public:
  RecvStreamState state() const { return state_; }
  bool is_terminal() const {
    return state_ == RecvStreamState::data_read || state_ == RecvStreamState::reset_read;
  }
  // §3.2: MAX_STREAM_DATA is only worth sending in Recv.
  bool wants_max_stream_data() const { return state_ == RecvStreamState::recv; }
  // §3.5: STOP_SENDING is only useful in Recv or Size Known.
  bool wants_stop_sending() const {
    return state_ == RecvStreamState::recv || state_ == RecvStreamState::size_known;
  }
  const std::optional<std::uint64_t>& reset_error_code() const { return reset_code_; }

  Status on_event(RecvStreamEvent event);
  // RESET_STREAM (already validated): records the application error code.
  void on_reset_stream(std::uint64_t error_code);

 private:
  RecvStreamState state_ = RecvStreamState::recv;
  std::optional<std::uint64_t> reset_code_;
};

}  // namespace tquic::transport
