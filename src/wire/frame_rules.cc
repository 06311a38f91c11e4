#include "wire/frame_rules.h"

namespace tquic::wire {
namespace {

// RFC 9000 Table 3, "I" and "H" columns; only CONNECTION_CLOSE 0x1c ("ih").
bool allowed_in_initial_or_handshake(FrameType t) {
  switch (t) {
    case FrameType::padding:
    case FrameType::ping:
    case FrameType::ack:
    case FrameType::ack_ecn:
    case FrameType::crypto:
    case FrameType::connection_close:
      return true;
    default:
      return false;
  }
}

// RFC 9000 Table 3 "0" column and §12.5; RFC 9221 §4 for DATAGRAM.
bool allowed_in_zero_rtt(FrameType t) {
  switch (t) {
    case FrameType::ack:
    case FrameType::ack_ecn:
    case FrameType::crypto:
    case FrameType::new_token:
    case FrameType::path_response:
    case FrameType::handshake_done:
    case FrameType::retire_connection_id:
      return false;
    default:
      break;
  }
  if (is_multipath_frame_type(t) || is_ack_frequency_frame_type(t)) return false;
  return is_known_frame_type(to_wire(t));
}

}  // namespace

bool is_frame_allowed(FrameType t, EncryptionLevel level) {
  switch (level) {
    case EncryptionLevel::initial:
    case EncryptionLevel::handshake:
      return allowed_in_initial_or_handshake(t);
    case EncryptionLevel::zero_rtt:
      return allowed_in_zero_rtt(t);
    case EncryptionLevel::one_rtt:
      return is_known_frame_type(to_wire(t));  // "all frames can appear in 1-RTT"
  }
  return false;
}

Status check_frame_allowed(FrameType t, EncryptionLevel level) {
  if (is_frame_allowed(t, level)) return ok_status();
  return Error::transport(TransportErrorCode::PROTOCOL_VIOLATION,
                          "frame not allowed at this encryption level", to_wire(t));
}

bool is_ack_eliciting(FrameType t) {
  switch (t) {
    case FrameType::padding:
    case FrameType::ack:
    case FrameType::ack_ecn:
    case FrameType::path_ack:
    case FrameType::path_ack_ecn:
    case FrameType::connection_close:
    case FrameType::connection_close_app:
      return false;
    default:
      return true;
  }
}

bool counts_in_flight(FrameType t) { return t == FrameType::padding || is_ack_eliciting(t); }

bool is_probing_frame(FrameType t) {
  return t == FrameType::padding || t == FrameType::path_challenge ||
         t == FrameType::path_response || t == FrameType::new_connection_id;
}

}  // namespace tquic::wire
