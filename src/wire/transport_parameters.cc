// Transport parameter decoding (RFC 9000 §18): a sequence of
// (id varint, length varint, value) tuples. Every length is checked against
// what remains before it is used; nothing allocates.
#include "wire/transport_parameters.h"

#include <algorithm>
#include <utility>

#include "wire/varint.h"

namespace tquic::wire {

namespace {

using Id = TransportParameterId;

constexpr Error param_error(const char* why) {
  return Error::transport(TransportErrorCode::TRANSPORT_PARAMETER_ERROR, why);
}

// Bit index of a known id for duplicate detection, or -1 for unknown ids
// (which RFC 9000 §7.4.2 says to ignore, so their duplicates are ignored too).
int known_index(std::uint64_t id) {
  if (id <= static_cast<std::uint64_t>(Id::version_information)) return static_cast<int>(id);
  switch (static_cast<Id>(id)) {
    case Id::max_datagram_frame_size: return 18;
    case Id::initial_max_path_id: return 19;
    case Id::min_ack_delay: return 20;
    default: return -1;
  }
}

// An integer parameter: one varint that fills the value exactly (§18).
Result<std::uint64_t> decode_integer(ByteSpan value) {
  ByteReader r(value);
  std::uint64_t v = 0;
  if (!read_varint(r, v) || !r.empty()) return param_error("integer parameter length mismatch");
  return v;
}

Result<ConnectionId> decode_cid(ByteSpan value) {
  ConnectionId cid;
  if (!ConnectionId::from_bytes(value, cid)) return param_error("connection ID longer than 20");
  return cid;
}

Result<StatelessResetToken> decode_token(ByteSpan value) {
  StatelessResetToken token{};
  if (value.size() != token.size()) return param_error("stateless_reset_token is not 16 bytes");
  std::copy(value.begin(), value.end(), token.begin());
  return token;
}

// RFC 9000 §18.2 Figure 22; the value must hold exactly these fields.
Result<PreferredAddress> decode_preferred_address(ByteSpan value) {
  ByteReader r(value);
  PreferredAddress pa;
  ByteSpan ipv4, ipv6, cid, token;
  std::uint8_t cid_len = 0;
  if (!r.read_span(4, ipv4) || !r.read_u16(pa.ipv4_port) || !r.read_span(16, ipv6) ||
      !r.read_u16(pa.ipv6_port) || !r.read_u8(cid_len))
    return param_error("preferred_address truncated");
  if (cid_len == 0) return param_error("preferred_address with zero-length connection ID");
  if (cid_len > kMaxCidLength) return param_error("preferred_address connection ID longer than 20");
  if (!r.read_span(cid_len, cid) || !r.read_span(kStatelessResetTokenLength, token))
    return param_error("preferred_address truncated");
  if (!r.empty()) return param_error("preferred_address has trailing bytes");
  std::copy(ipv4.begin(), ipv4.end(), pa.ipv4_address.begin());
  std::copy(ipv6.begin(), ipv6.end(), pa.ipv6_address.begin());
  (void)ConnectionId::from_bytes(cid, pa.connection_id);  // length checked above
  std::copy(token.begin(), token.end(), pa.stateless_reset_token.begin());
  return pa;
}

// RFC 9368 §3/§4: at least 4 bytes, a multiple of 4, no zero version; a
// client's Chosen Version must appear among its Available Versions.
Result<VersionInformation> decode_version_information(ByteSpan value, Role sender) {
  if (value.size() < 4 || value.size() % 4 != 0)
    return param_error("version_information length is not a positive multiple of 4");
  ByteReader r(value);
  VersionInformation vi;
  (void)r.read_u32(vi.chosen_version);  // length checked above
  if (vi.chosen_version == 0) return param_error("version_information chosen version is 0");
  bool chosen_listed = false;
  std::uint32_t v = 0;
  while (r.read_u32(v)) {
    if (v == 0) return param_error("version_information lists version 0");
    chosen_listed = chosen_listed || v == vi.chosen_version;
    (void)vi.add_available_version(v);  // beyond capacity: ignored, flagged
  }
  if (sender == Role::client && !chosen_listed)
    return param_error("version_information chosen version not among available versions");
  return vi;
}

template <class T>
Status store(T& field, Result<T> decoded) {
  if (!decoded) return decoded.error();
  field = std::move(*decoded);
  return ok_status();
}

template <class T>
Status store(std::optional<T>& field, Result<T> decoded) {
  if (!decoded) return decoded.error();
  field = std::move(*decoded);
  return ok_status();
}

// The uint64 field an integer parameter id maps to, or nullptr.
std::uint64_t* integer_field(TransportParameters& tp, Id id) {
  switch (id) {
    case Id::max_idle_timeout: return &tp.max_idle_timeout_ms;
    case Id::max_udp_payload_size: return &tp.max_udp_payload_size;
    case Id::initial_max_data: return &tp.initial_max_data;
    case Id::initial_max_stream_data_bidi_local: return &tp.initial_max_stream_data_bidi_local;
    case Id::initial_max_stream_data_bidi_remote: return &tp.initial_max_stream_data_bidi_remote;
    case Id::initial_max_stream_data_uni: return &tp.initial_max_stream_data_uni;
    case Id::initial_max_streams_bidi: return &tp.initial_max_streams_bidi;
    case Id::initial_max_streams_uni: return &tp.initial_max_streams_uni;
    case Id::ack_delay_exponent: return &tp.ack_delay_exponent;
    case Id::max_ack_delay: return &tp.max_ack_delay_ms;
    case Id::active_connection_id_limit: return &tp.active_connection_id_limit;
    case Id::max_datagram_frame_size: return &tp.max_datagram_frame_size;
    default: return nullptr;
  }
}

// Decodes one known parameter into `tp`. Range rules come later, in
// validate_transport_parameters, once every parameter is known.
Status decode_known(TransportParameters& tp, Id id, ByteSpan value, Role sender) {
  if (std::uint64_t* field = integer_field(tp, id)) return store(*field, decode_integer(value));
  switch (id) {
    case Id::original_destination_connection_id:
      return store(tp.original_destination_connection_id, decode_cid(value));
    case Id::initial_source_connection_id:
      return store(tp.initial_source_connection_id, decode_cid(value));
    case Id::retry_source_connection_id:
      return store(tp.retry_source_connection_id, decode_cid(value));
    case Id::stateless_reset_token: return store(tp.stateless_reset_token, decode_token(value));
    case Id::disable_active_migration:
      if (!value.empty()) return param_error("disable_active_migration is not empty");
      tp.disable_active_migration = true;
      return ok_status();
    case Id::preferred_address: return store(tp.preferred_address, decode_preferred_address(value));
    case Id::version_information:
      return store(tp.version_information, decode_version_information(value, sender));
    case Id::initial_max_path_id: return store(tp.initial_max_path_id, decode_integer(value));
    case Id::min_ack_delay: return store(tp.min_ack_delay_us, decode_integer(value));
    default: return ok_status();  // integer ids were handled above
  }
}

}  // namespace

Result<TransportParameters> decode_transport_parameters(ByteSpan in, Role sender) {
  TransportParameters tp;
  std::uint32_t seen = 0;  // bit known_index(id): no allocation for duplicate checks
  ByteReader r(in);
  while (!r.empty()) {
    std::uint64_t id = 0;
    std::uint64_t length = 0;
    ByteSpan value;
    if (!read_varint(r, id) || !read_varint(r, length))
      return param_error("transport parameter header truncated");
    if (length > r.remaining() || !r.read_span(static_cast<std::size_t>(length), value))
      return param_error("transport parameter value truncated");
    const int index = known_index(id);
    if (index < 0) continue;  // unknown or reserved (GREASE): ignored (§7.4.2)
    const std::uint32_t bit = std::uint32_t{1} << index;
    if ((seen & bit) != 0) return param_error("duplicate transport parameter");
    seen |= bit;
    TQUIC_TRY(decode_known(tp, static_cast<Id>(id), value, sender));
  }
  TQUIC_TRY(validate_transport_parameters(tp, sender));
  return tp;
}

// ---- small members of the parameter types ----

bool PreferredAddress::has_ipv4() const {
  return ipv4_port != 0 || std::any_of(ipv4_address.begin(), ipv4_address.end(),
                                       [](std::uint8_t b) { return b != 0; });
}

bool PreferredAddress::has_ipv6() const {
  return ipv6_port != 0 || std::any_of(ipv6_address.begin(), ipv6_address.end(),
                                       [](std::uint8_t b) { return b != 0; });
}

bool VersionInformation::add_available_version(std::uint32_t v) {
  if (count_ == kMaxAvailableVersions) {
    truncated_ = true;
    return false;
  }
  available_[count_++] = v;
  return true;
}

bool VersionInformation::contains_available(std::uint32_t v) const {
  const auto listed = available_versions();
  return std::find(listed.begin(), listed.end(), v) != listed.end();
}

bool operator==(const VersionInformation& a, const VersionInformation& b) {
  const auto la = a.available_versions();
  const auto lb = b.available_versions();
  return a.chosen_version == b.chosen_version && a.truncated_ == b.truncated_ &&
         std::equal(la.begin(), la.end(), lb.begin(), lb.end());
}

namespace {
// Converts a wire count of `unit` to a Duration, saturating.
template <class Unit>
Duration saturating_duration(std::uint64_t count) {
  constexpr auto kMax = std::chrono::duration_cast<Unit>(Duration::max()).count();
  if (count >= static_cast<std::uint64_t>(kMax)) return kDurationInfinite;
  return std::chrono::duration_cast<Duration>(Unit(static_cast<typename Unit::rep>(count)));
}
}  // namespace

Duration TransportParameters::max_idle_timeout() const {
  return saturating_duration<std::chrono::milliseconds>(max_idle_timeout_ms);
}

Duration TransportParameters::max_ack_delay() const {
  return saturating_duration<std::chrono::milliseconds>(max_ack_delay_ms);
}

std::optional<Duration> TransportParameters::min_ack_delay() const {
  if (!min_ack_delay_us) return std::nullopt;
  return saturating_duration<std::chrono::microseconds>(*min_ack_delay_us);
}

}  // namespace tquic::wire
