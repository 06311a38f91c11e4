#include "transport/stream/send_state.h"

namespace tquic::transport {

using S = SendStreamState;
using E = SendStreamEvent;

const char* send_stream_state_name(SendStreamState s) {
  switch (s) {
    case S::ready: return "Ready";
    case S::send: return "Send";
    case S::data_sent: return "Data Sent";
    case S::reset_sent: return "Reset Sent";
    case S::data_recvd: return "Data Recvd";
    case S::reset_recvd: return "Reset Recvd";
  }
  return "?";
}

std::optional<SendStreamState> send_stream_transition(SendStreamState state,
                                                      SendStreamEvent event) {
  const bool before_fin = state == S::ready || state == S::send;
  switch (event) {
    case E::stream_sent:
    case E::stream_data_blocked_sent:
      if (before_fin) return S::send;
      if (state == S::data_sent) return S::data_sent;  // retransmission
      return std::nullopt;                             // §3.5: not after RESET_STREAM
    case E::fin_sent:
      if (before_fin || state == S::data_sent) return S::data_sent;
      return std::nullopt;
    case E::all_data_acked:
      if (state == S::data_sent || state == S::data_recvd) return S::data_recvd;
      if (state == S::reset_sent || state == S::reset_recvd) return state;  // late ACKs
      return std::nullopt;
    case E::reset_stream_sent:
      if (before_fin || state == S::data_sent || state == S::reset_sent) return S::reset_sent;
      return std::nullopt;  // never from a terminal state
    case E::reset_stream_acked:
      if (state == S::reset_sent || state == S::reset_recvd) return S::reset_recvd;
      return std::nullopt;
  }
  return std::nullopt;
}

bool SendStreamMachine::is_terminal() const {
  return state_ == S::data_recvd || state_ == S::reset_recvd;
}

Status SendStreamMachine::on_app_write() const {
  if (reset_code_) return Error::local("write on a reset stream");
  if (finish_requested_ || is_terminal()) return Error::local("write after the stream finished");
  return ok_status();
}

Status SendStreamMachine::on_app_finish() {
  TQUIC_TRY(on_app_write());
  finish_requested_ = true;
  return ok_status();
}

void SendStreamMachine::on_app_reset(std::uint64_t error_code) {
  if (reset_code_ || is_terminal()) return;
  reset_code_ = error_code;
}

void SendStreamMachine::on_stop_sending(std::uint64_t error_code) {
  if (state_ == S::ready || state_ == S::send || state_ == S::data_sent) on_app_reset(error_code);
}

Status SendStreamMachine::on_event(SendStreamEvent event) {
  if (event == E::reset_stream_sent && !reset_code_) {
    return Error::local("RESET_STREAM sent without a reset request");
  }
  if ((event == E::stream_sent || event == E::fin_sent ||
       event == E::stream_data_blocked_sent) && reset_code_) {
    return Error::local("STREAM frame after a reset was requested");
  }
  const std::optional<SendStreamState> next = send_stream_transition(state_, event);
  if (!next) return Error::local("stream event not allowed in this send state");
  state_ = *next;
  return ok_status();
}

}  // namespace tquic::transport
