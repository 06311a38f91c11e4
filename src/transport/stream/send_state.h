// State machine of the sending part of a stream (RFC 9000 §3.1, §3.5).
//
//   Ready --STREAM/STREAM_DATA_BLOCKED--> Send --STREAM+FIN--> Data Sent
//   Data Sent --all acked--> Data Recvd (terminal)
//   Ready/Send/Data Sent --RESET_STREAM sent--> Reset Sent --acked--> Reset Recvd (terminal)
//
// send_stream_transition() is the pure table; SendStreamMachine adds what the
// table cannot hold: whether the application finished or asked for a reset,
// and the error code a reset carries (from the application or copied from the
// peer's STOP_SENDING).
#pragma once

#include <cstdint>
#include <optional>

#include "base/result.h"

namespace tquic::transport {

enum class SendStreamState : std::uint8_t {
  ready,
  send,
  data_sent,
  reset_sent,
  data_recvd,   // terminal
  reset_recvd,  // terminal
};

enum class SendStreamEvent : std::uint8_t {
  stream_sent,               // a STREAM frame without FIN
  stream_data_blocked_sent,  // STREAM_DATA_BLOCKED
  fin_sent,                  // a STREAM frame with FIN
  all_data_acked,            // every byte and the FIN acknowledged
  reset_stream_sent,
  reset_stream_acked,
};

const char* send_stream_state_name(SendStreamState s);

// The state after `event`, or nullopt if the event cannot happen in `state`
// (e.g. STREAM after RESET_STREAM, which §3.5 forbids).
std::optional<SendStreamState> send_stream_transition(SendStreamState state,
                                                      SendStreamEvent event);

class SendStreamMachine {
 public:
  SendStreamState state() const { return state_; }
  bool is_terminal() const;
  bool finish_requested() const { return finish_requested_; }
  bool reset_requested() const { return reset_code_.has_value(); }
  // A reset was requested and RESET_STREAM has not been sent yet.
  bool reset_pending() const { return reset_code_ && state_ != SendStreamState::reset_sent &&
                                      state_ != SendStreamState::reset_recvd; }
  const std::optional<std::uint64_t>& reset_error_code() const { return reset_code_; }
  // New data may still be written by the application.
  bool writable() const { return !finish_requested_ && !reset_code_ && !is_terminal(); }

  // Application wrote data / finished. Local error after finish or reset.
  Status on_app_write() const;
  Status on_app_finish();
  // Application abandons the stream: RESET_STREAM with `error_code` is due.
  // No effect once a reset was requested or all data is acknowledged.
  void on_app_reset(std::uint64_t error_code);
  // Peer's STOP_SENDING: in Ready, Send or Data Sent we must reset, copying
  // the peer's code (§3.5). Data Sent could defer; resetting at once is
  // simpler and equally valid.
  void on_stop_sending(std::uint64_t error_code);
  // A transport event (frame sent or acknowledged). Local error for an event
  // the current state forbids.
  Status on_event(SendStreamEvent event);

 private:
  SendStreamState state_ = SendStreamState::ready;
  bool finish_requested_ = false;
  std::optional<std::uint64_t> reset_code_;
};

}  // namespace tquic::transport
