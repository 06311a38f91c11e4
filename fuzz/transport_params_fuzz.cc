// Transport parameters: decode the input as sent by a client and by a server;
// whatever decodes must encode (with a GREASE parameter drawn from the input),
// decode again to the same values field by field, and re-encode to the same
// bytes. Refusals must be TRANSPORT_PARAMETER_ERROR. Traps on any mismatch.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

#include "wire/transport_parameters.h"

namespace {

using namespace tquic;
using namespace tquic::wire;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

bool same_versions(const std::optional<VersionInformation>& a,
                   const std::optional<VersionInformation>& b) {
  if (a.has_value() != b.has_value()) return false;
  if (!a) return true;
  const auto la = a->available_versions();
  const auto lb = b->available_versions();
  // The re-decoded copy holds exactly what was kept, so it is never truncated.
  return a->chosen_version == b->chosen_version && !b->available_versions_truncated() &&
         std::equal(la.begin(), la.end(), lb.begin(), lb.end());
}

void compare(const TransportParameters& a, const TransportParameters& b) {
  check(a.original_destination_connection_id == b.original_destination_connection_id);
  check(a.max_idle_timeout_ms == b.max_idle_timeout_ms);
  check(a.stateless_reset_token == b.stateless_reset_token);
  check(a.max_udp_payload_size == b.max_udp_payload_size);
  check(a.initial_max_data == b.initial_max_data);
  check(a.initial_max_stream_data_bidi_local == b.initial_max_stream_data_bidi_local);
  check(a.initial_max_stream_data_bidi_remote == b.initial_max_stream_data_bidi_remote);
  check(a.initial_max_stream_data_uni == b.initial_max_stream_data_uni);
  check(a.initial_max_streams_bidi == b.initial_max_streams_bidi);
  check(a.initial_max_streams_uni == b.initial_max_streams_uni);
  check(a.ack_delay_exponent == b.ack_delay_exponent);
  check(a.max_ack_delay_ms == b.max_ack_delay_ms);
  check(a.disable_active_migration == b.disable_active_migration);
  check(a.preferred_address == b.preferred_address);
  check(a.active_connection_id_limit == b.active_connection_id_limit);
  check(a.initial_source_connection_id == b.initial_source_connection_id);
  check(a.retry_source_connection_id == b.retry_source_connection_id);
  check(same_versions(a.version_information, b.version_information));
  check(a.max_datagram_frame_size == b.max_datagram_frame_size);
  check(a.initial_max_path_id == b.initial_max_path_id);
  check(a.min_ack_delay_us == b.min_ack_delay_us);
  const bool truncated =
      a.version_information && a.version_information->available_versions_truncated();
  check(truncated || a == b);
}

// The peer's own CIDs as expectations must always pass §7.3 (bar multipath
// with a zero-length CID).
void check_cids_against_themselves(const TransportParameters& tp, Role sender) {
  if (!tp.initial_source_connection_id) return;
  if (sender == Role::server && !tp.original_destination_connection_id) return;
  CidExpectations e;
  e.peer_initial_scid = *tp.initial_source_connection_id;
  e.local_cid = tp.original_destination_connection_id.value_or(e.peer_initial_scid);
  if (tp.original_destination_connection_id)
    e.original_destination_cid = *tp.original_destination_connection_id;
  e.retry_scid = tp.retry_source_connection_id;
  const Status s = validate_peer_cids(tp, sender, e);
  const bool mp_empty =
      tp.initial_max_path_id && (e.peer_initial_scid.empty() || e.local_cid.empty());
  check(s.ok() != mp_empty);
}

void round_trip(ByteSpan data, Role sender) {
  const auto decoded = decode_transport_parameters(data, sender);
  if (!decoded) {
    check(decoded.error().is_transport(TransportErrorCode::TRANSPORT_PARAMETER_ERROR));
    return;
  }
  const TransportParameters& tp = *decoded;
  check(validate_transport_parameters(tp, sender).ok());
  check_cids_against_themselves(tp, sender);

  const GreaseTransportParameter g =
      make_grease_transport_parameter(data.first(std::min<std::size_t>(data.size(), 12)));
  const std::array<GreaseTransportParameter, 1> grease{g};
  static std::array<std::uint8_t, 4096> first;
  static std::array<std::uint8_t, 4096> second;
  ByteWriter w(first);
  const std::size_t expected = transport_parameters_encoded_size(tp, sender, grease);
  const bool encoded = encode_transport_parameters(w, tp, sender, grease);
  const bool encodable = tp.initial_source_connection_id &&
                         (sender == Role::client || tp.original_destination_connection_id);
  check(encoded == encodable);
  check(w.written() == (encoded ? expected : 0));
  if (!encoded) return;

  const auto again = decode_transport_parameters(w.data(), sender);
  if (!again) {
    // Only a client list cut at capacity can lose the Chosen Version.
    check(sender == Role::client && tp.version_information &&
          tp.version_information->available_versions_truncated());
    return;
  }
  compare(tp, *again);
  ByteWriter w2(second);
  check(encode_transport_parameters(w2, *again, sender, grease));
  check(w2.written() == w.written() &&
        std::equal(first.begin(), first.begin() + w.written(), second.begin()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan in(data, size);
  round_trip(in, Role::client);
  round_trip(in, Role::server);
  return 0;
}
