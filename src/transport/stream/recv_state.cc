#include "transport/stream/recv_state.h"

namespace tquic::transport {

using S = RecvStreamState;
using E = RecvStreamEvent;

const char* recv_stream_state_name(RecvStreamState s) {
  switch (s) {
    case S::recv: return "Recv";
    case S::size_known: return "Size Known";
    case S::data_recvd: return "Data Recvd";
    case S::reset_recvd: return "Reset Recvd";
    case S::data_read: return "Data Read";
    case S::reset_read: return "Reset Read";
  }
  return "?";
}

std::optional<RecvStreamState> recv_stream_transition(RecvStreamState state,
                                                      RecvStreamEvent event) {
  switch (event) {
    case E::stream_received:
      return state;
    case E::fin_received:
      return state == S::recv ? S::size_known : state;
    case E::all_data_received:
      if (state == S::recv) return std::nullopt;  // needs the final size first
      return state == S::size_known ? S::data_recvd : state;
    case E::reset_stream_received:
      if (state == S::recv || state == S::size_known) return S::reset_recvd;
      return state;  // suppressed in Data Recvd; repeated or late otherwise
    case E::app_read_all:
      if (state == S::data_recvd || state == S::data_read) return S::data_read;
      return std::nullopt;
    case E::app_read_reset:
      if (state == S::reset_recvd || state == S::reset_read) return S::reset_read;
      return std::nullopt;
  }
  return std::nullopt;
}

Status RecvStreamMachine::on_event(RecvStreamEvent event) {
  const std::optional<RecvStreamState> next = recv_stream_transition(state_, event);
  if (!next) return Error::local("stream event not allowed in this receive state");
  state_ = *next;
  return ok_status();
}

void RecvStreamMachine::on_reset_stream(std::uint64_t error_code) {
  const RecvStreamState before = state_;
  state_ = *recv_stream_transition(state_, E::reset_stream_received);
  if (state_ == S::reset_recvd && before != S::reset_recvd) reset_code_ = error_code;
}

}  // namespace tquic::transport
