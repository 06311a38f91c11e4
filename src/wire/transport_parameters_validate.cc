// Transport parameter value rules (RFC 9000 §18.2, RFC 9368 §4, the
// multipath and ack-frequency drafts) and the connection ID authentication
// checks of RFC 9000 §7.3.
#include "wire/transport_parameters.h"

namespace tquic::wire {

namespace {

constexpr Error param_error(const char* why) {
  return Error::transport(TransportErrorCode::TRANSPORT_PARAMETER_ERROR, why);
}

// RFC 9000 §18.2: "A client MUST NOT include any server-only transport
// parameter ... A server MUST treat receipt of any of these ... as a
// connection error of type TRANSPORT_PARAMETER_ERROR."
Status check_server_only(const TransportParameters& tp, Role sender) {
  if (sender == Role::server) return ok_status();
  if (tp.original_destination_connection_id)
    return param_error("original_destination_connection_id sent by a client");
  if (tp.stateless_reset_token) return param_error("stateless_reset_token sent by a client");
  if (tp.preferred_address) return param_error("preferred_address sent by a client");
  if (tp.retry_source_connection_id)
    return param_error("retry_source_connection_id sent by a client");
  return ok_status();
}

Status check_integer_ranges(const TransportParameters& tp) {
  if (tp.max_udp_payload_size < kMinMaxUdpPayloadSize)
    return param_error("max_udp_payload_size below 1200");
  if (tp.ack_delay_exponent > kMaxAckDelayExponent)
    return param_error("ack_delay_exponent above 20");
  if (tp.max_ack_delay_ms >= kMaxAckDelayLimitMs)
    return param_error("max_ack_delay of 2^14 or more");
  if (tp.active_connection_id_limit < 2) return param_error("active_connection_id_limit below 2");
  if (tp.initial_max_streams_bidi > kMaxStreamsLimit)
    return param_error("initial_max_streams_bidi above 2^60");
  if (tp.initial_max_streams_uni > kMaxStreamsLimit)
    return param_error("initial_max_streams_uni above 2^60");
  // draft-ietf-quic-multipath §"nego": path IDs are 32 bits (nonce layout).
  if (tp.initial_max_path_id && *tp.initial_max_path_id > kMaxPathIdLimit)
    return param_error("initial_max_path_id above 2^32-1");
  // draft-ietf-quic-ack-frequency §"nego": min_ack_delay (µs) must not exceed
  // max_ack_delay (ms). max_ack_delay_ms < 2^14 here, so the product fits.
  if (tp.min_ack_delay_us && *tp.min_ack_delay_us > tp.max_ack_delay_ms * 1000)
    return param_error("min_ack_delay greater than max_ack_delay");
  return ok_status();
}

// RFC 9000 §18.2 preferred_address: never with a zero-length CID, and not at
// all from a server that chose a zero-length connection ID.
Status check_preferred_address(const TransportParameters& tp) {
  if (!tp.preferred_address) return ok_status();
  if (tp.preferred_address->connection_id.empty())
    return param_error("preferred_address with zero-length connection ID");
  if (tp.initial_source_connection_id && tp.initial_source_connection_id->empty())
    return param_error("preferred_address from a server using zero-length connection IDs");
  return ok_status();
}

// RFC 9368 §4 parsing failures, checked on the stored values (the decoder
// also checks them on the wire list, which may be longer than what is kept).
Status check_version_information(const TransportParameters& tp, Role sender) {
  if (!tp.version_information) return ok_status();
  const VersionInformation& vi = *tp.version_information;
  if (vi.chosen_version == 0) return param_error("version_information chosen version is 0");
  for (std::uint32_t v : vi.available_versions())
    if (v == 0) return param_error("version_information lists version 0");
  if (sender == Role::client && !vi.available_versions_truncated() &&
      !vi.contains_available(vi.chosen_version))
    return param_error("version_information chosen version not among available versions");
  return ok_status();
}

}  // namespace

Status validate_transport_parameters(const TransportParameters& tp, Role sender) {
  TQUIC_TRY(check_server_only(tp, sender));
  TQUIC_TRY(check_integer_ranges(tp));
  TQUIC_TRY(check_preferred_address(tp));
  TQUIC_TRY(check_version_information(tp, sender));
  return ok_status();
}

namespace {

// RFC 9000 §7.3, server side of the checks (the peer is the server).
Status check_server_cids(const TransportParameters& tp, const CidExpectations& cids) {
  if (!tp.original_destination_connection_id)
    return param_error("original_destination_connection_id missing");
  if (*tp.original_destination_connection_id != cids.original_destination_cid)
    return param_error("original_destination_connection_id mismatch");
  if (cids.retry_scid.has_value() != tp.retry_source_connection_id.has_value())
    return param_error(cids.retry_scid ? "retry_source_connection_id missing after Retry"
                                       : "retry_source_connection_id without Retry");
  if (cids.retry_scid && *tp.retry_source_connection_id != *cids.retry_scid)
    return param_error("retry_source_connection_id mismatch");
  return ok_status();
}

}  // namespace

Status validate_peer_cids(const TransportParameters& tp, Role peer, const CidExpectations& cids) {
  if (!tp.initial_source_connection_id) return param_error("initial_source_connection_id missing");
  if (*tp.initial_source_connection_id != cids.peer_initial_scid)
    return param_error("initial_source_connection_id mismatch");
  if (peer == Role::server) {
    TQUIC_TRY(check_server_cids(tp, cids));
  } else if (tp.original_destination_connection_id || tp.retry_source_connection_id) {
    return param_error("server-only connection ID parameter sent by a client");
  }
  // draft-ietf-quic-multipath §"nego": multipath needs non-empty CIDs.
  if (tp.initial_max_path_id && (cids.peer_initial_scid.empty() || cids.local_cid.empty()))
    return Error::transport(TransportErrorCode::PROTOCOL_VIOLATION,
                            "initial_max_path_id with a zero-length connection ID");
  return ok_status();
}

}  // namespace tquic::wire
